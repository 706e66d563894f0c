/**
 * Mapping files and applyMapping on a tiny export: what is mapped, filtered, rejected and why,
 * and the error messages a person gets for a broken mapping (file, key path, problem).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMapping } from '../pipelines/mapping/apply.js';
import { globToRegExp } from '../pipelines/mapping/files.js';
import { builtinMappings, loadMappings, readMappingFile } from '../pipelines/mapping/load-mapping.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';

let loaded: Loaded | undefined;
afterEach(() => loaded?.db.close());

/** A small CRM export: semicolons and decimal commas in deals, French dates, a test deal to filter. */
const miniExports = () => {
  const dir = tempDir('bi-export-');
  fs.writeFileSync(path.join(dir, 'reps.csv'), 'Rep,Team\nAnn,North\nBob,South\n');
  fs.writeFileSync(path.join(dir, 'clients.csv'), 'Client,Tier,Size\nC1,Gold,12\nC2,Silver,300\n');
  fs.writeFileSync(path.join(dir, 'Deals-2024.CSV'), [
    'Id;Client;Rep;Status;Value;Opened;Closed',
    'D1;C1;Ann;Won;1 000,50;03/01/2024;15/02/2024',
    'D2;C2;Bob;Engaging;500;10/01/2024;',
    'D3;C2;Bob;Stalled;700;11/01/2024;',
    'D4;C1;Ann;Lost;200;12/01/2024;20/03/2024',
    'D5;TEST;Ann;Won;1;01/01/2024;02/01/2024',
  ].join('\n') + '\n');
  return dir;
};

type Spec = Record<string, any>;

const miniMapping = (): Spec => ({
  name: 'mini',
  sources: {
    reps: { files: 'reps.csv' },
    clients: { files: 'clients.csv' },
    deals: { files: 'deals*.csv', delimiter: ';' },
  },
  extracts: {
    sellers: {
      from: 'reps',
      columns: { seller_id: 'Rep', seller_name: 'Rep', team: 'Team', role: { value: 'account_executive' }, hourly_cost: { value: 40 }, start_date: { value: '2023-01-01' } },
    },
    accounts: {
      from: 'clients',
      columns: {
        account_id: 'Client', account_name: 'Client', segment: { column: 'Tier', values: { Gold: 'Or', Silver: 'Argent' } },
        industry: { value: 'Retail' }, employees: 'Size', size_band: { value: 'PME' }, region: { value: 'FR' }, status: { value: 'prospect' },
        created_at: { value: '2023-01-01' },
      },
    },
    opportunities: {
      from: 'deals',
      where: "Client <> 'TEST'",
      columns: {
        opportunity_id: 'Id', account_id: 'Client', owner_seller_id: 'Rep', product_line: { value: 'Widgets' },
        amount: { column: 'Value', decimal: ',' }, origin: { value: 'sales' },
        created_at: { column: 'Opened', format: '%d/%m/%Y' }, closed_at: { column: 'Closed', format: '%d/%m/%Y' },
        stage: { column: 'Status', values: { Won: 'won', Lost: 'lost', Engaging: 'proposal' } },
      },
    },
  },
});

const writeMapping = (spec: Spec | string) => {
  const file = path.join(tempDir('bi-mapping-'), 'my-crm.yaml');
  fs.writeFileSync(file, typeof spec === 'string' ? spec : YAML.stringify(spec));
  return file;
};

const apply = (spec: Spec, inputDir = miniExports()) =>
  applyMapping({ inputDir, mapping: writeMapping(spec), outDir: path.join(tempDir('bi-mapped-'), 'out') });

const mappingError = (spec: Spec | string) => {
  const file = writeMapping(spec);
  try {
    readMappingFile(file);
  } catch (error) {
    const message = (error as Error).message;
    expect(message).toContain(file);
    return message;
  }
  throw new Error('expected the mapping to be rejected');
};

describe('applying a mapping', () => {
  it('writes the contract columns, counts filtered rows, and leaves unknown stage values for the loader to reject', async () => {
    const result = await apply(miniMapping());
    const opportunities = result.extracts.find((e) => e.extract === 'opportunities')!;
    expect(opportunities).toMatchObject({ rowsIn: 5, rowsFiltered: 1, rowsRejected: 0, rowsMerged: 0, rowsWritten: 4 });
    expect(result.notProvided).toContain('invoices');
    expect(YAML.parse(fs.readFileSync(path.join(result.outDir, 'extracts.yaml'), 'utf8')).notProvided).toEqual(result.notProvided);

    loaded = await loadFolder(result.outDir);
    expect(loaded.summary('opportunities')).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsRejected: 1, extraColumns: [] });
    // "Stalled" is not in the value mapping: passed through, not dropped, not defaulted.
    expect(await loaded.rejects('opportunities')).toEqual([expect.objectContaining({
      row_number: 3, column_name: 'stage', value: 'Stalled',
      reason: '"Stalled" is not an accepted value (expected one of: qualified, proposal, negotiation, won, lost)',
    })]);
    expect(await loaded.db.query(`SELECT opportunity_id, amount, created_at, closed_at, stage FROM raw.opportunities ORDER BY 1`)).toEqual([
      { opportunity_id: 'D1', amount: 1000.5, created_at: '2024-01-03', closed_at: '2024-02-15', stage: 'won' },
      { opportunity_id: 'D2', amount: 500, created_at: '2024-01-10', closed_at: null, stage: 'proposal' },
      { opportunity_id: 'D4', amount: 200, created_at: '2024-01-12', closed_at: '2024-03-20', stage: 'lost' },
    ]);
    expect(await loaded.db.query(`SELECT account_id, segment, employees FROM raw.accounts ORDER BY 1`)).toEqual([
      { account_id: 'C1', segment: 'Or', employees: 12 }, { account_id: 'C2', segment: 'Argent', employees: 300 },
    ]);
  });

  it('unmapped: reject holds an unknown value back with an explicit reason, counted and written to the report', async () => {
    const spec = miniMapping();
    spec.extracts.opportunities.columns.stage.unmapped = 'reject';
    const result = await apply(spec);
    expect(result.extracts.find((e) => e.extract === 'opportunities')).toMatchObject({ rowsIn: 5, rowsFiltered: 1, rowsRejected: 1, rowsWritten: 3 });
    expect(result.rejects).toEqual([{
      mapping: 'mini', extract: 'opportunities', source_file: 'Deals-2024.CSV', row_number: 3, column_name: 'stage', value: 'Stalled',
      reason: '"Stalled" is not in the mapping\'s values for stage (known: Won, Lost, Engaging)',
    }]);
    const report = JSON.parse(fs.readFileSync(path.join(result.outDir, '_mapping', 'report.json'), 'utf8'));
    expect(report.rejects).toHaveLength(1);
    loaded = await loadFolder(result.outDir);
    expect(loaded.summary('opportunities')).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0 });
  });

  it('a value a format cannot read reaches the loader unchanged and is rejected with it', async () => {
    const dir = miniExports();
    const deals = path.join(dir, 'Deals-2024.CSV');
    fs.writeFileSync(deals, fs.readFileSync(deals, 'utf8').replace('20/03/2024', '2024-20-03'));
    const result = await apply(miniMapping(), dir);
    loaded = await loadFolder(result.outDir);
    expect(await loaded.rejects('opportunities')).toContainEqual(expect.objectContaining({
      column_name: 'closed_at', value: '2024-20-03', reason: 'wrong type: expected a date like 2024-03-31, got "2024-20-03"',
    }));
  });

  it('parts append sources, distinct merges identical rows, and reject rules give their reason', async () => {
    const spec = miniMapping();
    spec.sources.managers = { sql: "SELECT 'Zoe' AS name, Team FROM reps" };
    spec.extracts.sellers = {
      parts: [
        { ...spec.extracts.sellers, reject: [{ when: "Rep = 'Bob'", column: 'seller_id', reason: 'Bob left before the period' }] },
        { from: 'managers', distinct: true, columns: { seller_id: 'name', seller_name: 'name', team: { value: 'All' }, role: { value: 'manager' }, hourly_cost: { value: 70 }, start_date: { value: '2022-01-01' } } },
      ],
    };
    const result = await apply(spec);
    const sellers = result.extracts.find((e) => e.extract === 'sellers')!;
    expect(sellers.parts).toEqual([
      { from: 'reps', rowsIn: 2, rowsFiltered: 0, rowsRejected: 1, rowsMerged: 0, rowsWritten: 1 },
      { from: 'managers', rowsIn: 2, rowsFiltered: 0, rowsRejected: 0, rowsMerged: 1, rowsWritten: 1 },
    ]);
    expect(result.rejects).toEqual([expect.objectContaining({ extract: 'sellers', row_number: 2, column_name: 'seller_id', value: 'Bob', reason: 'Bob left before the period' })]);
    loaded = await loadFolder(result.outDir);
    expect(await loaded.db.query(`SELECT seller_id, role FROM raw.sellers ORDER BY 1`)).toEqual([
      { seller_id: 'Ann', role: 'account_executive' }, { seller_id: 'Zoe', role: 'manager' },
    ]);
  });

  it('refuses to empty a folder it did not write', async () => {
    const outDir = tempDir('bi-precious-');
    fs.writeFileSync(path.join(outDir, 'keep.txt'), 'mine');
    await expect(applyMapping({ inputDir: miniExports(), mapping: writeMapping(miniMapping()), outDir })).rejects.toThrow(/not empty and was not written by a mapping/);
    expect(fs.existsSync(path.join(outDir, 'keep.txt'))).toBe(true);
  });
});

describe('dates are never silently swapped', () => {
  it('a month/day format on day/month data the file proves is read day first, and said', async () => {
    const spec = miniMapping();
    spec.extracts.opportunities.columns.created_at = { column: 'Opened', format: '%m/%d/%Y' };
    spec.extracts.opportunities.columns.closed_at = { column: 'Closed', format: '%m/%d/%Y' };
    // Closed: 15/02/2024 and 20/03/2024 only read day/month; no value only reads month/day. Opened
    // (03/01/2024, 10/01/2024…) tells nothing itself: the file's Closed column says day first.
    const result = await apply(spec);
    const readings = result.sources.flatMap((s) => s.readings ?? []);
    expect(readings).toContain('Deals-2024.CSV, Closed: read day-first: 2 values have a day over 12 (e.g. "15/02/2024"), none a month over 12');
    expect(readings.find((r) => r.startsWith('Deals-2024.CSV, Opened: read day-first: no value tells, the file\'s column "Closed" does'))).toBeDefined();
    loaded = await loadFolder(result.outDir);
    expect(await loaded.db.query(`SELECT opportunity_id, created_at, closed_at FROM raw.opportunities WHERE opportunity_id = 'D1'`))
      .toEqual([{ opportunity_id: 'D1', created_at: '2024-01-03', closed_at: '2024-02-15' }]);
  });

  it('a few odd rows in a column whose order the data proves are left for the loader to reject', async () => {
    const dir = miniExports();
    // D1 closes on 02/15/2024 (only month/day reads it): the file is month/day, D4's 20/03/2024 is odd.
    fs.writeFileSync(path.join(dir, 'Deals-2024.CSV'), fs.readFileSync(path.join(dir, 'Deals-2024.CSV'), 'utf8').replace('15/02/2024', '02/15/2024'));
    const spec = miniMapping();
    spec.extracts.opportunities.columns.closed_at = { column: 'Closed', format: '%m/%d/%Y' };
    const result = await apply(spec, dir);
    loaded = await loadFolder(result.outDir);
    expect((await loaded.rejects('opportunities')).filter((r) => r.reason.startsWith('wrong type')).map((r) => [r.row_number, r.column_name, r.value])).toEqual([[4, 'closed_at', '20/03/2024']]);
    expect(await loaded.db.query(`SELECT closed_at FROM raw.opportunities WHERE opportunity_id = 'D1'`)).toEqual([{ closed_at: '2024-02-15' }]);
  });
});

describe('one bad row never changes another', () => {
  it('a Maven deal dated 2031 is rejected without moving the snapshot date of the open deals', async () => {
    const dir = tempDir('bi-maven-');
    const fixture = path.join(import.meta.dirname, 'fixtures', 'exports', 'maven-crm');
    fs.cpSync(fixture, dir, { recursive: true });
    const pipeline = fs.readFileSync(path.join(dir, 'sales_pipeline.csv'), 'utf8').split('\n');
    const won = pipeline.findIndex((line) => line.includes(',Won,'));
    pipeline[won] = pipeline[won]!.replace(/,(\d{4}-\d{2}-\d{2}),(\d+)(\r?)$/, ',2031-01-15,$2$3');
    expect(pipeline[won]).toContain('2031-01-15');
    fs.writeFileSync(path.join(dir, 'sales_pipeline.csv'), pipeline.join('\n'));
    const result = await applyMapping({ inputDir: dir, mapping: 'maven-crm', outDir: path.join(tempDir('bi-mapped-'), 'out'), asOf: '2024-06-30' });
    loaded = await loadFolder(result.outDir);
    // Only the 2031 deal is rejected; the prospecting deals keep the pipeline's real last date.
    expect((await loaded.rejects('opportunities')).map((r) => [r.column_name, r.reason])).toEqual([
      ['closed_at', 'date 2031-01-15 is in the future (after 2026-09-30)'],
    ]);
    expect(await loaded.db.query(`SELECT DISTINCT created_at FROM raw.opportunities WHERE stage = 'qualified' AND created_at > DATE '2017-12-01'`))
      .toEqual([{ created_at: '2017-12-31' }]);
  });
});

describe('mapping file errors name the file, the key and the problem', () => {
  it('a mapped value that is not an accepted value', () => {
    const spec = miniMapping();
    spec.extracts.opportunities.columns.stage.values.Engaging = 'proposl';
    expect(mappingError(spec)).toMatch(/extracts\.opportunities\.columns\.stage\.values\.Engaging: "proposl" is not an accepted value of stage \(expected one of: qualified, proposal/);
  });

  it('required columns not mapped, unknown columns, options on the wrong type', () => {
    const spec = miniMapping();
    delete spec.extracts.opportunities.columns.amount;
    spec.extracts.accounts.columns.owner = 'Rep';
    spec.extracts.accounts.columns.industry = { value: 'Retail', format: '%Y' };
    const message = mappingError(spec);
    expect(message).toMatch(/extracts\.opportunities\.columns: required column\(s\) of opportunities not mapped: amount/);
    expect(message).toMatch(/extracts\.accounts\.columns\.owner: not a column of accounts/);
    expect(message).toMatch(/extracts\.accounts\.columns\.industry\.format: format: applies to date and timestamp columns/);
  });

  it('a money column without a currency rule, when the export has a currency column', () => {
    const spec = miniMapping();
    // The vendor's layout has a currency column: amounts cannot pass as the company's currency.
    spec.sources.deals.optionalColumns = ['Deal Currency'];
    expect(mappingError(spec)).toMatch(/extracts\.opportunities\.columns: amount is mapped without currency, but source "deals" has a currency column \(Deal Currency\): map currency: \{ column: Deal Currency, optional: true \}/);
    // A currency rule, whatever its form, satisfies the check; so does a layout with no currency column.
    spec.extracts.opportunities.columns.currency = { column: 'Deal Currency', optional: true };
    expect(() => readMappingFile(writeMapping(spec))).not.toThrow();
    expect(() => readMappingFile(writeMapping(miniMapping()))).not.toThrow();
    // The built-in Salesforce mapping without its currency rule fails the same way.
    const salesforce = YAML.parse(fs.readFileSync(path.resolve('pipelines/mapping/builtin/salesforce.yaml'), 'utf8'), { merge: true });
    delete salesforce.extracts.opportunities.parts[0].columns.currency;
    expect(mappingError(salesforce)).toMatch(/extracts\.opportunities\.parts\.0\.columns: amount is mapped without currency, but source "opportunities" has a currency column \(Amount Currency, Opportunity Currency, Amount \(converted\) Currency\)/);
  });

  it('a money column without a currency rule, when the files have a currency column the mapping does not declare', async () => {
    const dir = miniExports();
    const deals = path.join(dir, 'Deals-2024.CSV');
    const lines = fs.readFileSync(deals, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(deals, lines.map((l, i) => `${l};${i === 0 ? 'Devise' : 'USD'}`).join('\n') + '\n');
    await expect(apply(miniMapping(), dir)).rejects.toThrow(
      /extracts\.opportunities\.columns: amount is mapped without currency, but source "deals" has a currency column \(Devise\)/);
    const spec = miniMapping();
    spec.extracts.opportunities.columns.currency = 'Devise';
    await expect(apply(spec, dir)).resolves.toBeDefined();
  });

  it('misspelt keys, sources with both files and sql, unknown sources', () => {
    const spec = miniMapping();
    spec.extracts.sellers.colums = spec.extracts.sellers.columns;
    spec.sources.reps.sql = 'SELECT 1';
    const message = mappingError(spec);
    expect(message).toMatch(/extracts\.sellers: Unrecognized key.*colums/);
    expect(message).toMatch(/sources\.reps: give exactly one of files: .* or sql:/);

    const other = miniMapping();
    other.extracts.sellers.from = 'rep';
    expect(mappingError(other)).toMatch(/extracts\.sellers\.from: unknown source "rep" \(sources: reps, clients, deals\)/);

    // notices: name derived sources only (a file source's rows are no lines to print).
    const notices = miniMapping() as ReturnType<typeof miniMapping> & { notices?: string[] };
    notices.notices = ['deals'];
    expect(mappingError(notices)).toMatch(/notices\.0: "deals" is not a derived source \(sql:\) of this mapping/);
  });

  it('a column object without its source, and YAML that does not parse', () => {
    const spec = miniMapping();
    spec.extracts.sellers.columns.team = { values: { N: 'North' } };
    expect(mappingError(spec)).toMatch(/extracts\.sellers\.columns\.team: say where the value comes from: column: \(a source column\), sql: \(an expression\) or value: \(a constant\)/);
    expect(mappingError('sources: [unclosed')).toMatch(/is not valid YAML/);
  });

  it('at apply time: a source column that does not exist, SQL DuckDB cannot run, no matching file, a join that multiplies rows', async () => {
    const missing = miniMapping();
    missing.extracts.sellers.columns.team = 'Tem';
    await expect(apply(missing)).rejects.toThrow(/extracts\.sellers\.columns\.team: "Tem" is not a column of the source\(s\) \(reps: Rep, Team\)\. For a constant write \{ value: … \}/);

    const badSql = miniMapping();
    badSql.extracts.accounts.columns.industry = { sql: 'upper(Sector)' };
    await expect(apply(badSql)).rejects.toThrow(/my-crm\.yaml\), extracts\.accounts\.columns\.industry: DuckDB cannot evaluate it: .*Sector/);

    const noFile = miniMapping();
    noFile.sources.deals.files = 'nope*.csv';
    await expect(apply(noFile)).rejects.toThrow(/sources\.deals: no file in .* matches "nope\*\.csv"/);

    const fanOut = miniMapping();
    fanOut.extracts.opportunities.join = [{ source: 'reps', on: 'true' }];
    fanOut.extracts.opportunities.columns.owner_seller_id = { sql: 'deals.Rep' };
    await expect(apply(fanOut)).rejects.toThrow(/extracts\.opportunities\.join\.0 \(reps\): the join condition matches more than one row .* \(5 rows become 10\)/);
  });
});

describe('combining mappings', () => {
  it('each extract comes from one mapping, and together they provide the core extracts', () => {
    expect(() => loadMappings('hubspot,salesforce')).toThrow(/Extract "sellers" is mapped by both hubspot .* and salesforce/);
    expect(() => loadMappings('stripe')).toThrow(/does not provide the core extract\(s\) sellers, accounts, opportunities.*--mapping hubspot,stripe/);
    expect(() => loadMappings('no-such-vendor')).toThrow(/neither a built-in mapping \(google-ads, hubspot, maven-crm, pipedrive, salesforce, stripe\) nor an existing file/);
    expect(loadMappings('hubspot, stripe ,google-ads').map((m) => m.name)).toEqual(['hubspot', 'stripe', 'google-ads']);
  });

  it('every built-in mapping is valid', () => {
    expect(builtinMappings()).toEqual(['google-ads', 'hubspot', 'maven-crm', 'pipedrive', 'salesforce', 'stripe']);
    for (const name of builtinMappings()) expect(() => readMappingFile(path.resolve('pipelines/mapping/builtin', `${name}.yaml`))).not.toThrow();
  });
});

describe('file patterns', () => {
  it('globs match case-insensitively, * within a folder, ** across folders, {a,b} alternatives', () => {
    expect(globToRegExp('deals*.csv').test('Deals-2024.CSV')).toBe(true);
    expect(globToRegExp('deals*.csv').test('exports/deals.csv')).toBe(false);
    expect(globToRegExp('**/deals*.csv').test('exports/2024/deals.csv')).toBe(true);
    expect(globToRegExp('**/deals*.csv').test('deals.csv')).toBe(true);
    expect(globToRegExp('*.{csv,parquet}').test('a.parquet')).toBe(true);
    expect(globToRegExp('report (1).csv').test('report (1).csv')).toBe(true);
  });
});
