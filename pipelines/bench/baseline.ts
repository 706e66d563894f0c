/**
 * The baseline: DuckDB doing the same work natively, with none of our machinery — each extract
 * read with `CREATE TABLE raw.<x> AS SELECT * FROM read_csv(<files>)` (DuckDB's own dialect and
 * type detection) or `read_parquet`, no validation, no rejects; then the same model SQL files, in
 * the same dependency order, each run as one `CREATE OR REPLACE TABLE`; then the same data-test
 * queries, each counted once. Same database settings (memory_limit, threads, spill folder) as our
 * run. The models need what our runner sets up around them — the KPI settings tables, the macros
 * and `audit.load_summary` — so those are created here too (their cost is not timed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.js';
import { columnsOf } from '../contract/derive.js';
import { EXTRACTS } from '../contract/index.js';
import { AUDIT_DDL } from '../load/load-extracts.js';
import { ident, literal, openDatabase, type Database } from '../db/duckdb.js';
import { genericTests, singularTests } from '../models/data-tests.js';
import { buildOrder, discoverModels, LAYERS } from '../models/discover.js';
import { readSettingsInUse, settingsFileFor, writeKpiSettings } from '../models/kpi-settings.js';
import { readMacros } from '../models/run-models.js';
import { createHistoryTables } from '../history/snapshots.js';
import { RssSampler } from './memory.js';
import type { BaselineJob, BaselineResult, StageMeasure } from './types.js';

const log = (line: string) => process.stdout.write(`  [baseline] ${line}\n`);

/**
 * The loader's audit tables, which the data-quality marts read (kept empty here), and the rates
 * table with the reporting currency alone: the sample sells in EUR.
 */
const AUDIT_TABLES = `${AUDIT_DDL}
INSERT INTO audit.fx_rates VALUES ('EUR', NULL, 1, 'reporting currency');`;

/** DuckDB's native reader for an extract's file(s), or undefined when the folder lacks it. */
const nativeReader = (dir: string, extract: string): { sql: string; format: string; files: string[] } | undefined => {
  for (const name of [`${extract}.csv`, `${extract}.csv.gz`]) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return { sql: `read_csv(${literal(file)})`, format: 'csv', files: [file] };
  }
  const parquet = path.join(dir, `${extract}.parquet`);
  if (fs.existsSync(parquet)) return { sql: `read_parquet(${literal(parquet)})`, format: 'parquet', files: [parquet] };
  const folder = path.join(dir, extract);
  if (fs.existsSync(folder)) {
    return { sql: `read_parquet(${literal(path.join(folder, '**', '*.parquet'))}, hive_partitioning = true)`, format: 'parquet', files: [folder] };
  }
  return undefined;
};

export const runBaseline = async (job: BaselineJob): Promise<BaselineResult> => {
  const sampler = new RssSampler().start();
  fs.rmSync(job.runDir, { recursive: true, force: true });
  fs.mkdirSync(job.runDir, { recursive: true });
  const databasePath = path.join(job.runDir, 'baseline.duckdb');
  let db: Database | undefined;
  const failures: string[] = [];
  const timed = async <T>(work: () => Promise<T>): Promise<[T, StageMeasure]> => {
    const from = performance.now();
    sampler.sample();
    const value = await work();
    sampler.sample();
    const to = performance.now();
    return [value, { seconds: (to - from) / 1000, peakRssBytes: sampler.peakBetween(from, to) }];
  };
  try {
    const started = performance.now();
    db = await openDatabase(databasePath, {
      memoryLimit: job.settings.memoryLimit,
      threads: job.settings.threads,
      tempDirectory: path.join(job.runDir, 'spill'),
    });
    const open = db;
    await open.exec(AUDIT_TABLES);

    log('load: read_csv / read_parquet per extract');
    const [rowsLoaded, load] = await timed(async () => {
      const rows: Record<string, number> = {};
      for (const extract of EXTRACTS) {
        const reader = nativeReader(job.extractsDir, extract.name);
        const t0 = performance.now();
        if (reader) await open.exec(`CREATE TABLE raw.${ident(extract.name)} AS SELECT * FROM ${reader.sql}`);
        // Columns a file may omit (the sample's currencies) are there for the models, as the loader makes them.
        const present = reader ? new Set((await open.query<{ column_name: string }>(`DESCRIBE raw.${ident(extract.name)}`)).map((c) => c.column_name)) : new Set<string>();
        for (const column of columnsOf(extract).filter((c) => reader && c.mayBeAbsent && !present.has(c.name))) {
          await open.exec(`ALTER TABLE raw.${ident(extract.name)} ADD COLUMN ${ident(column.name)} ${column.duckdbType} DEFAULT ${column.currency ? "'EUR'" : 'NULL'}`);
        }
        const [count] = reader ? await open.query<{ n: number }>(`SELECT count(*) AS n FROM raw.${ident(extract.name)}`) : [{ n: 0 }];
        rows[extract.name] = count?.n ?? 0;
        await open.exec(`INSERT INTO audit.load_summary (extract, system, status, files, format, delimiter, decimal_mark, rows_read, rows_loaded, rows_rejected, extra_columns, seconds)
          VALUES (${literal(extract.name)}, ${literal(extract.system)}, ${literal(reader ? 'loaded' : 'not_provided')},
            [${(reader?.files ?? []).map(literal).join(', ')}]::VARCHAR[], ${literal(reader?.format ?? '')}, '', '',
            ${rows[extract.name]}, ${rows[extract.name]}, 0, []::VARCHAR[], ${(performance.now() - t0) / 1000})`);
        log(`  ${extract.name}: ${rows[extract.name]} rows`);
      }
      return rows;
    });

    // Set-up the models need (not timed: our runner does the same before its timed step).
    const modelsDir = path.join(PROJECT_ROOT, 'models');
    const inUse = readSettingsInUse(settingsFileFor(job.extractsDir));
    await writeKpiSettings(open, inUse.settings, inUse);
    await open.exec(readMacros(modelsDir) + LAYERS.map((l) => `CREATE SCHEMA IF NOT EXISTS ${l};`).join('\n'));
    // The history marts read history.* (empty here: the baseline records no snapshot).
    await createHistoryTables(open);
    const models = buildOrder(await discoverModels(open, modelsDir));

    log(`models: ${models.length} CREATE OR REPLACE TABLE statements in dependency order`);
    const layerSeconds = { staging: 0, later: 0 };
    const modelSeconds: Record<string, number> = {};
    const [, modelsStep] = await timed(async () => {
      for (const model of models) {
        const t0 = performance.now();
        try {
          await open.exec(`CREATE OR REPLACE TABLE ${model.name} AS\n${model.sql}`);
        } catch (error) {
          failures.push(`${model.name}: ${(error as Error).message.split('\n')[0]}`);
        }
        modelSeconds[model.name] = (performance.now() - t0) / 1000;
        layerSeconds[model.layer === 'staging' ? 'staging' : 'later'] += modelSeconds[model.name]!;
      }
    });

    const tests = [...models.flatMap(genericTests), ...singularTests(path.join(modelsDir, 'tests'))];
    log(`data tests: ${tests.length} queries`);
    const [, testsStep] = await timed(async () => {
      for (const test of tests) {
        try {
          const [count] = await open.query<{ n: number }>(`SELECT count(*) AS n FROM (${test.sql})`);
          if (count?.n) failures.push(`${test.model}: ${test.name.split('\n')[0]!.split(':')[0]} (${count.n} rows)`);
        } catch (error) {
          failures.push(`${test.model}: ${test.name}: ${(error as Error).message.split('\n')[0]}`);
        }
      }
    });
    await open.exec('CHECKPOINT');
    const ended = performance.now();
    for (const failure of failures) log(`  ⚠ ${failure}`);
    return {
      run: {
        seconds: (ended - started) / 1000,
        peakRssBytes: sampler.peakBetween(started, ended),
        stages: {
          load,
          staging: { seconds: layerSeconds.staging, peakRssBytes: modelsStep.peakRssBytes },
          later_models: { seconds: layerSeconds.later, peakRssBytes: modelsStep.peakRssBytes },
          tests: testsStep,
        },
      },
      rowsLoaded,
      models: models.length,
      modelSeconds,
      failures,
      tests: tests.length,
    };
  } finally {
    db?.close();
    sampler.stop();
    fs.rmSync(job.runDir, { recursive: true, force: true });
  }
};
