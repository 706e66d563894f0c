/**
 * A HubSpot export folder with the faults of everyday data (see test/messy-exports.test.ts for the
 * figures worked out by hand): the bundled HubSpot fixture in the vendor's layout, plus a company
 * with empty descriptive fields, a deal dated in the future, an unreadable amount, an unknown owner,
 * a deal in USD (a Currency column, as multi-currency portals export it) and a duplicated record.
 * `npx tsx test/helpers/messy-hubspot.ts DIR` writes it for a manual build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HUBSPOT_FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'exports', 'hubspot');
export const DEALS = 'hubspot-crm-exports-all-deals-2024-06-30.csv';
export const COMPANIES = 'hubspot-crm-exports-all-companies-2024-06-30.csv';

/** Appends a Currency column (multi-currency portals export it) and the faulty rows to the deals. */
export const messyDeals = (text: string): string => {
  const [header, ...rows] = text.trimEnd().split('\n');
  const blanks = ',,,,,';
  const added = [
    `9011,Pharma – Plateforme,Sales Pipeline,Closed Won,25000,2024-05-15 10:00,2024-02-01 09:00,Léa Dubois,5006,Offline Sources,${blanks}`,
    `9012,Acier – Audit,Sales Pipeline,Closed Won,7000,2031-03-01 10:00,2024-03-01 09:00,Hugo Bernard,5001,Offline Sources,${blanks}`,
    `9013,Acier – Formation,Sales Pipeline,Closed Won,12 k€,2024-05-02 10:00,2024-03-05 09:00,Hugo Bernard,5001,Offline Sources,${blanks}`,
    `9014,Clinique – Imagerie,Sales Pipeline,Closed Won,9000,2024-06-03 10:00,2024-04-10 09:00,Marc Inconnu,5003,Offline Sources,${blanks}`,
    `9015,Datavista – US,Sales Pipeline,Closed Won,10000,2024-06-20 10:00,2024-05-10 09:00,Léa Dubois,5004,Offline Sources,${blanks}`,
    rows[1]!, // 9002 exported twice
  ];
  const currency = (row: string) => (row.startsWith('9015,') ? 'USD' : 'EUR');
  return [`${header},Currency`, ...[...rows, ...added].map((row) => `${row},${currency(row)}`)].join('\n') + '\n';
};

/** Writes the messy folder (exports and an extracts.yaml with the USD rate) into `dir`. */
export const writeMessyHubspot = (dir: string) => {
  fs.cpSync(HUBSPOT_FIXTURE, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, DEALS), messyDeals(fs.readFileSync(path.join(HUBSPOT_FIXTURE, DEALS), 'utf8')));
  fs.appendFileSync(path.join(dir, COMPANIES), '5006,Pharma Sud,Léa Dubois,2023-06-01 10:00,,,,France,Customer,\n');
  fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'currency:\n  reporting: EUR\n  rates: { USD: 0.92 }\n');
};

if (process.argv[1] === fileURLToPath(import.meta.url)) writeMessyHubspot(process.argv[2]!);
