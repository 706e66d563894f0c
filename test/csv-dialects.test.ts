/**
 * CSV as users really export it: each dialect loads the same company to the same values.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { fixtureCompany } from './helpers/fixture-company.js';
import { writeCompany, type CsvStyle } from './helpers/csv.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';

let loaded: Loaded | undefined;
afterEach(() => loaded?.db.close());

const company = () => fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;

const loadStyled = async (style: CsvStyle, mutate: (c: Record<string, Record<string, unknown>[]>) => void = () => {}, extractsYaml?: string) => {
  const dir = tempDir();
  const c = company();
  mutate(c);
  writeCompany(dir, c, style);
  if (extractsYaml) fs.writeFileSync(path.join(dir, 'extracts.yaml'), extractsYaml);
  loaded = await loadFolder(dir);
  return loaded;
};

/** The values a correct load must produce, whatever the dialect. */
const expectFixtureValues = async (l: Loaded) => {
  expect(await l.rejects()).toEqual([]);
  expect(await l.db.query(`SELECT seller_id, hourly_cost FROM raw.sellers ORDER BY seller_id`)).toEqual([
    { seller_id: 'S1', hourly_cost: 60 }, { seller_id: 'S2', hourly_cost: 45.5 },
  ]);
  expect(await l.db.query(`SELECT account_name FROM raw.accounts ORDER BY account_id`)).toEqual([
    { account_name: 'Acier du Nord' }, { account_name: 'Boulangeries Réunies' },
  ]);
  expect(await l.db.query(`SELECT sum(net_amount) AS revenue FROM raw.invoice_lines`)).toEqual([{ revenue: 10800 }]);
};

describe('CSV dialects', () => {
  it('comma-separated, UTF-8 without BOM', async () => {
    const l = await loadStyled({ delimiter: ',' });
    await expectFixtureValues(l);
    expect(l.summary('sellers')).toMatchObject({ delimiter: ',', decimal: '.' });
  });

  it('semicolon-separated with decimal comma (French Excel)', async () => {
    const l = await loadStyled({ delimiter: ';', decimal: ',' });
    await expectFixtureValues(l);
    expect(l.summary('sellers')).toMatchObject({ delimiter: ';', decimal: ',' });
  });

  it('UTF-8 with BOM and CRLF line endings', async () => {
    const l = await loadStyled({ bom: true, lineEnding: '\r\n' });
    await expectFixtureValues(l);
  });

  it('Windows-1252, with accents and the euro sign', async () => {
    const l = await loadStyled({ delimiter: ';', decimal: ',', encoding: 'windows-1252' }, (c) => {
      c.campaigns![0]!.campaign_name = 'Salon Industrie – budget 3 000 €';
    });
    await expectFixtureValues(l);
    expect(await l.db.query('SELECT campaign_name FROM raw.campaigns')).toEqual([{ campaign_name: 'Salon Industrie – budget 3 000 €' }]);
  });

  it('quoted fields with newlines and delimiters; rejects point at the physical line', async () => {
    const l = await loadStyled({ delimiter: ';' }, (c) => {
      c.accounts![0]!.account_name = 'Acier du Nord;\nSite de Lille\n"historique"';
      c.accounts!.push({ ...c.accounts![1]!, account_id: 'A3', employees: 'beaucoup' });
    });
    expect(await l.db.query(`SELECT account_name FROM raw.accounts WHERE account_id = 'A1'`)).toEqual([
      { account_name: 'Acier du Nord;\nSite de Lille\n"historique"' },
    ]);
    // Record 3 sits on line 6: header, record 1 spans lines 2-4, record 2 is line 5. A head count
    // is descriptive: the account loads with it unknown, flagged on its line.
    expect(await l.rejects()).toEqual([]);
    expect(await l.flags()).toEqual([
      { extract: 'accounts', row_number: 3, line_number: 6, column_name: 'employees', value: 'beaucoup', reason: 'wrong type: expected a whole number, got "beaucoup"' },
    ]);
  });

  it('French dates (dd/mm/yyyy) and timestamps, with the order written in extracts.yaml', async () => {
    const l = await loadStyled({ delimiter: ';', decimal: ',' }, (c) => {
      c.accounts![0]!.created_at = '02/05/2023';
      c.leads![0]!.created_at = '12/09/2023 10:00';
    }, 'csv:\n  dateFormats: ["%d/%m/%Y"]\n  timestampFormats: ["%d/%m/%Y %H:%M"]\n');
    expect(await l.rejects()).toEqual([]);
    expect(await l.db.query(`SELECT created_at FROM raw.accounts WHERE account_id = 'A1'`)).toEqual([{ created_at: '2023-05-02' }]);
    expect(await l.db.query(`SELECT created_at FROM raw.leads WHERE lead_id = 'L1'`)).toEqual([{ created_at: '2023-09-12 10:00:00' }]);
  });

  it('day/month dates read with the default order: a file whose other dates prove it loads; one with only ambiguous dates stops', async () => {
    // accounts.csv: one slash date, 02/05/2023, readable both ways, and nothing else to tell.
    await expect(loadStyled({}, (c) => { c.accounts![0]!.created_at = '02/05/2023'; })).rejects.toThrow(
      /accounts\.csv, column created_at: 1 dates are written with slashes; read day\/month, 1 are valid dates .* No value tells whether the day or the month comes first\. Say the order of your export in extracts\.yaml/);
    // A 25/05/2023 in the same file proves day/month: both dates load, none swapped.
    const l = await loadStyled({}, (c) => {
      c.accounts![0]!.created_at = '02/05/2023';
      c.accounts![1]!.created_at = '25/05/2023';
    });
    expect(await l.db.query(`SELECT account_id, created_at FROM raw.accounts ORDER BY account_id`)).toEqual([
      { account_id: 'A1', created_at: '2023-05-02' }, { account_id: 'A2', created_at: '2023-05-25' },
    ]);
    expect(l.summary('accounts').dateOrders).toEqual(['created_at: day/month (default)']);
  });

  it('month/day data read with a day/month order stops the run with the count each reading gives', async () => {
    await expect(loadStyled({}, (c) => {
      c.opportunities![0]!.created_at = '09/20/2023';
      c.opportunities![0]!.closed_at = '11/15/2023';
    }, 'csv:\n  dateFormats: ["%d/%m/%Y"]\n')).rejects.toThrow(
      /opportunities\.csv, column (created_at|closed_at): 2? ?.*read day\/month, 0 are valid dates \(1 are not, e\.g\. "(09\/20|11\/15)\/2023"\); read month\/day, 1 are valid .*this run reads day\/month.*contradict the order used/);
  });

  it('thousands separators with decimal comma, and a dot that would be ambiguous is rejected', async () => {
    const l = await loadStyled({ delimiter: ';', decimal: ',' }, (c) => {
      c.invoice_lines![0]!.net_amount = '12 000,00';
      c.marketing_spend![0]!.amount = '3.000,00';
      c.marketing_spend![1]!.amount = '500.5';
    });
    expect(await l.db.query(`SELECT sum(net_amount) AS revenue FROM raw.invoice_lines`)).toEqual([{ revenue: 10800 }]);
    expect(await l.db.query(`SELECT amount FROM raw.marketing_spend`)).toEqual([{ amount: 3000 }]);
    expect((await l.rejects()).map((r) => r.reason)).toEqual(['wrong type: expected a number like 1234,56, got "500.5"']);
  });

  it('cells with surrounding or inner spaces type like plain ones; a fraction is not a whole number', async () => {
    const l = await loadStyled({}, (c) => {
      Object.assign(c.accounts![0]!, { account_name: '\u00a0Acier du Nord\u202f', employees: ' 800 ', created_at: ' 2023-05-02 ' });
      Object.assign(c.accounts![1]!, { employees: '1\u00a0040' });
      c.accounts!.push({ ...c.accounts![1]!, account_id: 'A3', employees: '3.5', region: '  ' });
      Object.assign(c.invoice_lines![0]!, { unit_price: '1,200.00', quantity: ' 10 ', unit_cost: '240.' });
    });
    expect(await l.db.query(`SELECT account_id, account_name, employees, region, created_at FROM raw.accounts ORDER BY account_id`)).toEqual([
      { account_id: 'A1', account_name: 'Acier du Nord', employees: 800, region: 'Hauts-de-France', created_at: '2023-05-02' },
      { account_id: 'A2', account_name: 'Boulangeries Réunies', employees: 1040, region: 'Bretagne', created_at: '2023-06-10' },
      { account_id: 'A3', account_name: 'Boulangeries Réunies', employees: null, region: '(non renseigné)', created_at: '2023-06-10' },
    ]);
    expect((await l.flags()).map((r) => [r.extract, r.row_number, r.line_number, r.column_name, r.value, r.reason])).toEqual([
      ['accounts', 3, 4, 'employees', '3.5', 'wrong type: expected a whole number, got "3.5"'],
      ['accounts', 3, 4, 'region', null, 'missing required value'],
    ]);
    // A cost that cannot be read holds its line out, and the invoice with it (never half an invoice).
    expect((await l.rejects()).map((r) => [r.extract, r.row_number, r.line_number, r.column_name, r.value])).toEqual([
      ['invoice_lines', 1, 2, 'unit_cost', '240.'],
      ['invoices', 1, 2, 'invoice_id', 'F1'],
    ]);
    expect((await l.rejects('invoice_lines'))[0]!.reason).toBe('wrong type: expected a number like 1234.56, got "240."');
  });

  it('dialect set explicitly in extracts.yaml', async () => {
    const dir = tempDir();
    writeCompany(dir, company(), { delimiter: '|' });
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'csv:\n  delimiter: "|"\n  decimal: "."\n  encoding: utf-8\n');
    loaded = await loadFolder(dir);
    await expectFixtureValues(loaded);
    expect(loaded.summary('accounts')).toMatchObject({ delimiter: '|' });
  });

  it('Parquet extracts, with rejects pointing at the record number', async () => {
    const dir = tempDir();
    const c = company();
    c.accounts!.push({ ...c.accounts![1]!, account_name: 'Doublon' });
    writeCompany(dir, c);
    const db = await openDatabase(':memory:');
    for (const name of ['accounts', 'invoice_lines']) {
      const csv = path.join(dir, `${name}.csv`);
      await db.exec(`COPY (SELECT * FROM read_csv('${csv}')) TO '${path.join(dir, `${name}.parquet`)}' (FORMAT parquet)`);
      fs.rmSync(csv);
    }
    db.close();
    loaded = await loadFolder(dir);
    expect(loaded.summary('accounts')).toMatchObject({ format: 'parquet', rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    expect(await loaded.rejects('accounts')).toEqual([
      { extract: 'accounts', row_number: 3, line_number: null, column_name: 'account_id', value: 'account_id=A2', reason: 'duplicate key (account_id=A2): first seen on row 2, which is kept' },
    ]);
    expect(await loaded.db.query(`SELECT sum(net_amount) AS revenue FROM raw.invoice_lines`)).toEqual([{ revenue: 10800 }]);
  });

  it('a folder of Hive-partitioned Parquet files', async () => {
    const dir = tempDir();
    writeCompany(dir, company());
    const db = await openDatabase(':memory:');
    const csv = path.join(dir, 'activities.csv');
    await db.exec(`COPY (SELECT *, strftime(CAST(scheduled_at AS TIMESTAMP), '%Y-%m') AS month FROM read_csv('${csv}'))
      TO '${path.join(dir, 'activities')}' (FORMAT parquet, PARTITION_BY (month))`);
    fs.rmSync(csv);
    db.close();
    loaded = await loadFolder(dir);
    expect(loaded.summary('activities')).toMatchObject({ format: 'parquet', rowsRead: 3, rowsLoaded: 3, rowsRejected: 0 });
    expect(loaded.summary('activities').files).toHaveLength(1);
    // The partition key is read from the folder names; it is not part of the contract.
    expect(loaded.summary('activities').extraColumns).toEqual(['month']);
  });

  it('a Parquet folder: a reject names its own file and its record number within it', async () => {
    const dir = tempDir();
    const c = company();
    c.activities![1]!.rebooked_activity_id = null;
    c.activities![2]!.duration_minutes = -5;
    writeCompany(dir, c);
    const db = await openDatabase(':memory:');
    const csv = path.join(dir, 'activities.csv');
    await db.exec(`COPY (SELECT *, strftime(CAST(scheduled_at AS TIMESTAMP), '%d') < '20' AS early FROM read_csv('${csv}'))
      TO '${path.join(dir, 'activities')}' (FORMAT parquet, PARTITION_BY (early))`);
    fs.rmSync(csv);
    db.close();
    loaded = await loadFolder(dir);
    const files = loaded.summary('activities').files;
    expect(files.map((f) => path.basename(path.dirname(f)))).toEqual(['early=false', 'early=true']);
    expect(loaded.summary('activities')).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    // T1 (12th) is alone in early=true; T2 and T3 (25th, 28th) are records 1 and 2 of early=false.
    expect(await loaded.db.query(`SELECT source_file, row_number, line_number, column_name, reason FROM audit.rejects`)).toEqual([
      { source_file: files[0], row_number: 2, line_number: null, column_name: 'duration_minutes', reason: 'negative value -5 (must be 0 or more)' },
    ]);
    expect(await loaded.db.query(`SELECT activity_id FROM raw.activities ORDER BY activity_id`)).toEqual([{ activity_id: 'T1' }, { activity_id: 'T2' }]);
  });
});
