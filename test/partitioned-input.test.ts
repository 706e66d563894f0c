/**
 * Extracts kept the way a data lake keeps them: a Hive-partitioned Parquet folder per extract, one
 * folder per month (`activities/month=2024-01/data_0.parquet`, …). Every row of every partition is
 * loaded, the partition column is reported as an extra column and kept out of the raw tables, and
 * the models give the same results as from the same data in single files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnsOf } from '../pipelines/contract/derive.js';
import { EXTRACTS } from '../pipelines/contract/index.js';
import { literal, openDatabase } from '../pipelines/db/duckdb.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { generateSample } from '../pipelines/sample/generate.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';
import { MODELS_DIR } from './helpers/models.js';

let root: string;
let flat: string;
let partitioned: string;
const source: Record<string, { rows: number; net: number; months: number }> = {};
const opened: Loaded[] = [];

beforeAll(async () => {
  root = tempDir('bi-partitioned-');
  flat = path.join(root, 'flat');
  partitioned = path.join(root, 'partitioned');
  await generateSample({ outDir: flat, scale: 0.3, seed: 11, format: 'parquet', threads: 2 });
  fs.cpSync(flat, partitioned, { recursive: true });
  // Rewrite activities and invoice lines as one folder per month, with DuckDB, as a lake would hold them.
  const db = await openDatabase(':memory:');
  try {
    const file = (extract: string) => literal(path.join(flat, `${extract}.parquet`));
    const byMonth = {
      activities: `SELECT *, strftime(scheduled_at, '%Y-%m') AS month FROM read_parquet(${file('activities')})`,
      invoice_lines: `SELECT l.*, strftime(i.invoice_date, '%Y-%m') AS month
        FROM read_parquet(${file('invoice_lines')}) l JOIN read_parquet(${file('invoices')}) i USING (invoice_id)`,
    };
    for (const [extract, sql] of Object.entries(byMonth)) {
      await db.exec(`COPY (${sql}) TO ${literal(path.join(partitioned, extract))} (FORMAT parquet, PARTITION_BY (month))`);
      fs.rmSync(path.join(partitioned, `${extract}.parquet`));
      const [stats] = await db.query<{ rows: number; months: number }>(`SELECT count(*) AS rows, count(DISTINCT month) AS months FROM (${sql})`);
      const [net] = extract === 'invoice_lines' ? await db.query<{ net: number }>(`SELECT sum(net_amount)::DOUBLE AS net FROM read_parquet(${file(extract)})`) : [{ net: 0 }];
      const [all] = await db.query<{ rows: number }>(`SELECT count(*) AS rows FROM read_parquet(${file(extract)})`);
      source[extract] = { rows: all!.rows, net: net!.net, months: stats!.months };
      expect(stats!.rows).toBe(all!.rows); // every line belongs to an invoice
    }
  } finally {
    db.close();
  }
}, 60_000);

afterAll(() => {
  for (const l of opened) l.db.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const load = async (dir: string) => {
  const loaded = await loadFolder(dir);
  opened.push(loaded);
  return loaded;
};

describe('Hive-partitioned Parquet input, one folder per month', () => {
  it('loads every row of every month, reports the partition column as extra and keeps it out of raw.*', async () => {
    const months = fs.readdirSync(path.join(partitioned, 'activities')).sort();
    expect(months.length).toBe(source.activities!.months);
    expect(months.length).toBeGreaterThanOrEqual(30); // three fiscal years
    expect(months[0]).toMatch(/^month=\d{4}-\d{2}$/);

    const l = await load(partitioned);
    expect(await l.rejects()).toEqual([]);
    for (const extract of ['activities', 'invoice_lines']) {
      const summary = l.summary(extract);
      expect(summary).toMatchObject({ status: 'loaded', format: 'parquet', rowsRead: source[extract]!.rows, rowsLoaded: source[extract]!.rows, rowsRejected: 0 });
      expect(summary.files).toHaveLength(source[extract]!.months);
      expect(summary.extraColumns).toEqual(['month']);
      const columns = await l.db.query<{ name: string }>(`SELECT column_name AS name FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = ${literal(extract)} ORDER BY column_index`);
      expect(columns.map((c) => c.name)).toEqual(columnsOf(EXTRACTS.find((e) => e.name === extract)!).map((c) => c.name));
      const [{ n }] = (await l.db.query<{ n: number }>(`SELECT count(*) AS n FROM raw.${extract}`)) as [{ n: number }];
      expect(n).toBe(source[extract]!.rows);
    }
    expect(source.activities!.rows).toBeGreaterThan(50_000);
    const [{ net }] = (await l.db.query<{ net: number }>('SELECT sum(net_amount)::DOUBLE AS net FROM raw.invoice_lines')) as [{ net: number }];
    expect(net).toBeCloseTo(source.invoice_lines!.net, 2);
  }, 60_000);

  it('gives the models the same results as the same data in single files', async () => {
    const figures = async (dir: string) => {
      const l = await load(dir);
      await runModels(l.db, { modelsDir: MODELS_DIR, reporter: silentReporter() });
      return {
        reconciliation: await l.db.query('SELECT * FROM marts.reconciliation ORDER BY ALL'),
        activities: await l.db.query('SELECT count(*) AS n FROM staging.stg_activities'),
      };
    };
    expect(await figures(partitioned)).toEqual(await figures(flat));
  }, 60_000);
});
