/**
 * One test per rejection rule: a valid fixture company with one deliberate error, asserting the
 * exact rejects and that rows read = rows loaded + rows rejected for every extract.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureCompany } from './helpers/fixture-company.js';
import { writeCompany } from './helpers/csv.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';

type Company = ReturnType<typeof fixtureCompany>;
let loaded: Loaded | undefined;
afterEach(() => loaded?.db.close());

const loadWith = async (mutate: (c: Record<string, Record<string, unknown>[]>) => void) => {
  const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
  mutate(company);
  const dir = tempDir();
  writeCompany(dir, company);
  loaded = await loadFolder(dir);
  for (const l of loaded.loads) expect(l.rowsRead, l.extract).toBe(l.rowsLoaded + l.rowsRejected);
  return loaded;
};

const rows = (c: Record<string, Record<string, unknown>[]>, extract: keyof Company) => c[extract]!;

describe('the valid fixture company', () => {
  it('loads every row and rejects none', async () => {
    const { loads, rejects } = await loadWith(() => {});
    expect(await rejects()).toEqual([]);
    const expected = Object.fromEntries(Object.entries(fixtureCompany()).map(([k, v]) => [k, v.length]));
    expect(Object.fromEntries(loads.filter((l) => l.status === 'loaded').map((l) => [l.extract, l.rowsLoaded]))).toEqual(expected);
    // No exchange rates in the folder: an optional extract, simply not provided.
    expect(loads.find((l) => l.extract === 'fx_rates')).toMatchObject({ status: 'not_provided' });
  });

  it('types columns as the contract says', async () => {
    const { db } = await loadWith(() => {});
    const types = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'invoice_lines' ORDER BY ordinal_position`);
    expect(types.map((t) => `${t.column_name}:${t.data_type}`)).toEqual([
      'invoice_id:VARCHAR', 'line_number:BIGINT', 'product_line:VARCHAR', 'product_code:VARCHAR', 'quantity:DOUBLE',
      'unit_price:DECIMAL(18,2)', 'discount_rate:DOUBLE', 'net_amount:DECIMAL(18,2)', 'unit_cost:DECIMAL(18,2)',
    ]);
  });
});

describe('each rule rejects the row that breaks it, with its reason', () => {
  it('wrong type', async () => {
    const { rejects, summary } = await loadWith((c) => { rows(c, 'activities')[0]!.duration_minutes = '20 min'; });
    expect(await rejects()).toEqual([
      { extract: 'activities', row_number: 1, line_number: 2, column_name: 'duration_minutes', value: '20 min', reason: 'wrong type: expected a whole number, got "20 min"' },
    ]);
    expect(summary('activities')).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
  });

  it('wrong type for a date names the accepted formats', async () => {
    const { rejects } = await loadWith((c) => { rows(c, 'opportunities')[0]!.created_at = '2023-13-45'; });
    const [reject] = await rejects('opportunities');
    expect(reject).toMatchObject({ extract: 'opportunities', row_number: 1, column_name: 'created_at' });
    expect(reject!.reason).toBe('wrong type: expected a date like 2024-03-31 (or %d/%m/%Y), got "2023-13-45"');
  });

  it('missing required value', async () => {
    const { rejects, summary } = await loadWith((c) => { rows(c, 'objectives')[0]!.revenue_target = '  '; });
    expect(await rejects()).toEqual([
      { extract: 'objectives', row_number: 1, line_number: 2, column_name: 'revenue_target', value: null, reason: 'missing required value' },
    ]);
    expect(summary('objectives')).toMatchObject({ rowsRead: 1, rowsLoaded: 0, rowsRejected: 1 });
  });

  it('duplicate key keeps the first occurrence', async () => {
    const { rejects, db } = await loadWith((c) => { rows(c, 'accounts').push({ ...rows(c, 'accounts')[0]!, account_name: 'Acier du Nord (copie)' }); });
    expect(await rejects()).toEqual([
      { extract: 'accounts', row_number: 3, line_number: 4, column_name: 'account_id', value: 'account_id=A1', reason: 'duplicate key (account_id=A1): first seen on row 1, which is kept' },
    ]);
    expect(await db.query(`SELECT account_name FROM raw.accounts WHERE account_id = 'A1'`)).toEqual([{ account_name: 'Acier du Nord' }]);
  });

  it('duplicate composite key: the copy is rejected, its invoice stays whole', async () => {
    const { rejects, summary } = await loadWith((c) => { rows(c, 'invoice_lines').push({ ...rows(c, 'invoice_lines')[0]! }); });
    expect((await rejects()).map((r) => [r.extract, r.row_number, r.reason])).toEqual([
      ['invoice_lines', 3, 'duplicate key (invoice_id=F1, line_number=1): first seen on row 1, which is kept'],
    ]);
    expect(summary('invoices')).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
  });

  it('unknown reference: rows that belong to a rejected row go with it; rows merely pointing at it are flagged', async () => {
    const { rejects, flags, summary } = await loadWith((c) => { rows(c, 'opportunities')[0]!.account_id = 'A404'; });
    const all = await rejects();
    expect(all.filter((r) => r.extract === 'opportunities')).toEqual([
      { extract: 'opportunities', row_number: 1, line_number: 2, column_name: 'account_id', value: 'A404', reason: 'unknown reference: account_id "A404" is not a loaded accounts row' },
    ]);
    // The deal is gone: its stage history belongs to it and cannot load.
    expect(summary('opportunity_stage_history')).toMatchObject({ rowsRead: 3, rowsLoaded: 0, rowsRejected: 3 });
    // Invoices and activities only point at the deal: they load, their link to it unknown and flagged.
    expect(summary('invoices')).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0, rowsFlagged: 2 });
    expect((await flags('invoices')).map((r) => r.reason)).toEqual([
      'unknown reference: opportunity_id "O1" is not a loaded opportunities row (loaded as unknown)',
      'unknown reference: opportunity_id "O1" is not a loaded opportunities row (loaded as unknown)',
    ]);
    expect(await loaded!.db.query(`SELECT count(*) AS n FROM raw.invoices WHERE opportunity_id IS NULL`)).toEqual([{ n: 2 }]);
    expect(summary('activities')).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsFlagged: 2 });
  });

  it('negative quantity on an invoice: the line is rejected and its invoice held out whole, with its other lines', async () => {
    const { rejects, summary } = await loadWith((c) => {
      rows(c, 'invoice_lines').push({ invoice_id: 'F1', line_number: 2, product_line: 'Logiciel', product_code: 'LOG-PRO', quantity: -2, unit_price: 1200, discount_rate: 0, net_amount: -2400, unit_cost: 240 });
    });
    expect(await rejects()).toEqual([
      { extract: 'invoice_lines', row_number: 1, line_number: 2, column_name: 'invoice_id', value: 'F1', reason: 'held out with its invoices row F1: its row invoice_id=F1, line_number=2 (negative quantity on an invoice (returns belong on a credit note)) was rejected' },
      { extract: 'invoice_lines', row_number: 3, line_number: 4, column_name: 'quantity', value: '-2.0', reason: 'negative quantity on an invoice (returns belong on a credit note)' },
      { extract: 'invoices', row_number: 1, line_number: 2, column_name: 'invoice_id', value: 'F1', reason: 'held out whole: its invoice_lines row invoice_id=F1, line_number=2 (negative quantity on an invoice (returns belong on a credit note)) was rejected, and a partial invoices row is never published' },
    ]);
    expect(summary('invoice_lines')).toMatchObject({ rowsRead: 3, rowsLoaded: 1, rowsRejected: 2 });
    expect(summary('invoices')).toMatchObject({ rowsRead: 2, rowsLoaded: 1, rowsRejected: 1 });
  });

  it('negative amount where the contract says 0 or more', async () => {
    const { rejects } = await loadWith((c) => { rows(c, 'marketing_spend')[0]!.amount = -3000; });
    expect(await rejects()).toEqual([
      { extract: 'marketing_spend', row_number: 1, line_number: 2, column_name: 'amount', value: '-3000', reason: 'negative value -3000 (must be 0 or more)' },
    ]);
  });

  it('date in the future', async () => {
    const { rejects } = await loadWith((c) => { rows(c, 'invoices')[0]!.invoice_date = '2031-01-01'; });
    expect(await rejects('invoices')).toEqual([
      { extract: 'invoices', row_number: 1, line_number: 2, column_name: 'invoice_date', value: '2031-01-01', reason: 'date 2031-01-01 is in the future (after 2026-09-30)' },
    ]);
    // Its line cannot load without its invoice.
    expect((await rejects('invoice_lines')).map((r) => r.reason)).toEqual([
      'unknown reference: invoice_id "F1" is not a loaded invoices row',
    ]);
  });

  it('value outside the accepted list: a descriptive value is loaded as unknown and flagged, never losing the row', async () => {
    const { rejects, flags, summary, db } = await loadWith((c) => { rows(c, 'accounts')[0]!.segment = 'Gold'; });
    expect(await rejects()).toEqual([]);
    expect(await flags()).toEqual([
      { extract: 'accounts', row_number: 1, line_number: 2, column_name: 'segment', value: 'Gold', reason: '"Gold" is not an accepted value (expected one of: Or, Argent, Bronze)' },
    ]);
    expect(summary('accounts')).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0, rowsFlagged: 1 });
    expect(await db.query(`SELECT segment FROM raw.accounts WHERE account_id = 'A1'`)).toEqual([{ segment: '(non renseigné)' }]);
  });

  it('a value outside the accepted list rejects the row where the company tightened the rule in extracts.yaml', async () => {
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    rows(company, 'accounts')[0]!.segment = 'Gold';
    const dir = tempDir();
    writeCompany(dir, company);
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'reject:\n  accounts: [segment]\n');
    loaded = await loadFolder(dir);
    expect((await loaded.rejects('accounts')).map((r) => r.column_name)).toEqual(['segment']);
    // The account is gone: what pointed at it is flagged, nothing flags its segment.
    expect((await loaded.flags()).filter((f) => !f.reason.startsWith('unknown reference'))).toEqual([]);
  });

  it('a missing or unknown deal owner loads the deal with no owner, flagged', async () => {
    const { rejects, flags, db } = await loadWith((c) => { rows(c, 'opportunities')[0]!.owner_seller_id = 'S404'; });
    expect(await rejects()).toEqual([]);
    expect((await flags()).map((f) => [f.extract, f.column_name, f.value])).toEqual([['opportunities', 'owner_seller_id', 'S404']]);
    expect(await db.query(`SELECT owner_seller_id, amount FROM raw.opportunities`)).toEqual([{ owner_seller_id: null, amount: 12000 }]);
  });

  it('a deal with no account loads with its money, flagged; the company can tighten it back to a reject', async () => {
    const { rejects, flags, db } = await loadWith((c) => { rows(c, 'opportunities')[0]!.account_id = ''; });
    expect(await rejects()).toEqual([]);
    expect((await flags()).map((f) => [f.extract, f.column_name, f.reason])).toEqual([['opportunities', 'account_id', 'missing value (loaded as unknown)']]);
    expect(await db.query(`SELECT account_id, amount FROM raw.opportunities`)).toEqual([{ account_id: null, amount: 12000 }]);
    // The company may tighten it back: then the deal is rejected, its money held out.
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    rows(company, 'opportunities')[0]!.account_id = '';
    const dir = tempDir();
    writeCompany(dir, company);
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'reject:\n  opportunities: [account_id]\n');
    loaded?.db.close();
    loaded = await loadFolder(dir);
    expect((await loaded.rejects('opportunities')).map((r) => [r.column_name, r.reason])).toEqual([['account_id', 'missing required value']]);
  });

  it('rule across columns of a row', async () => {
    const { rejects } = await loadWith((c) => { rows(c, 'opportunities')[0]!.closed_at = '2023-09-01'; });
    expect((await rejects()).find((r) => r.extract === 'opportunities')).toEqual(
      { extract: 'opportunities', row_number: 1, line_number: 2, column_name: 'closed_at', value: '2023-09-01', reason: 'closed before it was created' },
    );
  });

  it('reports every problem of a row, and counts the row once', async () => {
    const { rejects, summary } = await loadWith((c) => {
      Object.assign(rows(c, 'opportunities')[0]!, { amount: 'beaucoup', created_at: '', stage: 'signed' });
    });
    expect((await rejects()).filter((r) => r.extract === 'opportunities').map((r) => r.column_name)).toEqual(['amount', 'closed_at', 'created_at', 'stage']);
    expect(summary('opportunities')).toMatchObject({ rowsRead: 1, rowsLoaded: 0, rowsRejected: 1 });
  });

  it('flags every descriptive problem of a row that loads, and counts the row once', async () => {
    const { rejects, flags, summary, db } = await loadWith((c) => {
      Object.assign(rows(c, 'sellers')[1]!, { hourly_cost: 'cher', team: '', role: 'boss' });
    });
    expect(await rejects('sellers')).toEqual([]);
    expect((await flags('sellers')).map((r) => r.column_name)).toEqual(['hourly_cost', 'role', 'team']);
    expect(summary('sellers')).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0, rowsFlagged: 1 });
    expect(await db.query(`SELECT hourly_cost, team, role FROM raw.sellers WHERE seller_id = 'S2'`)).toEqual([
      { hourly_cost: null, team: '(non renseigné)', role: '(non renseigné)' },
    ]);
  });
});

describe('what stops the run', () => {
  it('a missing extract names the file and what to do', async () => {
    const dir = tempDir();
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    delete company.leads;
    writeCompany(dir, company);
    await expect(loadFolder(dir)).rejects.toThrow(
      `Missing extract "leads" in ${dir}: expected leads.csv, leads.parquet or a leads/ folder of Parquet files. ` +
      'Add it, point files.leads.path in extracts.yaml at it, or list it under notProvided: in extracts.yaml if your company has no such data.',
    );
  });

  it('a missing column names the file, the column and the columns found', async () => {
    const dir = tempDir();
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    writeCompany(dir, company);
    const file = path.join(dir, 'accounts.csv');
    const { writeCsv } = await import('./helpers/csv.js');
    writeCsv(file, ['account_id', 'account_name', 'industry'], company.accounts!);
    await expect(loadFolder(dir)).rejects.toThrow(`${file}: extract "accounts" is missing column(s) "segment", "employees", "size_band", "region", "status", "owner_seller_id", "created_at". Found: account_id, account_name, industry.`);
  });

  it('an unreadable Parquet file names the file', async () => {
    const dir = tempDir();
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    delete company.referrals;
    writeCompany(dir, company);
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(dir, 'referrals.parquet'), 'this is not parquet');
    await expect(loadFolder(dir)).rejects.toThrow(`${path.join(dir, 'referrals.parquet')}: cannot read as Parquet`);
  });

  it('an extract the company lacks can be declared notProvided, and loads empty', async () => {
    const dir = tempDir();
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    delete company.marketing_spend;
    writeCompany(dir, company);
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'notProvided: [marketing_spend]\n');
    loaded = await loadFolder(dir);
    expect(loaded.summary('marketing_spend')).toMatchObject({ status: 'not_provided', rowsRead: 0 });
    expect(await loaded.db.query('SELECT count(*) AS n FROM raw.marketing_spend')).toEqual([{ n: 0 }]);
  });

  it('a core extract cannot be declared notProvided', async () => {
    const dir = tempDir();
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    delete company.sellers;
    writeCompany(dir, company);
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'notProvided: [sellers]\n');
    await expect(loadFolder(dir)).rejects.toThrow('Extract "sellers" is core to every KPI and cannot be declared notProvided.');
  });

  it('an invalid extracts.yaml names the key and the problem', async () => {
    const dir = tempDir();
    writeCompany(dir, fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>);
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'csv:\n  delimiter: "#"\nnotProvided: [payments]\n');
    const error = await loadFolder(dir).catch((e: Error) => e);
    expect(String(error)).toContain(`${path.join(dir, 'extracts.yaml')} is invalid`);
    // One line per problem: the file, the line, the key.
    expect(String(error)).toContain(`${path.join(dir, 'extracts.yaml')}:2: csv.delimiter: `);
    expect(String(error)).toContain(`${path.join(dir, 'extracts.yaml')}:3: notProvided.0: `);
  });

  it('a bad date format in extracts.yaml is named as such, in its file, before any data is read', async () => {
    const dir = tempDir();
    writeCompany(dir, fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>);
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'files:\n  opportunities:\n    dateFormats: ["%d/%m/%Q"]\n    timestampFormats: ["%H:%M"]\n');
    const error = String(await loadFolder(dir).catch((e: Error) => e));
    expect(error).toContain(`${path.join(dir, 'extracts.yaml')}:3: files.opportunities.dateFormats.0: "%d/%m/%Q" is not a date format: % must be followed by a strptime specifier`);
    expect(error).toContain(`${path.join(dir, 'extracts.yaml')}:4: files.opportunities.timestampFormats.0: "%H:%M" is not a timestamp format: it needs a day (%d), a month (%m) and a year (%Y)`);
    expect(error).not.toMatch(/delimiter, quoting and encoding/);
  });
});
