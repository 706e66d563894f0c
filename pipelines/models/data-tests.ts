/**
 * Data tests, run on every build after the models: the generic ones each model declares in its
 * header (unique, not null, accepted values, relationships) and the singular SQL tests of
 * `models/tests/` (a query returning the rows that break an expectation: no row, no failure).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ident, literal, type Database } from '../db/duckdb.js';
import type { Model } from './discover.js';

export interface DataTest {
  name: string;
  model: string;
  sql: string;
}

export interface DataTestResult extends DataTest {
  failures: number;
  sample: Record<string, unknown>[];
  /** Not run again (incremental rebuild): it reads no table the run wrote, and passed last time. */
  reused?: boolean;
}

export const genericTests = (model: Model): DataTest[] => {
  const m = model.metadata;
  const t = model.name;
  const tests: DataTest[] = [];
  if (m.unique) {
    const cols = m.unique.map(ident).join(', ');
    tests.push({ name: `unique(${m.unique.join(', ')})`, model: t, sql: `SELECT ${cols}, count(*) AS copies FROM ${t} GROUP BY ${cols} HAVING count(*) > 1` });
  }
  for (const column of new Set([...(m.unique ?? []), ...m.not_null])) {
    tests.push({ name: `not_null(${column})`, model: t, sql: `SELECT * FROM ${t} WHERE ${ident(column)} IS NULL` });
  }
  for (const [column, values] of Object.entries(m.accepted_values)) {
    const accepted = values.map((v) => (typeof v === 'string' ? literal(v) : String(v))).join(', ');
    tests.push({ name: `accepted_values(${column})`, model: t, sql: `SELECT ${ident(column)}, count(*) AS rows FROM ${t} WHERE ${ident(column)} NOT IN (${accepted}) GROUP BY ALL` });
  }
  for (const [column, target] of Object.entries(m.relationships)) {
    const [schema, table, parentColumn] = target.split('.');
    tests.push({
      name: `relationships(${column} → ${target})`,
      model: t,
      // An empty parent means its extract was not provided: references to it could not be checked at load.
      sql: `SELECT c.${ident(column)} FROM ${t} c ANTI JOIN ${schema}.${table} p ON p.${ident(parentColumn!)} = c.${ident(column)}
        WHERE c.${ident(column)} IS NOT NULL AND EXISTS (SELECT 1 FROM ${schema}.${table})`,
    });
  }
  return tests;
};

const singularHeader = z.strictObject({ description: z.string().min(1), model: z.string().min(1) });

/** SQL tests in `models/tests/*.sql`, each opening with a YAML header (description, model). */
export const singularTests = (testsDir: string): DataTest[] => {
  if (!fs.existsSync(testsDir)) return [];
  return fs.readdirSync(testsDir).filter((f) => f.endsWith('.sql')).sort().map((f) => {
    const file = path.join(testsDir, f);
    const sql = fs.readFileSync(file, 'utf8').trim().replace(/;\s*$/, '');
    const header = /^\s*\/\*([\s\S]*?)\*\//.exec(sql);
    const parsed = singularHeader.safeParse(header ? YAML.parse(header[1]!) : undefined);
    if (!parsed.success) throw new Error(`${file}: a data test opens with a /* … */ YAML header giving description and model:\n${z.prettifyError(parsed.error)}`);
    return { name: `${path.basename(f, '.sql')}: ${parsed.data.description}`, model: parsed.data.model, sql };
  });
};

const testKey = (t: { model: string; name: string }) => `${t.model}\t${t.name}`;

/**
 * The tests an incremental run must run again: those whose SQL names a table the run wrote
 * (`written`: models rebuilt, extracts reloaded) or an audit table of the load, and those that did
 * not pass in the run the database was copied from (a new test, say). The others read only rows
 * this run left as they were: their passing result stands.
 */
export const testsToRun = async (db: Database, tests: DataTest[], written: ReadonlySet<string>): Promise<DataTest[]> => {
  const [table] = await db.query<{ n: number }>("SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'audit' AND table_name = 'data_tests'");
  const passed = new Set(table?.n ? (await db.query<{ model: string; test: string }>('SELECT model, test FROM audit.data_tests WHERE failures = 0'))
    .map((r) => testKey({ model: r.model, name: r.test })) : []);
  const names = [...written].map((n) => n.toLowerCase());
  return tests.filter((t) => {
    const sql = t.sql.toLowerCase();
    return !passed.has(testKey(t)) || /\baudit\./.test(sql) || names.some((n) => sql.includes(n));
  });
};

/**
 * Runs `tests` and records their results in audit.data_tests; with `all` (an incremental run),
 * the results of the other tests of `all` are kept from the last run and returned as reused.
 */
export const runDataTests = async (db: Database, tests: DataTest[], all: DataTest[] = tests): Promise<DataTestResult[]> => {
  const kept = all.filter((t) => !tests.includes(t));
  if (!kept.length) {
    await db.exec(`CREATE OR REPLACE TABLE audit.data_tests (test VARCHAR, model VARCHAR, failures BIGINT, sample VARCHAR, ran_at TIMESTAMP DEFAULT current_timestamp)`);
  } else {
    await db.exec(`DELETE FROM audit.data_tests WHERE NOT list_contains([${kept.map((t) => literal(testKey(t))).join(', ')}], model || chr(9) || test)`);
  }
  const results: DataTestResult[] = kept.map((t) => ({ ...t, failures: 0, sample: [], reused: true }));
  const counts = await countFailures(db, tests);
  for (const [i, test] of tests.entries()) {
    const failures = counts[i]!;
    const sample = failures > 0 ? await db.query(`SELECT * FROM (${test.sql}\n) LIMIT 5`) : [];
    results.push({ ...test, failures, sample });
  }
  // One insert for all: an insert per test was most of the step's time (a commit each). The
  // sample rows are data: they go in as parameters, never as SQL text.
  const ran = results.filter((r) => !r.reused);
  for (let from = 0; from < ran.length; from += INSERT_BATCH) {
    const batch = ran.slice(from, from + INSERT_BATCH);
    await db.query(`INSERT INTO audit.data_tests (test, model, failures, sample) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
      batch.flatMap((r) => [r.name, r.model, r.failures, JSON.stringify(r.sample, (_, v) => (typeof v === 'bigint' ? Number(v) : v))]));
  }
  return results;
};

const INSERT_BATCH = 200;
/** Tests counted per query: one statement for many keeps DuckDB's per-query cost off each test. */
const COUNT_BATCH = 50;

/**
 * Each test's count of failing rows, in `tests` order. Tests are counted many per query; a query
 * that fails (a test's SQL no longer runs) is counted again test by test, so the error raised is
 * that test's own.
 */
const countFailures = async (db: Database, tests: DataTest[]): Promise<number[]> => {
  const counts: number[] = [];
  const one = async (t: DataTest) => Number((await db.query<{ n: number }>(`SELECT count(*) AS n FROM (${t.sql}\n)`))[0]?.n ?? 0);
  for (let from = 0; from < tests.length; from += COUNT_BATCH) {
    const batch = tests.slice(from, from + COUNT_BATCH);
    let rows: { i: number; n: number }[];
    try {
      rows = await db.query<{ i: number; n: number }>(batch.map((t, i) => `SELECT ${i} AS i, count(*) AS n FROM (${t.sql}\n)`).join('\nUNION ALL\n'));
    } catch {
      for (const t of batch) counts.push(await one(t));
      continue;
    }
    const byIndex = new Map(rows.map((r) => [Number(r.i), Number(r.n)]));
    for (let i = 0; i < batch.length; i++) counts.push(byIndex.get(i) ?? 0);
  }
  return counts;
};

export class DataTestFailure extends Error {
  override name = 'DataTestFailure';
  constructor(readonly failed: DataTestResult[]) {
    super(
      `${failed.length} data test(s) failed:\n` +
        failed.map((f) => `  ✗ ${f.model}: ${f.name} — ${f.failures} row(s), e.g.\n${f.sample.map((r) => `      ${JSON.stringify(r)}`).join('\n')}`).join('\n'),
    );
  }
}
