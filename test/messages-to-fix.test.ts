/**
 * Messages that lead to the fix, and dates read in the order the data proves: each message names
 * the user's file (never the mapped copy), line or column, and what to write.
 * Figures are worked out by hand from the bundled HubSpot fixture (test/fixtures/exports/hubspot):
 * deal 9002 (Acier – Support, 12 000, closed 2024-04-10) and deal 9003 (Boulangeries – Caisse,
 * 8 000, closed 2024-03-20) are given another currency below.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { HeldOutError } from '../pipelines/load/held-out.js';
import { assertCoreExtractsLoaded } from '../pipelines/load/core-extracts.js';
import { applyMapping } from '../pipelines/mapping/apply.js';
import { draftMapping } from '../pipelines/mapping/init.js';
import { decideReadings, type ColumnEvidence, type StagedFile } from '../pipelines/mapping/locale-values.js';
import { unrecognisedLines } from '../pipelines/mapping/unrecognised.js';
import { runPipeline } from '../pipelines/pipeline.js';
import { silentReporter } from '../pipelines/progress.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';
import { closeMapped, mapAndLoad } from './helpers/map-and-load.js';
import { EXPORT_FIXTURES } from './helpers/mapped.js';
import { DEALS } from './helpers/messy-hubspot.js';
import { fixtureCompany } from './helpers/fixture-company.js';
import { writeCompany } from './helpers/csv.js';

const open: Loaded[] = [];
afterAll(() => { closeMapped(); open.forEach((l) => l.db.close()); });

const hubspotCopy = () => {
  const dir = tempDir('bi-hubspot-');
  fs.cpSync(path.join(EXPORT_FIXTURES, 'hubspot'), dir, { recursive: true });
  return dir;
};

/** Rewrites the deals file's lines (header first) with `edit`. */
const editDeals = (dir: string, edit: (line: string, index: number) => string) => {
  const file = path.join(dir, DEALS);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').map((l, i) => (l ? edit(l, i) : l)).join('\n'));
};

describe('a missing exchange rate', () => {
  it('stops first with the currencies and months, and the lines to add; with them the run goes on', async () => {
    const dir = hubspotCopy();
    // A Currency column: 9002 in USD (closed 2024-04-10), 9003 in GBP (closed 2024-03-20), the rest EUR.
    editDeals(dir, (l, i) => `${l},${i === 0 ? 'Currency' : l.startsWith('9002,') ? 'USD' : l.startsWith('9003,') ? 'GBP' : 'EUR'}`);
    const data = tempDir('bi-rates-data-');
    const run = (acceptHeldOut = false) => runPipeline({
      settings: { dataDir: data, siteDir: path.join(data, 'site'), referenceDay: '2024-06-30', threads: 2 },
      reporter: silentReporter(), extracts: dir, mapping: 'hubspot', site: false, acceptHeldOut,
    });
    const error = await run().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HeldOutError);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toMatch(/^No exchange rate into EUR for GBP in 2024-03 \(1 row\(s\), 8,000\.00 GBP\); USD in 2024-04 \(1 row\(s\), 12,000\.00 USD\): /);
    expect(lines).toContain('  GBP,2024-03-01,RATE');
    expect(lines).toContain('  USD,2024-04-01,RATE');
    expect(lines).toContain('      USD: { 2024-04: RATE }');
    expect((error as Error).message).toContain(path.join(dir, 'fx_rates.csv'));
    expect((error as Error).message).not.toMatch(/unknown reference/);
    // The lines as printed, each RATE written: USD 0.90, GBP 1.20.
    const rates = lines.filter((l) => /^ {2}[A-Z]{3},\d{4}-\d{2}-01,RATE$/.test(l)).map((l) => l.trim().replace('RATE', l.includes('USD') ? '0.90' : '1.20'));
    fs.writeFileSync(path.join(dir, 'fx_rates.csv'), `currency,month,rate\n${rates.join('\n')}\n`);
    // The fixture's own faulty deals (9009, 9010) are held out: accepted, to look at the converted amounts.
    const result = await run(true);
    const db = await openDatabase(result.databasePath, { readOnly: true });
    try {
      // 12 000 USD × 0.90 = 10 800 EUR; 8 000 GBP × 1.20 = 9 600 EUR.
      expect(await db.query(`SELECT opportunity_id, amount, currency FROM staging.stg_opportunities WHERE opportunity_id IN ('9002', '9003') ORDER BY 1`))
        .toEqual([{ opportunity_id: '9002', amount: 10800, currency: 'USD' }, { opportunity_id: '9003', amount: 9600, currency: 'GBP' }]);
    } finally {
      db.close();
    }
  }, 240_000);
});

describe('a file no mapping reads', () => {
  it('is named with its columns, the mapping it fits or the closest source, and the mapping:init command', async () => {
    const dir = hubspotCopy();
    fs.copyFileSync(path.join(EXPORT_FIXTURES, 'stripe', 'invoices.csv'), path.join(dir, 'invoices.csv'));
    // A deals export of another CRM: "Deal owner" and "Deal Stage" under other names.
    fs.writeFileSync(path.join(dir, 'pipeline-2024.csv'), 'Record ID,Stage of deal,Amount,Owner of deal\n1,Won,100,Ann\n');
    const outDir = path.join(tempDir('bi-out-'), 'out');
    const result = await applyMapping({ inputDir: dir, mapping: 'hubspot', outDir });
    expect(result.unrecognised.sort()).toEqual(['invoices.csv', 'pipeline-2024.csv']);
    const lines = unrecognisedLines(result.unrecognisedFiles, ['hubspot'], dir);
    expect(lines).toContain('  It has the columns of stripe sources.invoices: add that mapping, --mapping hubspot,stripe');
    expect(lines).toContain('Not read: pipeline-2024.csv fits no source of the mapping hubspot (its columns: Record ID, Stage of deal, Amount, Owner of deal).');
    expect(lines).toContain('  Closest: hubspot sources.deals, which needs "Deal Stage", "Deal owner".');
    expect(lines.join('\n')).toContain('        Deal Stage: ["Stage of deal"]');
    expect(lines.filter((l) => l === `  If it is another tool's export, draft a mapping for it: npm run mapping:init -- --extracts ${dir}`)).toHaveLength(2);
  }, 60_000);
});

describe('mapping:init below a report preamble', () => {
  it('finds the header row under the title, the filters and blank lines (Excel-padded too)', async () => {
    const dir = tempDir('bi-init-preamble-');
    fs.cpSync(path.join(EXPORT_FIXTURES, 'unknown-crm'), dir, { recursive: true });
    const pipeline = path.join(dir, 'pipeline_export.csv');
    fs.writeFileSync(pipeline, `Pipeline export;;;;;;;\nFiltered by: stage = all; owner = all\n\n${fs.readFileSync(pipeline, 'utf8')}`);
    const teams = path.join(dir, 'equipe.csv');
    fs.writeFileSync(teams, `"Team report, June 2024"\n${fs.readFileSync(teams, 'utf8')}`);
    const draft = await draftMapping(dir, tempDir('bi-init-'));
    expect(draft.yaml).toMatch(/pipeline_export:\n\s+files: pipeline_export\.csv\n\s+skipLines: 3/);
    expect(draft.yaml).toMatch(/equipe:\n\s+files: equipe\.csv\n\s+skipLines: 1/);
    expect(draft.files.find((f) => f.file === 'pipeline_export.csv')).toMatchObject({ extract: 'opportunities' });
    expect(draft.files.find((f) => f.file === 'equipe.csv')).toMatchObject({ extract: 'sellers' });
    expect(draft.yaml).toContain('# pipeline_export.csv: the header is on line 4, below the report\'s 3 line(s) of title and filters (skipLines: 3).');
  }, 60_000);
});

/** Evidence of a slash-date column, as columnEvidence gives it. */
const dates = (column: string, slash: number, dayOver12: number, monthOver12: number): ColumnEvidence & { header: string } => ({
  column, header: column, values: slash, slash, dayOver12, monthOver12,
  dayExample: dayOver12 ? '25/03/2024' : null, monthExample: monthOver12 ? '03/25/2024' : null,
  localeNumbers: 0, commaDecimal: 0, pointDecimal: 0, spaced: 0, withComma: 0, numberExample: null,
});
const staged = (file: string, ...evidence: (ColumnEvidence & { header: string })[]): StagedFile => ({ file, table: 't', evidence });
const rules = { formatted: () => false, commaDecimal: () => false, referenced: () => true, overridesFile: 'exports/mapping-overrides.yaml' };

describe('date order: what the data proves is read and said; a contradiction or an order nothing tells stops', () => {
  it('reads day first where 34 values have a day over 12 and none a month over 12, and says so', () => {
    const [decided] = decideReadings([staged('deals.csv', dates('Close Date', 40, 34, 0), dates('Create Date', 40, 0, 0))], rules);
    expect(decided!.notes).toEqual([
      'deals.csv, Close Date: read day-first: 34 values have a day over 12 (e.g. "25/03/2024"), none a month over 12',
      'deals.csv, Create Date: read day-first: no value tells, the file\'s column "Close Date" does: 34 values have a day over 12 (e.g. "25/03/2024"), none a month over 12',
    ]);
    expect(decided!.rewrites).toEqual([{ column: 'Close Date', kind: 'date', order: 'day-first' }, { column: 'Create Date', kind: 'date', order: 'day-first' }]);
  });

  it('stops on a column that contradicts itself, naming it and both counts', () => {
    expect(() => decideReadings([staged('deals.csv', dates('Close Date', 40, 34, 2))], rules))
      .toThrow('deals.csv, column "Close Date": the dates contradict each other: 34 values only read day first (e.g. "25/03/2024") and 2 values only read month first (e.g. "03/25/2024"), out of 40 dates');
  });

  it('stops where nothing tells the order of a column the mapping reads; dateOrder: in the overrides then decides', () => {
    const undecided = [staged('deals.csv', dates('Close Date', 12, 0, 0))];
    expect(() => decideReadings(undecided, rules)).toThrow(/deals\.csv, column "Close Date": 12 dates .* none has a number over 12[\s\S]*add the line "dateOrder: dmy"/);
    expect(decideReadings(undecided, { ...rules, dateOrder: 'dmy' })[0]!.notes)
      .toEqual(['deals.csv, Close Date: read day-first: no value tells; exports/mapping-overrides.yaml says dateOrder: dmy']);
    // A column the mapping does not read cannot stop the run.
    expect(decideReadings(undecided, { ...rules, referenced: () => false })[0]!.rewrites).toEqual([]);
  });

  it('end to end: a HubSpot deals file whose Close Date reads both ways stops naming the user\'s file and column', async () => {
    const dir = hubspotCopy();
    // Dates day first (ISO turned round), but deal 9004's Close Date written month first: 07/31/2024.
    editDeals(dir, (l, i) => {
      if (i === 0) return l;
      const cells = l.replace(/(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})/g, '$3/$2/$1 $4').split(',');
      if (cells[0] === '9004') cells[5] = '07/31/2024 23:59';
      return cells.join(',');
    });
    await expect(applyMapping({ inputDir: dir, mapping: 'hubspot', outDir: path.join(tempDir('bi-out-'), 'out') }))
      .rejects.toThrow(/^hubspot-crm-exports-all-deals-2024-06-30\.csv, column "Close Date": the dates contradict each other: \d+ values only read day first \(e\.g\. "[^"]+"\) and 1 value only read month first \(e\.g\. "07\/31\/2024 23:59"\), out of \d+ dates/);
  }, 60_000);
});

describe('date order of contract files, as for mappings', () => {
  it('under the default order, a file whose dates prove month/day is read month/day, and said', async () => {
    const dir = tempDir('bi-mdy-');
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    // O1: created 20 September, closed 15 November 2023, written month first (20 and 15 in second place).
    company.opportunities![0]!.created_at = '09/20/2023';
    company.opportunities![0]!.closed_at = '11/15/2023';
    writeCompany(dir, company);
    const l = await loadFolder(dir);
    open.push(l);
    expect(await l.db.query(`SELECT created_at, closed_at FROM raw.opportunities WHERE opportunity_id = 'O1'`)).toEqual([{ created_at: '2023-09-20', closed_at: '2023-11-15' }]);
    expect(l.summary('opportunities').dateOrders).toEqual([
      'created_at: month/day (read so as the data proves: created_at has 1 value(s) only month/day reads (e.g. "09/20/2023"), no date of the file only day/month reads)',
      'closed_at: month/day (read so as the data proves: created_at has 1 value(s) only month/day reads (e.g. "09/20/2023"), no date of the file only day/month reads)',
    ]);
  });
});

describe('Salesforce Data Export', () => {
  it('reads a User.csv exported without Username (the mapping does not need it)', async () => {
    const dir = tempDir('bi-sf-user-');
    fs.cpSync(path.join(EXPORT_FIXTURES, 'salesforce-data-export'), dir, { recursive: true });
    const users = path.join(dir, 'User.csv');
    // Drop the second column (Username) of every line; no other cell of the fixture holds a comma.
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').split('\n').map((l) => (l ? l.split(',').filter((_, i) => i !== 1).join(',') : l)).join('\n'));
    expect(fs.readFileSync(users, 'utf8')).not.toMatch(/Username/);
    const m = await mapAndLoad(dir, 'salesforce');
    // As with the full User.csv (test/mapping-salesforce.test.ts): three sellers, the Chatter user filtered.
    expect(await m.db.query(`SELECT seller_name, role FROM raw.sellers ORDER BY seller_name`)).toEqual([
      { seller_name: 'Alice Martin', role: 'manager' }, { seller_name: 'Bruno Petit', role: 'account_executive' }, { seller_name: 'Chloé Garnier', role: 'account_executive' },
    ]);
  }, 60_000);
});

describe('a core extract rejected whole', () => {
  it('names the user\'s export and its line, never the mapped copy', async () => {
    const dir = hubspotCopy();
    const file = path.join(dir, 'hubspot-users-2024-06-30.csv');
    // Every user's first name left empty: no seller id (First Last) can be made, every seller is rejected.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').map((l, i) => (i === 0 || !l ? l : l.replace(/^(\d+),[^,]+,/, '$1,,'))).join('\n'));
    const result = await applyMapping({ inputDir: dir, mapping: 'hubspot', outDir: path.join(tempDir('bi-out-'), 'out') });
    const loaded = await loadFolder(result.outDir);
    open.push(loaded);
    const error = await assertCoreExtractsLoaded(loaded.db).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^hubspot-users-2024-06-30\.csv: all 4 rows of core extract "sellers" were rejected — 4 × seller_id: missing required value \(first at line 2\)/);
    expect(error?.message).not.toMatch(/parquet/);
  }, 60_000);
});
