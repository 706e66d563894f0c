/**
 * Files as they come, faults included: every record of a file is either loaded or rejected with
 * its physical line and reason, or the run stops naming the user's file — never a silent loss.
 * Counts are checked against the files' records counted here, independently of the loader.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../pipelines/build.js';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { silentReporter } from '../pipelines/progress.js';
import { fixtureCompany } from './helpers/fixture-company.js';
import { toCsv, writeCompany } from './helpers/csv.js';
import { AS_OF, loadFolder, tempDir, type Loaded } from './helpers/load.js';
import { EXTRACTS } from '../pipelines/contract/index.js';
import { columnsOf } from '../pipelines/contract/derive.js';
import { applyMapping } from '../pipelines/mapping/apply.js';

let loaded: Loaded | undefined;
afterEach(() => { loaded?.db.close(); loaded = undefined; });

type Company = Record<string, Record<string, unknown>[]>;
const header = (extract: string) => columnsOf(EXTRACTS.find((e) => e.name === extract)!).map((c) => c.name);

/** The fixture company with `n` accounts (A1, A2, then A3…An with accented names). */
const companyWith = (n: number): Company => {
  const c = fixtureCompany() as unknown as Company;
  for (let i = 3; i <= n; i++) c.accounts!.push({ ...c.accounts![1]!, account_id: `A${i}`, account_name: `Équipements Généraux ${i}` });
  return c;
};

const folderWith = (c: Company) => {
  const dir = tempDir();
  writeCompany(dir, c);
  return dir;
};

/** Replaces physical line `line` (1-based) of a text file. */
const editLine = (file: string, line: number, edit: (text: string) => string) => {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[line - 1] = edit(lines[line - 1]!);
  fs.writeFileSync(file, lines.join('\n'));
};

/** Records of a CSV file with no quoted line break, counted here: non-empty lines minus the header. */
const physicalRecords = (bytes: Buffer) => bytes.toString('latin1').split(/\r?\n/).filter((l) => l !== '').length - 1;

const load = async (dir: string, config?: string) => {
  loaded = await loadFolder(dir, config);
  return loaded;
};

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('no record is lost silently', () => {
  it('an unterminated quote at record 100 of 3,000 accounts rejects that record only, on its line', async () => {
    const dir = folderWith(companyWith(3000));
    const file = path.join(dir, 'accounts.csv');
    editLine(file, 101, (l) => l.replace('Équipements', '"Équipements'));
    const records = physicalRecords(fs.readFileSync(file));
    expect(records).toBe(3000);
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: records, rowsLoaded: records - 1, rowsRejected: 1 });
    expect(await l.rejects('accounts')).toEqual([{
      extract: 'accounts', row_number: 100, line_number: 101, column_name: '(record)', value: null,
      reason: expect.stringMatching(/^malformed record: quote opened on line 101 is never closed/),
    }]);
    expect(await l.db.query(`SELECT count(*) AS n FROM raw.accounts WHERE account_id IN ('A99', 'A101', 'A3000')`)).toEqual([{ n: 3 }]);
  });

  it('a quote closed in the middle of a field, later in the file, costs its own record only', async () => {
    const dir = folderWith(companyWith(300));
    const file = path.join(dir, 'accounts.csv');
    editLine(file, 11, (l) => l.replace('Équipements', '"Équipements'));
    editLine(file, 201, (l) => l.replace('Équipements Généraux 200', '"Équipements" Généraux 200"'));
    const records = physicalRecords(fs.readFileSync(file));
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: records, rowsLoaded: records - 2, rowsRejected: 2 });
    expect((await l.rejects('accounts')).map((r) => [r.row_number, r.line_number, r.reason.slice(0, 40)])).toEqual([
      [10, 11, 'malformed record: quote opened on line 1'],
      [200, 201, 'malformed record: quote opened on line 2'],
    ]);
  });

  it('a short record and a long one are both rejected on their line, even first in the file', async () => {
    const dir = folderWith(companyWith(50));
    const file = path.join(dir, 'accounts.csv');
    editLine(file, 2, (l) => `${l},surplus`); // A1: one field too many
    editLine(file, 3, (l) => l.split(',').slice(0, -1).join(',')); // A2: created_at left out (9 fields of 10)
    const records = physicalRecords(fs.readFileSync(file));
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: records, rowsLoaded: records - 2, rowsRejected: 2, rowsFlagged: 0 });
    expect(await l.rejects('accounts')).toEqual([
      { extract: 'accounts', row_number: 1, line_number: 2, column_name: '(record)', value: 'surplus', reason: expect.stringMatching(/^more fields than the header has columns \(10\)/) },
      { extract: 'accounts', row_number: 2, line_number: 3, column_name: '(record)', value: null, reason: expect.stringMatching(/^short record: 9 fields where the header has 10 columns: /) },
    ]);
    expect(await l.flags('accounts')).toEqual([]);
  });

  it('spaces around a quoted field with a line break read as DuckDB reads them; later lines keep their numbers', async () => {
    const dir = folderWith(companyWith(30));
    const file = path.join(dir, 'accounts.csv');
    editLine(file, 5, (l) => l.replace('Équipements Généraux 4', ' "Équipements,\nGénéraux 4" '));
    editLine(file, 20, (l) => l.replace(',40,', ',beaucoup,'));
    const l = await load(dir);
    // A head count is descriptive: the account loads with it unknown, flagged on its line.
    expect(l.summary('accounts')).toMatchObject({ rowsRead: 30, rowsLoaded: 30, rowsRejected: 0, rowsFlagged: 1 });
    expect(await l.db.query(`SELECT account_name FROM raw.accounts WHERE account_id = 'A4'`)).toEqual([{ account_name: 'Équipements,\nGénéraux 4' }]);
    // The edited physical line 20 holds record 18: the header, then record 4 spans lines 5 and 6.
    expect(await l.flags('accounts')).toEqual([expect.objectContaining({ row_number: 18, line_number: 20, column_name: 'employees' })]);
  });

  it('a 5 MB field is rejected on its real line and the rest of the file loads', async () => {
    const dir = folderWith(companyWith(20));
    const file = path.join(dir, 'accounts.csv');
    editLine(file, 8, (l) => l.replace('Équipements', `"${'x'.repeat(5_000_000)}`).replace(' 7,', ' 7",'));
    const records = physicalRecords(fs.readFileSync(file));
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: records, rowsLoaded: records - 1, rowsRejected: 1 });
    const [reject] = await l.rejects('accounts');
    expect(reject).toMatchObject({ row_number: 7, line_number: 8, column_name: '(record)' });
    expect(reject!.reason).toMatch(/record of 5,000,0\d\d bytes, over the 2,000,000/);
  });
});

describe('encodings, decided per file and reported', () => {
  it('a UTF-8 file with a few invalid bytes stays UTF-8; the records holding them are rejected with their line', async () => {
    const dir = folderWith(companyWith(2000));
    const file = path.join(dir, 'accounts.csv');
    const text = fs.readFileSync(file);
    // Line 501 (record 500) gets a lone Windows-1252 "é" byte.
    const lines = text.toString('utf8').split('\n');
    const bytes = Buffer.concat(lines.map((line, i) => Buffer.concat([
      i === 500 ? Buffer.from(line.replace('Équipements', 'Caf\u0000'), 'latin1').map((b) => (b === 0 ? 0xe9 : b)) : Buffer.from(line, 'utf8'),
      Buffer.from(i < lines.length - 1 ? '\n' : ''),
    ])));
    fs.writeFileSync(file, bytes);
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: 2000, rowsLoaded: 1999, rowsRejected: 1, encodings: ['utf-8 (1 record(s) with invalid bytes)'] });
    expect(await l.rejects('accounts')).toEqual([expect.objectContaining({ row_number: 500, line_number: 501, reason: expect.stringMatching(/not valid UTF-8/) })]);
    // No name was re-decoded as Windows-1252.
    expect(await l.db.query(`SELECT count(*) AS n FROM raw.accounts WHERE account_name LIKE 'Équipements Généraux %'`)).toEqual([{ n: 1997 }]);
    expect(await l.db.query(`SELECT count(*) AS n FROM raw.accounts WHERE account_name LIKE '%Ã%'`)).toEqual([{ n: 0 }]);
    expect(await l.db.query(`SELECT encodings FROM audit.load_summary WHERE extract = 'accounts'`)).toEqual([{ encodings: ['utf-8 (1 record(s) with invalid bytes)'] }]);
  });

  it('a Windows-1252 file is read as such, and says so', async () => {
    const dir = folderWith(companyWith(10));
    const file = path.join(dir, 'accounts.csv');
    fs.writeFileSync(file, Buffer.from(fs.readFileSync(file, 'utf8'), 'latin1'));
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: 10, rowsLoaded: 10, encodings: ['windows-1252'] });
    expect(await l.db.query(`SELECT account_name FROM raw.accounts WHERE account_id = 'A3'`)).toEqual([{ account_name: 'Équipements Généraux 3' }]);
  });

  it('NUL bytes are removed and their lines reported; the records load', async () => {
    const dir = folderWith(companyWith(10));
    const file = path.join(dir, 'accounts.csv');
    editLine(file, 4, (l) => l.replace('Généraux', 'Gén\u0000éraux'));
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: 10, rowsLoaded: 10, rowsRejected: 0 });
    expect(await l.db.query(`SELECT account_name FROM raw.accounts WHERE account_id = 'A3'`)).toEqual([{ account_name: 'Équipements Généraux 3' }]);
    expect(await l.db.query(`SELECT extract, line_number, note FROM audit.read_notes`)).toEqual([{ extract: 'accounts', line_number: 4, note: 'NUL byte(s) removed' }]);
  });

  it.each(['utf-16le', 'utf-16be'] as const)('%s with a BOM, tab-delimited (Excel "Unicode text")', async (label) => {
    const dir = folderWith(companyWith(10));
    const c = companyWith(10);
    const text = toCsv(header('accounts'), c.accounts!, { delimiter: '\t', lineEnding: '\r\n' });
    const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
    fs.writeFileSync(path.join(dir, 'accounts.csv'), label === 'utf-16le' ? le : Buffer.from(le).swap16());
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: 10, rowsLoaded: 10, delimiter: '\t', encodings: [label] });
    expect(await l.db.query(`SELECT account_name FROM raw.accounts WHERE account_id = 'A2'`)).toEqual([{ account_name: 'Boulangeries Réunies' }]);
  });
});

describe('every documented format', () => {
  it('.csv.gz loads; a truncated one is named as such, never a scratch copy', async () => {
    const dir = folderWith(companyWith(500));
    const csv = path.join(dir, 'accounts.csv');
    const gz = zlib.gzipSync(fs.readFileSync(csv));
    fs.rmSync(csv);
    fs.writeFileSync(path.join(dir, 'accounts.csv.gz'), gz);
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: 500, rowsLoaded: 500, encodings: ['utf-8 gzip'] });
    l.db.close();
    loaded = undefined;

    fs.writeFileSync(path.join(dir, 'accounts.csv.gz'), gz.subarray(0, gz.length - 200));
    const failure = loadFolder(dir);
    await expect(failure).rejects.toThrow(`${path.join(dir, 'accounts.csv.gz')}: the gzip archive is truncated or corrupt`);
    await expect(failure).rejects.not.toThrow(/scratch/);
  });

  it('mixed CRLF and LF line endings', async () => {
    const dir = folderWith(companyWith(40));
    const file = path.join(dir, 'accounts.csv');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, lines.map((line, i) => (i % 3 === 0 && line ? `${line}\r` : line)).join('\n'));
    const l = await load(dir);
    expect(l.summary('accounts')).toMatchObject({ rowsRead: 40, rowsLoaded: 40, rowsRejected: 0 });
    expect(await l.db.query(`SELECT count(*) AS n FROM raw.accounts WHERE created_at IS NULL OR account_name LIKE '%\r%'`)).toEqual([{ n: 0 }]);
  });

  it('an empty file says so', async () => {
    const dir = folderWith(companyWith(2));
    fs.writeFileSync(path.join(dir, 'accounts.csv'), '');
    await expect(loadFolder(dir)).rejects.toThrow(`${path.join(dir, 'accounts.csv')}: the file is empty`);
    fs.writeFileSync(path.join(dir, 'accounts.csv'), '\n\r\n');
    await expect(loadFolder(dir)).rejects.toThrow(`${path.join(dir, 'accounts.csv')}: the file is empty`);
  });

  it('a corrupt Parquet file is named', async () => {
    const dir = folderWith(companyWith(2));
    const db = await openDatabase(':memory:');
    const parquet = path.join(dir, 'accounts.parquet');
    await db.exec(`COPY (SELECT * FROM read_csv('${path.join(dir, 'accounts.csv')}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`);
    db.close();
    fs.rmSync(path.join(dir, 'accounts.csv'));
    const bytes = fs.readFileSync(parquet);
    bytes.fill(0x41, 4, Math.min(bytes.length - 8, 400)); // data pages overwritten, footer intact
    fs.writeFileSync(parquet, bytes);
    await expect(loadFolder(dir)).rejects.toThrow(new RegExp(`^${parquet.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read as Parquet`));
  });
});

describe('what stops the run, leaving the published database as it was', () => {
  const runBuild = (dataDir: string, extractsDir: string, allowOutsidePaths = false) =>
    build({ settings: { dataDir, siteDir: path.join(dataDir, 'site'), referenceDay: AS_OF }, extractsDir, reporter: silentReporter(), allowOutsidePaths });

  it('a column named twice, over-precise amounts, paths outside the folder', async () => {
    const dataDir = tempDir('bi-data-');
    const published = (await runBuild(dataDir, folderWith(companyWith(2)))).databasePath;
    const before = sha(published);

    // A header naming a column twice: both positions named.
    const duplicate = folderWith(companyWith(2));
    editLine(path.join(duplicate, 'accounts.csv'), 1, (l) => `${l},Region`);
    for (let line = 2; line <= 3; line++) editLine(path.join(duplicate, 'accounts.csv'), line, (l) => `${l},Autre`);
    await expect(runBuild(dataDir, duplicate)).rejects.toThrow(
      `${path.join(duplicate, 'accounts.csv')}: column "region" appears twice in the header, as column ${header('accounts').indexOf('region') + 1} ("region") and column 11 ("Region"). Remove or rename one of them`);
    expect(sha(published)).toBe(before);

    // "1.234" in a two-decimal money column: stop with the choices, never round to 1.23.
    const precise = folderWith(companyWith(2));
    const lines = path.join(precise, 'invoice_lines.csv');
    const amountAt = header('invoice_lines').indexOf('net_amount');
    editLine(lines, 2, (l) => l.split(',').map((v, i) => (i === amountAt ? '1.234' : v)).join(','));
    const error = await runBuild(dataDir, precise).catch((e: Error) => e);
    expect((error as Error).message).toMatch(new RegExp(`^${lines.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 2: column "net_amount" holds 1 number\\(s\\) with more than 2 decimals`));
    expect((error as Error).message).toMatch(/set decimal: "," in extracts.yaml; otherwise round the amounts to 2 decimals/);
    expect(sha(published)).toBe(before);

    // A path in extracts.yaml, or a symlink, leading out of the folder.
    const outside = folderWith(companyWith(2));
    const elsewhere = tempDir('bi-elsewhere-');
    fs.renameSync(path.join(outside, 'accounts.csv'), path.join(elsewhere, 'accounts.csv'));
    fs.writeFileSync(path.join(outside, 'extracts.yaml'), `files:\n  accounts: { path: ../${path.basename(elsewhere)}/accounts.csv }\n`);
    await expect(runBuild(dataDir, outside)).rejects.toThrow(/outside the extracts folder .*pass --allow-outside-paths/);
    fs.rmSync(path.join(outside, 'extracts.yaml'));
    fs.symlinkSync(path.join(elsewhere, 'accounts.csv'), path.join(outside, 'accounts.csv'));
    await expect(runBuild(dataDir, outside)).rejects.toThrow(`${path.join(outside, 'accounts.csv')} (extract "accounts") resolves to ${fs.realpathSync(path.join(elsewhere, 'accounts.csv'))}, outside the extracts folder`);
    expect(sha(published)).toBe(before);
    // …unless the user says so.
    await runBuild(dataDir, outside, true);
    expect(sha(published)).not.toBe(before);
  });

  it('two files for one extract stop the run naming both, unless extracts.yaml says which', async () => {
    const dataDir = tempDir('bi-data-');
    const dir = folderWith(companyWith(2));
    const published = (await runBuild(dataDir, dir)).databasePath;
    const before = sha(published);
    // A Parquet twin of opportunities.csv, with one deal less: either could be read silently.
    const db = await openDatabase(':memory:');
    const csv = path.join(dir, 'opportunities.csv');
    const parquet = path.join(dir, 'opportunities.parquet');
    await db.exec(`COPY (SELECT * FROM read_csv('${csv}', all_varchar = true) LIMIT 1) TO '${parquet}' (FORMAT parquet)`);
    db.close();
    await expect(runBuild(dataDir, dir)).rejects.toThrow(
      `Extract "opportunities" has 2 candidate files in ${dir}: opportunities.csv and opportunities.parquet. Remove the ones that are not this extract, or say which to read in ${path.join(dir, 'extracts.yaml')}:\n  files:\n    opportunities: { path: opportunities.parquet }`);
    expect(sha(published)).toBe(before);
    // Named in extracts.yaml: that one is read.
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'files:\n  opportunities: { path: opportunities.csv }\n');
    const l = await load(dir);
    expect(await l.db.query('SELECT count(*) AS n FROM raw.opportunities')).toEqual([{ n: companyWith(2).opportunities!.length }]);
  });

  it('"1.234" loads as 1234 when the file says decimal: ","', async () => {
    const dir = folderWith(companyWith(2));
    const lines = path.join(dir, 'invoice_lines.csv');
    const amountAt = header('invoice_lines').indexOf('net_amount');
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'files:\n  invoice_lines: { decimal: "," }\n');
    editLine(lines, 2, (l) => l.split(',').map((v, i) => (i === amountAt ? '"1.234"' : v)).join(','));
    const l = await load(dir);
    expect(await l.db.query(`SELECT net_amount FROM raw.invoice_lines ORDER BY rowid LIMIT 1`)).toEqual([{ net_amount: 1234 }]);
  });
});

describe("the mapping's source reader, on the same reading module", () => {
  const spec = {
    name: 'faulty',
    sources: { reps: { files: 'reps.txt' }, clients: { files: 'clients.csv' }, deals: { files: 'deals.csv' } },
    extracts: {
      sellers: { from: 'reps', columns: { seller_id: 'Rep', seller_name: 'Rep', team: 'Team', role: { value: 'account_executive' }, hourly_cost: { value: 40 }, start_date: { value: '2023-01-01' } } },
      accounts: {
        from: 'clients',
        columns: { account_id: 'Client', account_name: 'Name', segment: { value: 'Or' }, industry: { value: 'Retail' }, employees: { value: 10 }, size_band: { value: 'PME' }, region: { value: 'FR' }, status: { value: 'prospect' }, created_at: { value: '2023-01-01' } },
      },
      opportunities: {
        from: 'deals',
        columns: { opportunity_id: 'Id', account_id: 'Client', owner_seller_id: 'Rep', product_line: { value: 'Widgets' }, amount: 'Value', origin: { value: 'sales' }, created_at: { value: '2024-01-01' }, stage: { value: 'proposal' } },
      },
    },
  };
  const exportsFolder = () => {
    const dir = tempDir('bi-export-');
    // Excel's "Unicode text": UTF-16LE with a BOM, tab-delimited, CRLF and LF mixed.
    fs.writeFileSync(path.join(dir, 'reps.txt'), Buffer.from('\uFEFFRep\tTeam\r\nAnnée\tNord\nBob\tSud\r\n', 'utf16le'));
    fs.writeFileSync(path.join(dir, 'clients.csv'), 'Client,Name\nC1,"Alpha\nC2,Beta\nC3,Gamma\nC4,Delta,extra\nC5,Epsilon\n');
    fs.writeFileSync(path.join(dir, 'deals.csv'), 'Id,Client,Rep,Value\nD1,C2,Bob,100\n');
    return dir;
  };

  it('reads UTF-16 and mixed line endings, and reports malformed records with their line instead of losing them', async () => {
    const dir = exportsFolder();
    const mapping = path.join(tempDir('bi-mapping-'), 'faulty.yaml');
    fs.writeFileSync(mapping, JSON.stringify(spec));
    const result = await applyMapping({ inputDir: dir, mapping, outDir: path.join(tempDir('bi-mapped-'), 'out') });
    const clients = fs.readFileSync(path.join(dir, 'clients.csv'), 'utf8').split('\n').filter((l) => l !== '').length - 1;
    const source = (name: string) => result.sources.find((s) => s.source === name)!;
    expect(source('reps').files).toEqual([{ file: 'reps.txt', rows: 2, encoding: 'utf-16le' }]);
    expect(source('clients').rows + source('clients').malformed!.length).toBe(clients);
    expect(result.rejects.filter((r) => r.extract === '(source clients)').map((r) => [r.row_number, r.value, r.reason.slice(0, 40)])).toEqual([
      [1, null, 'line 2: malformed record: quote opened o'],
      [4, 'extra', 'line 5: more fields than the header has '],
    ]);
    loaded = await loadFolder(result.outDir);
    expect(await loaded.db.query('SELECT seller_id FROM raw.sellers ORDER BY 1')).toEqual([{ seller_id: 'Année' }, { seller_id: 'Bob' }]);
    expect(await loaded.db.query('SELECT account_id FROM raw.accounts ORDER BY 1')).toEqual([{ account_id: 'C2' }, { account_id: 'C3' }, { account_id: 'C5' }]);
  });

  it('an empty source file says so, naming the file', async () => {
    const dir = exportsFolder();
    fs.writeFileSync(path.join(dir, 'deals.csv'), '');
    const mapping = path.join(tempDir('bi-mapping-'), 'faulty.yaml');
    fs.writeFileSync(mapping, JSON.stringify(spec));
    await expect(applyMapping({ inputDir: dir, mapping, outDir: path.join(tempDir('bi-mapped-'), 'out') }))
      .rejects.toThrow(/sources\.deals: deals\.csv: the file is empty/);
  });
});
