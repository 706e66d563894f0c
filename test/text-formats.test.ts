/**
 * The shared readers of text formats: numbers (pipelines/text/numbers.ts, run in DuckDB on the
 * values exports really hold; each expected value is the number a person reads in the text) and
 * encodings (pipelines/text/encoding.ts through csv-input.ts, the path both the loader and the
 * mapping engine take).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCsv, releaseCsv } from '../pipelines/load/csv-input.js';
import { applyMapping } from '../pipelines/mapping/apply.js';
import { fileFormatOf } from '../pipelines/text/encoding.js';
import { writeCompany, type CsvStyle } from './helpers/csv.js';
import { fixtureCompany } from './helpers/fixture-company.js';
import { loadFolder } from './helpers/load.js';
import { openDatabase, literal, type Database } from '../pipelines/db/duckdb.js';
import { decimalEvidenceSql, numberSql, wholeNumberSql, type DecimalMark } from '../pipelines/text/numbers.js';

let db: Database;
beforeAll(async () => { db = await openDatabase(':memory:'); });
afterAll(() => db.close());

const read = async (text: string | null, decimal: DecimalMark, type = 'DECIMAL(18, 2)') => {
  const v = text === null ? 'CAST(NULL AS VARCHAR)' : literal(text);
  const [row] = await db.query<{ n: number | null }>(`SELECT CAST(${numberSql(`trim(${v})`, decimal, type, v)} AS DOUBLE) AS n`);
  return row!.n;
};

describe('numbers, decimal point', () => {
  it.each([
    ['1030.00', 1030], ['1,030.00', 1030], ['1,234,567.5', 1234567.5], ['-12.5', -12.5], ['+3', 3],
    ['$1,030.00', 1030], ['1 030.00 USD', 1030], ['(125.00)', -125], ['125.00-', -125], ['\u2212125', -125],
    ['€ 45.10', 45.1], ['.5', 0.5], ['1e3', 1000],
  ])('%s reads %d', async (text, expected) => expect(await read(text, '.')).toBe(expected));
  it.each([['1,5'], ['12,34.5'], ['1.2.3'], ['(12'], ['-(12)'], ['-12-'], ['abc'], ['--'], ['12 EURO']])('%s is not a number', async (text) =>
    expect(await read(text, '.')).toBeNull());
});

describe('numbers, decimal comma', () => {
  it.each([
    ['1030,00', 1030], ['1 030,00', 1030], ['1\u00a0030,00', 1030], ['1\u202f030,00 €', 1030], ['1.234.567,5', 1234567.5],
    ['-12,5', -12.5], ['(1 030,00)', -1030], ['30,00-', -30], ['EUR 12,50', 12.5], ['12', 12],
  ])('%s reads %d', async (text, expected) => expect(await read(text, ',')).toBe(expected));
  it.each([['12.5'], ['1.23,5'], ['1,2,3'], ['€']])('%s is not a number', async (text) => expect(await read(text, ',')).toBeNull());
});

it('whole numbers allow spaces between digits and nothing else', async () => {
  const rows = await db.query<{ n: bigint | number | null }>(`SELECT ${wholeNumberSql('t')} AS n FROM (VALUES (1, '1 200'), (2, '3.5'), (3, '12'), (4, '1\u202f000')) v(i, t) ORDER BY i`);
  expect(rows.map((r) => (r.n === null ? null : Number(r.n)))).toEqual([1200, null, 12, 1000]);
});

it('decimal evidence: what a value shows about its mark', async () => {
  const values = ['1 234,5', '1.234,56', '12,50', '1,234.5', '12.50', '1,030', '1.030', '1030', '(1 030,00)', '$1,030.00'];
  const rows = await db.query<{ t: string; e: string | null }>(
    `SELECT t, ${decimalEvidenceSql('t')} AS e FROM (VALUES ${values.map((v) => `(${literal(v)})`).join(', ')}) v(t)`);
  expect(Object.fromEntries(rows.map((r) => [r.t, r.e]))).toEqual({
    '1 234,5': ',', '1.234,56': ',', '12,50': ',', '1,234.5': '.', '12.50': '.', '1,030': null, '1.030': null, '1030': null, '(1 030,00)': ',', '$1,030.00': '.',
  });
});

describe('encodings: every form of the same file reads the same header and rows', () => {
  const text = 'Jour\tCampagne\tCoût\n2024-01-15\tFR - Search\t1\u202f030,00\n';
  const forms: [string, Buffer, string][] = [
    ['UTF-8', Buffer.from(text, 'utf8'), 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), 'utf-8'],
    ['UTF-16 LE with BOM (Excel "Unicode text")', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-16le'],
    ['UTF-16 LE without BOM', Buffer.from(text, 'utf16le'), 'utf-16le'],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]), 'utf-16be'],
    ['UTF-16 BE without BOM', Buffer.from(text, 'utf16le').swap16(), 'utf-16be'],
    ['gzip of UTF-16 LE', zlib.gzipSync(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), 'utf-16le gzip'],
  ];
  it.each(forms)('%s', async (_name, bytes, encoding) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-'));
    const file = path.join(dir, 'report.csv');
    fs.writeFileSync(file, bytes);
    const prepared = await prepareCsv(file, { delimiter: 'auto', encoding: 'auto', scratchDir: path.join(dir, 'scratch') });
    expect(prepared.encoding).toBe(encoding);
    expect(prepared.delimiter).toBe('\t');
    expect(prepared.header).toEqual(['Jour', 'Campagne', 'Coût']);
    expect(fs.readFileSync(prepared.readable, 'utf8').replace(/^\uFEFF/, '')).toBe(text);
    releaseCsv(prepared);
  });
  it('Windows-1252 is told from UTF-8 by the whole file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-'));
    const file = path.join(dir, 'report.csv');
    fs.writeFileSync(file, Buffer.from(text.replace('\u202f', ' ').replace('Coût', 'Co\u00fbt'), 'latin1'));
    const prepared = await prepareCsv(file, { delimiter: 'auto', encoding: 'auto', scratchDir: path.join(dir, 'scratch') });
    expect(prepared.encoding).toBe('windows-1252');
    expect(prepared.header).toEqual(['Jour', 'Campagne', 'Coût']);
    releaseCsv(prepared);
  });
  it('names CSV and Parquet files the same way on both sides', () => {
    expect(['a.csv', 'a.CSV.gz', 'a.tsv', 'a.txt.gz', 'a.parquet', 'a.xlsx', 'a.gz'].map(fileFormatOf)).toEqual(['csv', 'csv', 'csv', 'csv', 'parquet', undefined, undefined]);
  });
});

describe('decimal: auto in a mapping decides the mark per file', () => {
  it('an English and a French download of the same spend read the same amounts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auto-'));
    fs.writeFileSync(path.join(dir, 'spend-en.csv'), 'Day,Campaign,Cost\n2024-01-15,C1,"1,030.00"\n2024-01-16,C1,45.10\n2024-01-17,C1,"1,200"\n');
    // French: narrow no-break space between thousands, comma decimal, the euro sign after.
    fs.writeFileSync(path.join(dir, 'spend-fr.csv'), 'Day,Campaign,Cost\n2024-01-15,C2,"1\u202f030,00 €"\n2024-01-16,C2,"45,10"\n2024-01-17,C2,"(12,50)"\n');
    const mappingFile = path.join(dir, 'spend.yaml');
    fs.writeFileSync(mappingFile, [
      'name: spend', 'sources:', '  spend: { files: "spend-*.csv" }', 'extracts:',
      '  campaigns:', '    from: spend', '    distinct: true',
      '    columns: { campaign_id: Campaign, campaign_name: Campaign, channel: { value: paid_search }, start_date: { value: "2024-01-01" } }',
      '  marketing_spend:', '    from: spend',
      '    columns: { spend_date: Day, campaign_id: Campaign, amount: { column: Cost, decimal: auto } }',
    ].join('\n') + '\n');
    const outDir = path.join(dir, 'out');
    // The core extracts come from a CRM mapping, as a build would combine them.
    fs.cpSync(path.resolve(import.meta.dirname, 'fixtures/exports/hubspot'), path.join(dir, 'hubspot'), { recursive: true });
    await applyMapping({ inputDir: dir, mapping: ['hubspot', mappingFile], outDir, scratchDir: path.join(dir, 'scratch') });
    const written = fs.readdirSync(outDir).find((f) => f.startsWith('marketing_spend'))!;
    const rows = await db.query<{ c: string; d: string; a: string }>(
      `SELECT campaign_id AS c, CAST(spend_date AS VARCHAR) AS d, CAST(amount AS VARCHAR) AS a FROM '${path.join(outDir, written)}' ORDER BY 1, 2`);
    // "1,200" shows no decimal mark, but its file's other values say "." : one thousand two hundred.
    expect(rows.map((r) => [r.c, Number(r.a)])).toEqual([['C1', 1030], ['C1', 45.1], ['C1', 1200], ['C2', 1030], ['C2', 45.1], ['C2', -12.5]]);
  });
});

describe('the loader reads numbers with the shared reader', () => {
  const loadWith = async (style: CsvStyle, net: [string, string]) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));
    const company = fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>;
    company.invoice_lines![0]!.net_amount = net[0];
    company.invoice_lines![1]!.net_amount = net[1];
    writeCompany(dir, company, style);
    return loadFolder(dir);
  };
  // The fixture company's revenue: invoice F1 12,000.00 and credit note AV1 −1,200.00 = 10,800.00.
  it.each([
    ['French Excel: narrow no-break spaces, euro sign, accounting parentheses', { delimiter: ';', decimal: ',' } as CsvStyle, ['12\u202f000,00 €', '(1\u202f200,00)'] as [string, string]],
    ['English ERP: thousands commas, trailing minus', {} as CsvStyle, ['12,000.00', '1,200.00-'] as [string, string]],
  ])('%s', async (_name, style, net) => {
    const l = await loadWith(style, net);
    try {
      expect(await l.rejects()).toEqual([]);
      expect(await l.db.query(`SELECT invoice_id, net_amount FROM raw.invoice_lines ORDER BY invoice_id`)).toEqual([
        { invoice_id: 'AV1', net_amount: -1200 }, { invoice_id: 'F1', net_amount: 12000 },
      ]);
    } finally {
      l.db.close();
    }
  });
});
