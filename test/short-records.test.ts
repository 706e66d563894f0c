/**
 * A record with fewer fields than its header is malformed, like one with more: a value left out
 * shifts the next ones into the wrong columns, so the record is rejected on its line, its money
 * held out and counted. `padShortRecords: true` in extracts.yaml reads the missing fields as the
 * last ones: the record then loads with them unknown, flagged.
 *
 * The opportunities file is written by hand (14 columns); every figure below is counted from it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureCompany } from './helpers/fixture-company.js';
import { writeCompany } from './helpers/csv.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';

let loaded: Loaded | undefined;
afterEach(() => { loaded?.db.close(); loaded = undefined; });

const OPPORTUNITIES = [
  'opportunity_id,account_id,lead_id,owner_seller_id,product_line,amount,origin,created_at,closed_at,stage,loss_reason,currency,original_amount,original_currency',
  // 14 fields, the last three empty but present: not short.
  'O1,A1,L1,S2,Logiciel,12000,marketing,2023-09-20,2023-11-15,won,,EUR,,',
  'O2,A1,,S2,Services,3000,sales,2023-10-01,,proposal,,EUR,,',
  // 13 fields: product_line left out, so 4500 sits under product_line and "sales" under amount.
  'O3,A1,,S2,4500,sales,2023-10-02,,proposal,,EUR,,',
  // 11 fields: only the last three (currency, original_amount, original_currency) are missing.
  'O4,A1,,S2,Logiciel,5000,sales,2023-10-03,,proposal,',
].join('\n') + '\n';

const folder = (config?: string) => {
  const dir = tempDir();
  writeCompany(dir, fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>);
  fs.writeFileSync(path.join(dir, 'opportunities.csv'), OPPORTUNITIES);
  if (config) fs.writeFileSync(path.join(dir, 'extracts.yaml'), config);
  return dir;
};

const money = (l: Loaded) => l.db.query<Record<string, number | string>>(
  `SELECT currency, rows_read, CAST(amount_read AS DOUBLE) AS amount_read, rows_unreadable, rows_loaded, CAST(amount_loaded AS DOUBLE) AS amount_loaded,
          rows_held_out, CAST(amount_held_out AS DOUBLE) AS amount_held_out
     FROM audit.money WHERE extract = 'opportunities'`);

describe('short records', () => {
  it('are rejected on their line by default, saying how many fields against the header, with their money held out', async () => {
    const dir = folder();
    loaded = await loadFolder(dir);
    expect(loaded.summary('opportunities')).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsRejected: 2, rowsFlagged: 0 });
    const rejects = await loaded.rejects('opportunities');
    // One reason per short record: the shifted values' own failures would only mislead.
    expect(rejects.map((r) => [r.row_number, r.line_number, r.column_name, r.value])).toEqual([[3, 4, '(record)', null], [4, 5, '(record)', null]]);
    expect(rejects[0]!.reason).toMatch(/^short record: 13 fields where the header has 14 columns: a value left out shifts the next ones/);
    expect(rejects[1]!.reason).toMatch(/^short record: 11 fields where the header has 14 columns: .*padShortRecords: true under files\.opportunities in extracts\.yaml/);
    const [file] = await loaded.db.query<{ source_file: string }>(`SELECT DISTINCT source_file FROM audit.rejects WHERE extract = 'opportunities'`);
    expect(file!.source_file).toBe(path.join(dir, 'opportunities.csv'));
    expect((await loaded.db.query(`SELECT opportunity_id FROM raw.opportunities ORDER BY 1`)).map((r) => r.opportunity_id)).toEqual(['O1', 'O2']);
    // Read 12000 + 3000 + 5000 (O3's amount position holds "sales": unreadable), loaded 15000, held out 5000.
    expect(await money(loaded)).toEqual([{
      currency: 'EUR', rows_read: 4, amount_read: 20000, rows_unreadable: 1, rows_loaded: 2, amount_loaded: 15000, rows_held_out: 2, amount_held_out: 5000,
    }]);
  });

  it('with padShortRecords, load with their missing last fields unknown and are flagged; a value left out mid-record still fails', async () => {
    loaded = await loadFolder(folder('files:\n  opportunities: { padShortRecords: true }\n'));
    expect(loaded.summary('opportunities')).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsRejected: 1, rowsFlagged: 1 });
    const flags = await loaded.flags('opportunities');
    expect(flags).toEqual([{
      extract: 'opportunities', row_number: 4, line_number: 5, column_name: '(record)', value: null,
      reason: 'short record: 11 fields where the header has 14 columns: read with its last 3 field(s) missing (currency, original_amount, original_currency) as unknown (padShortRecords in extracts.yaml)',
    }]);
    const [o4] = await loaded.db.query(`SELECT product_line, CAST(amount AS DOUBLE) AS amount, currency, original_amount FROM raw.opportunities WHERE opportunity_id = 'O4'`);
    // An absent currency is the company's reporting currency (EUR by default).
    expect(o4).toEqual({ product_line: 'Logiciel', amount: 5000, currency: 'EUR', original_amount: null });
    // O3 lost a middle value: padded, "sales" is read as its amount, which no rule accepts.
    const o3 = await loaded.rejects('opportunities');
    expect(o3.some((r) => r.row_number === 3 && r.line_number === 4 && r.column_name === 'amount')).toBe(true);
    expect(o3.every((r) => r.row_number === 3)).toBe(true);
    expect(await money(loaded)).toEqual([{
      currency: 'EUR', rows_read: 4, amount_read: 20000, rows_unreadable: 1, rows_loaded: 3, amount_loaded: 20000, rows_held_out: 1, amount_held_out: 0,
    }]);
  });

  it('a header ending in a delimiter names no column after it: records without that empty field are not short', async () => {
    const dir = folder();
    const [header, o1, o2] = OPPORTUNITIES.split('\n');
    fs.writeFileSync(path.join(dir, 'opportunities.csv'), `${header},\n${o1}\n${o2}\n`);
    loaded = await loadFolder(dir);
    expect(loaded.summary('opportunities')).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0, rowsFlagged: 0 });
  });

  it('padShortRecords must be true or false, said in extracts.yaml', async () => {
    await expect(loadFolder(folder('files:\n  opportunities: { padShortRecords: yes please }\n'))).rejects.toThrow(/extracts\.yaml.*padShortRecords|padShortRecords.*boolean/s);
  });
});
