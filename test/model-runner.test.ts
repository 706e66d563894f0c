/** The model runner: ordering from the SQL itself, clear failures, and data tests that bite. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../pipelines/db/duckdb.js';
import { buildOrder, discoverModels } from '../pipelines/models/discover.js';
import { genericTests, runDataTests, testsToRun } from '../pipelines/models/data-tests.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { tempDir } from './helpers/load.js';

let db: Database | undefined;
afterEach(() => db?.close());

const header = (extra = '') => `/*\ndescription: test model\ngrain: row\n${extra}*/\n`;

/** A models folder from { 'staging/stg_a.sql': sql } and a database with a raw table to read. */
const project = async (files: Record<string, string>) => {
  const dir = tempDir('bi-models-');
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), sql);
  }
  db = await openDatabase(':memory:');
  await db.exec(`CREATE SCHEMA raw; CREATE SCHEMA audit;
    CREATE TABLE raw.things AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'b')) t(id, kind);
    CREATE TABLE audit.load_summary (extract VARCHAR, status VARCHAR, rows_loaded BIGINT);`);
  return dir;
};

describe('model runner', () => {
  it('orders models by the tables their SQL reads, whatever the file names', async () => {
    const dir = await project({
      'marts/answer.sql': `${header('unique: [kind]\n')}SELECT kind, sum(n) AS n FROM intermediate.int_middle GROUP BY kind`,
      'intermediate/int_middle.sql': `${header()}WITH x AS (SELECT * FROM staging.stg_things) SELECT kind, count(*) AS n FROM x GROUP BY kind`,
      'staging/stg_things.sql': `${header()}SELECT id, kind FROM raw.things`,
    });
    const models = await discoverModels(db!, dir);
    expect(models.find((m) => m.name === 'intermediate.int_middle')!.reads).toEqual(['staging.stg_things']);
    expect(buildOrder(models).map((m) => m.name)).toEqual(['staging.stg_things', 'intermediate.int_middle', 'marts.answer']);
    const run = await runModels(db!, { modelsDir: dir, reporter: silentReporter() });
    expect(run.models.map((m) => [m.model, m.rows])).toEqual([['staging.stg_things', 3], ['intermediate.int_middle', 2], ['marts.answer', 2]]);
    expect(await db!.query('SELECT kind, n FROM marts.answer ORDER BY kind')).toEqual([{ kind: 'a', n: 1 }, { kind: 'b', n: 2 }]);
  });

  it('records one audit.model_runs row per model and run, its rows the table\'s count, its time and memory', async () => {
    const dir = await project({
      'marts/answer.sql': `${header('unique: [kind]\n')}SELECT kind, count(*) AS n FROM intermediate.int_middle GROUP BY kind`,
      'intermediate/int_middle.sql': `${header()}SELECT t.id, t.kind FROM staging.stg_things t, range(1000) r(i)`,
      'staging/stg_things.sql': `${header()}SELECT id, kind FROM raw.things`,
    });
    await runModels(db!, { modelsDir: dir, reporter: silentReporter() });
    const runs = await db!.query<{ run_id: string; model: string; layer: string; rows: number; seconds: number; reused: boolean; cpu_seconds: number; peak_rss_bytes: number; duckdb_memory_bytes: number }>(
      'SELECT * FROM audit.model_runs ORDER BY started_at, model');
    expect(runs.map((r) => [r.model, r.layer, r.reused])).toEqual([
      ['staging.stg_things', 'staging', false], ['intermediate.int_middle', 'intermediate', false], ['marts.answer', 'marts', false]]);
    expect(new Set(runs.map((r) => r.run_id)).size).toBe(1);
    // The rows recorded are the tables' own counts (3 things; 3 × 1000; 2 kinds).
    for (const run of runs) {
      const [count] = await db!.query<{ n: number }>(`SELECT count(*) AS n FROM ${run.model}`);
      expect(run.rows).toBe(count!.n);
    }
    expect(runs.map((r) => r.rows)).toEqual([3, 3000, 2]);
    for (const run of runs) {
      expect(run.seconds).toBeGreaterThan(0);
      expect(run.cpu_seconds).toBeGreaterThan(0);
      expect(run.peak_rss_bytes).toBeGreaterThan(10 * 1024 ** 2);
      expect(run.duckdb_memory_bytes).toBeGreaterThanOrEqual(0);
    }

    // An incremental run with nothing reloaded: a second run id, every model kept (no time, its rows).
    await runModels(db!, { modelsDir: dir, reporter: silentReporter(), reloadedExtracts: new Set() });
    const second = await db!.query<{ model: string; rows: number; seconds: number; reused: boolean }>(`SELECT model, rows, seconds, reused FROM audit.model_runs
      WHERE run_id <> $1 ORDER BY model`, [runs[0]!.run_id]);
    expect(second).toEqual([
      { model: 'intermediate.int_middle', rows: 3000, seconds: 0, reused: true },
      { model: 'marts.answer', rows: 2, seconds: 0, reused: true },
      { model: 'staging.stg_things', rows: 3, seconds: 0, reused: true },
    ]);
  });

  it('records into an audit.model_runs made before cpu_seconds was kept (the column is added)', async () => {
    const dir = await project({ 'staging/stg_things.sql': `${header()}SELECT id, kind FROM raw.things` });
    await db!.exec(`CREATE TABLE audit.model_runs (run_id VARCHAR, model VARCHAR, layer VARCHAR, started_at TIMESTAMP, seconds DOUBLE,
      rows BIGINT, reused BOOLEAN, peak_rss_bytes BIGINT, duckdb_memory_bytes BIGINT)`);
    await runModels(db!, { modelsDir: dir, reporter: silentReporter() });
    const runs = await db!.query<{ model: string; rows: number; has_cpu: boolean }>('SELECT model, rows, cpu_seconds > 0 AS has_cpu FROM audit.model_runs');
    expect(runs).toEqual([{ model: 'staging.stg_things', rows: 3, has_cpu: true }]);
  });

  it('drops the table of a model renamed since the last build: an incremental run holds the tables a full run does', async () => {
    const dir = await project({
      'staging/stg_things.sql': `${header()}SELECT id, kind FROM raw.things`,
      'marts/answer.sql': `${header('unique: [kind]\n')}SELECT kind, count(*) AS n FROM staging.stg_things GROUP BY kind`,
    });
    await runModels(db!, { modelsDir: dir, reporter: silentReporter() });
    fs.renameSync(path.join(dir, 'marts/answer.sql'), path.join(dir, 'marts/answer_by_kind.sql'));
    const lines: string[] = [];
    // Incremental: nothing reloaded; the new model is built, the old one's table must go.
    await runModels(db!, { modelsDir: dir, reporter: { ...silentReporter(), detail: (l: string) => lines.push(l) }, reloadedExtracts: new Set() });
    const incremental = await db!.query(`SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() WHERE schema_name IN ('staging', 'intermediate', 'marts') ORDER BY 1`);
    expect(lines).toContain('dropped marts.answer: no model defines them any more');
    const incrementalRows = await db!.query('SELECT * FROM marts.answer_by_kind ORDER BY ALL');
    db!.close();
    await project({});
    await runModels(db!, { modelsDir: dir, reporter: silentReporter() });
    expect(incremental).toEqual(await db!.query(`SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() WHERE schema_name IN ('staging', 'intermediate', 'marts') ORDER BY 1`));
    expect(incremental).toEqual([{ t: 'marts.answer_by_kind' }, { t: 'marts.kpi_glossary' }, { t: 'staging.stg_things' }]);
    expect(incrementalRows).toEqual(await db!.query('SELECT * FROM marts.answer_by_kind ORDER BY ALL'));
  });

  it('stops on a broken model, naming it and giving DuckDB\'s message', async () => {
    const dir = await project({
      'staging/stg_things.sql': `${header()}SELECT id, kind, no_such_column FROM raw.things`,
    });
    await expect(runModels(db!, { modelsDir: dir, reporter: silentReporter() })).rejects.toThrow(
      /^Model staging\.stg_things \(.*models-.*\/staging\/stg_things\.sql\) failed: Binder Error: Referenced column "no_such_column" not found/,
    );
  });

  it('reports SQL that does not parse before building anything', async () => {
    const dir = await project({ 'staging/stg_things.sql': `${header()}SELEC id FROM raw.things` });
    await expect(discoverModels(db!, dir)).rejects.toThrow(/stg_things\.sql: DuckDB cannot parse this SQL: syntax error at or near "SELEC"/);
  });

  it('names a dependency cycle', async () => {
    const dir = await project({
      'intermediate/int_a.sql': `${header()}SELECT * FROM intermediate.int_b`,
      'intermediate/int_b.sql': `${header()}SELECT * FROM intermediate.int_a`,
    });
    expect(() => buildOrder([])).not.toThrow();
    await expect(discoverModels(db!, dir).then(buildOrder)).rejects.toThrow('Models depend on each other in a cycle: intermediate.int_a → intermediate.int_b → intermediate.int_a');
  });

  it('requires a header, a grain on marts, and layer prefixes', async () => {
    let dir = await project({ 'staging/stg_things.sql': 'SELECT 1' });
    await expect(discoverModels(db!, dir)).rejects.toThrow(/stg_things\.sql: a model starts with a \/\* … \*\/ header comment/);
    db!.close();
    dir = await project({ 'marts/answer.sql': `${header()}SELECT 1 AS x` });
    await expect(discoverModels(db!, dir)).rejects.toThrow(/answer\.sql: a mart declares its grain's columns under unique:/);
    db!.close();
    dir = await project({ 'staging/things.sql': `${header()}SELECT 1 AS x` });
    await expect(discoverModels(db!, dir)).rejects.toThrow(/things\.sql: staging models are named stg_\*/);
  });
});

describe('data tests', () => {
  const failing = async (extra: string) => {
    const dir = await project({ 'marts/answer.sql': `${header(extra)}SELECT id, kind, CASE WHEN id = 3 THEN NULL ELSE id END AS maybe FROM raw.things` });
    const [model] = await discoverModels(db!, dir);
    await db!.exec(`CREATE SCHEMA marts; CREATE TABLE marts.answer AS ${model!.sql}`);
    const results = await runDataTests(db!, genericTests(model!));
    return results.filter((r) => r.failures > 0).map((r) => ({ name: r.name, failures: r.failures, sample: r.sample }));
  };

  it('unique fails on duplicated grain and lists the duplicates', async () => {
    expect(await failing('unique: [kind]\n')).toEqual([{ name: 'unique(kind)', failures: 1, sample: [{ kind: 'b', copies: 2 }] }]);
  });

  it('not_null fails on the null rows', async () => {
    expect(await failing('unique: [id]\nnot_null: [maybe]\n')).toEqual([{ name: 'not_null(maybe)', failures: 1, sample: [{ id: 3, kind: 'b', maybe: null }] }]);
  });

  it('accepted_values fails on values outside the list', async () => {
    expect(await failing('unique: [id]\naccepted_values: { kind: [a] }\n')).toEqual([{ name: 'accepted_values(kind)', failures: 1, sample: [{ kind: 'b', rows: 2 }] }]);
  });

  it('relationships fail on orphans', async () => {
    expect(await failing('unique: [id]\nrelationships: { id: raw.things.id }\n')).toEqual([]);
    db!.close();
    const results = await (async () => {
      const dir = await project({ 'marts/answer.sql': `${header('unique: [id]\nrelationships: { id: marts.parent.id }\n')}SELECT id FROM raw.things` });
      const [model] = await discoverModels(db!, dir);
      await db!.exec(`CREATE SCHEMA marts; CREATE TABLE marts.parent AS SELECT 1 AS id; CREATE TABLE marts.answer AS ${model!.sql}`);
      return runDataTests(db!, genericTests(model!));
    })();
    expect(results.filter((r) => r.failures > 0).map((r) => [r.name, r.failures])).toEqual([['relationships(id → marts.parent.id)', 2]]);
  });

  it('a failed data test fails the build and says which rows', async () => {
    const dir = await project({ 'marts/answer.sql': `${header('unique: [kind]\n')}SELECT kind FROM raw.things` });
    await expect(runModels(db!, { modelsDir: dir, reporter: silentReporter() })).rejects.toThrow(
      '1 data test(s) failed:\n  ✗ marts.answer: unique(kind) — 1 row(s), e.g.\n      {"kind":"b","copies":2}',
    );
  });
});

describe('data tests counted many per query', () => {
  it('keeps each test its own count over batches, records the sample as written, and names the test whose SQL fails', async () => {
    db = await openDatabase(':memory:');
    await db.exec(`CREATE SCHEMA audit; CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT range AS id, 'D''Arcy' AS name FROM range(120)`);
    // 120 tests (three batches): test k fails on the ids below k % 7, so each has its own count.
    const tests = Array.from({ length: 120 }, (_, k) => ({ name: `t${k}`, model: 'marts.t', sql: `SELECT id, name FROM marts.t WHERE id < ${k % 7} -- a trailing comment` }));
    const results = await runDataTests(db, tests);
    expect(results.map((r) => r.failures)).toEqual(tests.map((_, k) => k % 7));
    expect(results[3]!.sample).toEqual([{ id: 0, name: "D'Arcy" }, { id: 1, name: "D'Arcy" }, { id: 2, name: "D'Arcy" }]);
    const recorded = await db.query(`SELECT test, failures, sample FROM audit.data_tests WHERE test IN ('t0', 't3') ORDER BY test`);
    expect(recorded).toEqual([
      { test: 't0', failures: 0, sample: '[]' },
      { test: 't3', failures: 3, sample: JSON.stringify(results[3]!.sample) },
    ]);
    // A test whose SQL no longer runs, in the middle of a batch: the error is its own.
    tests[60] = { name: 'broken', model: 'marts.t', sql: 'SELECT missing_column FROM marts.t' };
    await expect(runDataTests(db, tests)).rejects.toThrow(/missing_column/);
    db.close();
    db = undefined;
  });
});

describe('data tests of an incremental run', () => {
  const setUp = async () => {
    db = await openDatabase(':memory:');
    await db.exec(`CREATE SCHEMA marts; CREATE SCHEMA audit;
      CREATE TABLE marts.a AS SELECT * FROM (VALUES (1), (2)) t(id);
      CREATE TABLE marts.b AS SELECT * FROM (VALUES (1), (2)) t(id);`);
    const unique = (model: string) => ({ name: 'unique(id)', model, sql: `SELECT id FROM ${model} GROUP BY id HAVING count(*) > 1` });
    const all = [unique('marts.a'), unique('marts.b'), { name: 'b within a', model: 'marts.b', sql: 'SELECT id FROM marts.b ANTI JOIN marts.a USING (id)' }];
    await runDataTests(db, all);
    return { db, all, unique };
  };

  it('runs again the tests reading a table the run wrote, keeps the others passing results', async () => {
    const { db: open, all } = await setUp();
    await open.exec('INSERT INTO marts.a VALUES (2)');
    const toRun = await testsToRun(open, all, new Set(['marts.a']));
    // The test of marts.a and the one of marts.b that reads marts.a; not marts.b's own unique test.
    expect(toRun.map((t) => `${t.model} ${t.name}`)).toEqual(['marts.a unique(id)', 'marts.b b within a']);
    const results = await runDataTests(open, toRun, all);
    expect(results.map((r) => [r.model, r.name, r.failures, r.reused ?? false])).toEqual([
      ['marts.b', 'unique(id)', 0, true],
      ['marts.a', 'unique(id)', 1, false],
      ['marts.b', 'b within a', 0, false],
    ]);
    // Every test keeps one row in the audit table: the kept one's from the last run.
    expect(await open.query('SELECT model, test, failures FROM audit.data_tests ORDER BY model, test')).toEqual([
      { model: 'marts.a', test: 'unique(id)', failures: 1 },
      { model: 'marts.b', test: 'b within a', failures: 0 },
      { model: 'marts.b', test: 'unique(id)', failures: 0 },
    ]);
  });

  it('runs a test with no passing result from the last run, and any test of the load audit', async () => {
    const { db: open, all, unique } = await setUp();
    const added = unique('marts.c');
    const audit = { name: 'audit read', model: 'marts.b', sql: 'SELECT * FROM audit.data_tests WHERE false' };
    await open.exec("UPDATE audit.data_tests SET failures = 2 WHERE model = 'marts.b' AND test = 'unique(id)'");
    const toRun = await testsToRun(open, [...all, added, audit], new Set());
    expect(toRun.map((t) => `${t.model} ${t.name}`)).toEqual(['marts.b unique(id)', 'marts.c unique(id)', 'marts.b audit read']);
  });
});
