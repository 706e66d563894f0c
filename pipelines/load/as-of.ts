/**
 * `--as-of DAY` over a full export: after the load, the validated raw tables are rewritten as the
 * company stood at the end of DAY (pipelines/load/point-in-time.ts, the reading `--export-date`
 * gives the sample). Rows that did not exist yet are neither rejected nor held out: they are out of
 * scope, one row each in `audit.after_as_of` (record and money), counted per extract in
 * `audit.load_summary.rows_after_as_of` and `audit.money` (rows_after_as_of, amount_after_as_of),
 * so the money still ties out: read = loaded + held out + after the as-of day.
 *
 * Limits, said here and in docs/loading.md ("As it stood on a day"): a row rejected at load stays rejected (held out) even when
 * it is dated after DAY (its date may be what could not be read); a deal's amount is the exported
 * one (no amount history in the contract).
 */
import { EXTRACTS, type ExtractName } from '../contract/index.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import { keepParentCurrencies, moneyOfRows } from './money.js';
import { missingStageHistorySql, pointInTimeSteps } from './point-in-time.js';
import { ExtractError } from './read.js';
import { rawTable, recordKeyOf } from './load-extracts.js';

export const AFTER_AS_OF_DDL = `
CREATE OR REPLACE TABLE audit.after_as_of (
  extract VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  record_key VARCHAR,
  amount DECIMAL(18, 2),
  currency VARCHAR,
  amount_reporting DECIMAL(18, 2)
);`;

export interface AfterAsOf {
  extract: string;
  rows: number;
}

const cutTable = (extract: string) => `scratch.${ident(`as_of_${extract}`)}`;
const afterTable = (extract: string) => `scratch.${ident(`after_as_of_${extract}`)}`;

/** Stops when deals open on the day and closed later cannot be put back at their stage of that day. */
const assertRewindable = async (db: Database, day: string, source: (name: ExtractName) => string | undefined) => {
  const [row] = await db.query<{ deals: number }>(missingStageHistorySql(day, { source }));
  const deals = Number(row?.deals ?? 0);
  if (deals === 0) return;
  const what = source('opportunity_stage_history')
    ? `the extract opportunity_stage_history has no stage entered by the end of ${day} for ${deals} deal(s) that were open that day and closed later`
    : `${deals} deal(s) were open on ${day} and closed later, and the extract opportunity_stage_history was not provided`;
  throw new ExtractError(
    `--as-of ${day}: ${what}, so their stage on that day is unknown. ` +
    'Provide opportunity_stage_history (one row per stage entered: opportunity_id, stage, changed_at, including the first stage at creation), ' +
    'or build from an export made on that day, or choose a later --as-of day.');
};

/**
 * Rewrites every loaded raw table as it stood at the end of `day`; returns the rows left out per
 * extract (every extract loaded, zeros included).
 */
export const applyAsOf = async (db: Database, day: string): Promise<AfterAsOf[]> => {
  const loaded = new Set((await db.query<{ extract: string }>(
    `SELECT extract FROM audit.load_summary WHERE status = 'loaded'`)).map((r) => r.extract));
  const source = (name: ExtractName) => (loaded.has(name) ? rawTable(name) : undefined);
  await assertRewindable(db, day, source);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS scratch; ${AFTER_AS_OF_DDL}
    ALTER TABLE audit.load_summary ADD COLUMN IF NOT EXISTS rows_after_as_of BIGINT DEFAULT 0;
    UPDATE audit.load_summary SET rows_after_as_of = 0;`);
  const steps = pointInTimeSteps(day, { source, target: cutTable });
  // Every cut reads the full tables: all are computed before any raw table is replaced.
  for (const step of steps) {
    await db.exec(`${step.create}; CREATE OR REPLACE TABLE ${afterTable(step.extract)} AS ${step.outOfScope}`);
  }
  // Invoice lines take their currency from their invoice: from the full invoices, before the swap.
  if (loaded.has('invoices')) await keepParentCurrencies(db, EXTRACTS.find((e) => e.name === 'invoices')!, rawTable('invoices'));
  const left: AfterAsOf[] = [];
  for (const step of steps) {
    const extract = EXTRACTS.find((e) => e.name === step.extract)!;
    const after = afterTable(step.extract);
    await db.exec(`INSERT INTO audit.after_as_of
      SELECT ${literal(step.extract)}, DATE ${literal(day)}, ${recordKeyOf(extract, 't')}, m._amount, m._currency, m._amount_reporting
      FROM ${after} t JOIN (${moneyOfRows(extract, after)}) m ON m._rid = t.rowid`);
    const [count] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${after}`);
    left.push({ extract: step.extract, rows: Number(count?.n ?? 0) });
  }
  for (const step of steps) {
    const name = literal(step.extract);
    await db.exec(`CREATE OR REPLACE TABLE ${rawTable(step.extract)} AS SELECT * FROM ${cutTable(step.extract)};
      UPDATE audit.load_summary SET rows_after_as_of = (SELECT count(*) FROM audit.after_as_of WHERE extract = ${name}),
        rows_loaded = (SELECT count(*) FROM ${rawTable(step.extract)}) WHERE extract = ${name};
      -- A flag on a row that was not there yet is not a flag of this build.
      DELETE FROM audit.flags WHERE extract = ${name} AND record_key IN (SELECT record_key FROM audit.after_as_of WHERE extract = ${name});`);
  }
  await moveMoneyAfterAsOf(db);
  await db.exec('DROP SCHEMA scratch CASCADE');
  return left;
};

/** audit.money: the money of the rows after the day moves from loaded to its own columns; flagged is counted again. */
const moveMoneyAfterAsOf = (db: Database) => db.exec(`
  UPDATE audit.money m SET
    rows_loaded = m.rows_loaded - a.n,
    amount_loaded = m.amount_loaded - a.amount,
    amount_loaded_reporting = m.amount_loaded_reporting - a.amount_reporting,
    rows_after_as_of = a.n,
    amount_after_as_of = a.amount,
    amount_after_as_of_reporting = a.amount_reporting
  FROM (SELECT extract, currency, count(*) AS n, coalesce(sum(amount), 0) AS amount, coalesce(sum(amount_reporting), 0) AS amount_reporting
        FROM audit.after_as_of GROUP BY ALL) a
  WHERE m.extract = a.extract AND m.currency IS NOT DISTINCT FROM a.currency;
  UPDATE audit.money m SET
    rows_flagged = coalesce((SELECT count(*) FROM (SELECT DISTINCT source_file, row_number FROM audit.flags f
      WHERE f.extract = m.extract AND f.currency IS NOT DISTINCT FROM m.currency)), 0),
    amount_flagged = coalesce((SELECT sum(amount) FROM (SELECT any_value(amount) AS amount FROM audit.flags f
      WHERE f.extract = m.extract AND f.currency IS NOT DISTINCT FROM m.currency GROUP BY source_file, row_number)), 0)
  WHERE m.extract IN (SELECT extract FROM audit.after_as_of);`);
