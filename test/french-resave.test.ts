/**
 * Files as the user touched them: every built-in mapping reads its vendor's export after a French
 * Excel re-save (`;`, Windows-1252, `15/02/2024 10:00`, `48 000,00` with spaces, no-break spaces and
 * narrow no-break spaces between thousands) and after an ISO-8859-1 download, and gives the same
 * figures as from the export as the vendor wrote it: the same rows loaded and rejected per
 * extract, and every mart's row count and numeric totals to the cent. The re-saved files are derived
 * from the bundled fixtures by test/helpers/french-resave.ts (not hand-edited), so the expected
 * figures are the original export's own, worked out by the same pipeline on the untouched files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../pipelines/db/duckdb.js';
import { tempDir } from './helpers/load.js';
import { closeMapped, mapAndLoad } from './helpers/map-and-load.js';
import { EXPORT_FIXTURES } from './helpers/mapped.js';
import { encodeText, frenchResaveFolder, frenchResaveText } from './helpers/french-resave.js';

afterAll(closeMapped);

/** Rows loaded and rejected per extract, and per mart its rows and the sum of each numeric column (cents). */
const figures = async (db: Database) => {
  const loads = await db.query(`SELECT extract, rows_read, rows_loaded, rows_rejected, rows_flagged FROM audit.load_summary ORDER BY extract`);
  const marts: Record<string, unknown> = {};
  const tables = await db.query<{ table_name: string }>(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' UNION
    SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts' ORDER BY 1`);
  for (const { table_name: table } of tables) {
    const numeric = await db.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'marts' AND table_name = '${table}' AND (data_type LIKE 'DECIMAL%' OR data_type IN ('DOUBLE', 'BIGINT', 'INTEGER', 'HUGEINT', 'FLOAT'))`);
    const sums = numeric.map((c) => `round(sum("${c.column_name}"), 2) AS "${c.column_name}"`);
    [marts[table]] = await db.query(`SELECT count(*) AS rows${sums.length ? `, ${sums.join(', ')}` : ''} FROM marts."${table}"`);
  }
  return { loads, marts };
};

/** A copy of fixture folders (each under its own name), optionally with a change to the copies. */
const copyFixtures = (fixtures: string[], edit?: (dir: string) => void) => {
  const dir = tempDir('bi-original-');
  for (const f of fixtures) fs.cpSync(path.join(EXPORT_FIXTURES, f), path.join(dir, f), { recursive: true });
  edit?.(dir);
  return dir;
};

const resaved = (original: string, options: Parameters<typeof frenchResaveFolder>[2] = {}) => {
  const dir = path.join(tempDir('bi-resaved-'), 'exports');
  frenchResaveFolder(original, dir, options);
  return dir;
};

const googleTitleLines = (file: string) => (/campaign report|rapport/i.test(file) ? 2 : 0);

describe('a French Excel re-save gives the figures of the export as the vendor wrote it', () => {
  it('hubspot + stripe + google-ads', async () => {
    const original = copyFixtures(['hubspot', 'stripe', 'google-ads']);
    const before = await mapAndLoad(original, 'hubspot,stripe,google-ads');
    const after = await mapAndLoad(resaved(original, { skipLinesOf: googleTitleLines }), 'hubspot,stripe,google-ads');
    expect(await figures(after.db)).toEqual(await figures(before.db));
    const readings = after.result.sources.flatMap((s) => s.readings ?? []);
    expect(readings.find((r) => /all-deals.*, Close Date: read day-first: /.test(r))).toBeDefined();
    expect(readings.find((r) => /invoices\.csv, Total: numbers written the French way/.test(r))).toBeDefined();
  }, 120_000);

  it('salesforce reports (with their footer)', async () => {
    // 006A000008 closes on 31/12/2023 in a month-first report: the original rejects it (no order
    // reads it), while the re-save, all day first, would read it. It is left out of both.
    const original = copyFixtures(['salesforce'], (dir) => {
      const file = path.join(dir, 'salesforce', 'Opportunities report-2024-06-30.csv');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith('"006A000008"')).join('\n'));
    });
    const before = await mapAndLoad(original, 'salesforce');
    const after = await mapAndLoad(resaved(original), 'salesforce');
    expect(await figures(after.db)).toEqual(await figures(before.db));
    // fr_FR numbers in the accounts report: 120 000 000 is read, so every account keeps its segment.
    expect(await after.db.query(`SELECT count(*) FILTER (WHERE segment = '(non renseigné)') AS unknown, count(*) AS accounts FROM raw.accounts`))
      .toEqual(await before.db.query(`SELECT count(*) FILTER (WHERE segment = '(non renseigné)') AS unknown, count(*) AS accounts FROM raw.accounts`));
  }, 120_000);

  it('salesforce Data Export', async () => {
    const original = copyFixtures(['salesforce-data-export']);
    const before = await mapAndLoad(original, 'salesforce');
    const after = await mapAndLoad(resaved(original), 'salesforce');
    expect(await figures(after.db)).toEqual(await figures(before.db));
  }, 120_000);

  it('maven-crm (the public sample, 8,800 deals)', async () => {
    const original = copyFixtures(['maven-crm']);
    const before = await mapAndLoad(path.join(original, 'maven-crm'), 'maven-crm');
    const after = await mapAndLoad(path.join(resaved(original), 'maven-crm'), 'maven-crm');
    expect(await figures(after.db)).toEqual(await figures(before.db));
  }, 180_000);
});

describe('an ISO-8859-1 download', () => {
  it('a Salesforce report downloaded in ISO-8859-1, with its footer, reads like the UTF-8 one', async () => {
    const original = copyFixtures(['salesforce']);
    const latin1 = tempDir('bi-latin1-');
    for (const file of fs.readdirSync(path.join(original, 'salesforce'))) {
      fs.writeFileSync(path.join(latin1, file), encodeText(fs.readFileSync(path.join(original, 'salesforce', file), 'utf8'), 'iso-8859-1'));
    }
    const before = await mapAndLoad(original, 'salesforce');
    const after = await mapAndLoad(latin1, 'salesforce');
    expect(await figures(after.db)).toEqual(await figures(before.db));
    expect(after.result.sources.flatMap((s) => s.files.map((f) => f.encoding))).toContain('windows-1252');
    expect(await after.db.query(`SELECT account_name FROM raw.accounts WHERE account_id = '001A000002'`)).toEqual([{ account_name: 'Boulangeries Réunies' }]);
  }, 120_000);
});

void frenchResaveText;
