/**
 * The dated history of the open pipeline and of the forecast (issue 28, "week over week"): every
 * build appends, in the schema `history` of its candidate database, a snapshot of the deals open
 * at its day (`intermediate.int_open_deals`) and of the forecast shown (`marts.forecast_landing`).
 *
 * - The snapshot's day is the build's reference day, or its `--as-of` day: builds of past exports
 *   seed the history with snapshots dated when those exports stood.
 * - A day holds one snapshot. Its fingerprint (an md5 of the rows, computed in DuckDB) tells a
 *   rebuild of the same data (nothing written) from a corrected export of the same day (that day's
 *   snapshot replaced, and the run says so).
 * - The history lives in the database, so it is published with the release or not at all: an
 *   interrupted build adds nothing. A build starting from a fresh database (`--full`, a first
 *   build after a layout change) carries the published history over first (`carryHistory`).
 */
import fs from 'node:fs';
import { literal, type Database } from '../db/duckdb.js';

/** The history tables, created empty when missing; the columns the marts read. */
const HISTORY_TABLES = `
CREATE SCHEMA IF NOT EXISTS history;
-- The snapshot this build's database shows (its own): the marts compare it with an earlier one.
CREATE TABLE IF NOT EXISTS history.build_snapshot (snapshot_day DATE);
CREATE TABLE IF NOT EXISTS history.snapshots (
  snapshot_day DATE, fingerprint VARCHAR, recorded_at TIMESTAMP,
  open_deals BIGINT, pipeline_amount DOUBLE, weighted_amount DOUBLE);
CREATE TABLE IF NOT EXISTS history.pipeline_deals (
  snapshot_day DATE, opportunity_id VARCHAR, opportunity_name VARCHAR, account_id VARCHAR, account_name VARCHAR,
  owner_seller_id VARCHAR, segment VARCHAR, stage VARCHAR, amount DOUBLE, weighted_amount DOUBLE,
  expected_close_at DATE, expected_close_source VARCHAR, expected_close_quarter VARCHAR, forecast_category VARCHAR);
CREATE TABLE IF NOT EXISTS history.forecast (
  snapshot_day DATE, period_type VARCHAR, period_start DATE, period_end DATE, period_label VARCHAR,
  scope_type VARCHAR, scope VARCHAR, method VARCHAR, forecast DOUBLE, p10 DOUBLE, p90 DOUBLE);
`;

export const HISTORY_TABLE_NAMES = ['snapshots', 'pipeline_deals', 'forecast'] as const;

export const createHistoryTables = (db: Database) => db.exec(HISTORY_TABLES);

export type SnapshotOutcome =
  | { day: string; written: 'added' | 'replaced'; openDeals: number; pipelineAmount: number }
  | { day: string; written: 'unchanged' };

/**
 * The snapshot of this build, staged in temp tables (the same SELECTs feed the fingerprint and the
 * insert). The forecast and the weighted amounts are kept to the cent (a deal's amount as it is):
 * the forecast's sums, added up by several threads in any order, differ between two builds of the
 * same data by a few billionths of a euro, which made every rebuild look like new data (measured
 * on the sample company: 2e-9 to 4e-9 € on the company's and segments' forecasts).
 */
const stageSnapshot = async (db: Database, day: string) => {
  await db.exec(`CREATE OR REPLACE TEMP TABLE new_pipeline_deals AS
    SELECT CAST(${literal(day)} AS DATE) AS snapshot_day, opportunity_id, opportunity_name, account_id, account_name,
      owner_seller_id, segment, stage, CAST(amount AS DOUBLE) AS amount, round(CAST(weighted_amount AS DOUBLE), 2) AS weighted_amount,
      CAST(expected_close_at AS DATE) AS expected_close_at, expected_close_source, CAST(expected_close_quarter AS VARCHAR) AS expected_close_quarter,
      forecast_category
    FROM intermediate.int_open_deals`);
  // The forecast shown (one method per scope); sellers' scopes stay out: the company, teams and segments.
  await db.exec(`CREATE OR REPLACE TEMP TABLE new_forecast AS
    SELECT CAST(${literal(day)} AS DATE) AS snapshot_day, period_type, CAST(period_start AS DATE) AS period_start,
      CAST(period_end AS DATE) AS period_end, period_label, scope_type, scope, method,
      round(CAST(forecast AS DOUBLE), 2) AS forecast, round(CAST(p10 AS DOUBLE), 2) AS p10, round(CAST(p90 AS DOUBLE), 2) AS p90
    FROM marts.forecast_landing WHERE is_shown AND scope_type IN ('Entreprise', 'Équipe', 'Segment')`);
  const [row] = await db.query<{ fingerprint: string; open_deals: number; pipeline_amount: number; weighted_amount: number | null }>(`
    SELECT md5(coalesce((SELECT string_agg(CAST(d AS VARCHAR), '|' ORDER BY CAST(d AS VARCHAR)) FROM (SELECT * EXCLUDE (snapshot_day) FROM new_pipeline_deals) d), '')
             || '#' || coalesce((SELECT string_agg(CAST(f AS VARCHAR), '|' ORDER BY CAST(f AS VARCHAR)) FROM (SELECT * EXCLUDE (snapshot_day) FROM new_forecast) f), '')) AS fingerprint,
      (SELECT count(*) FROM new_pipeline_deals) AS open_deals,
      (SELECT coalesce(sum(amount), 0) FROM new_pipeline_deals) AS pipeline_amount,
      (SELECT sum(weighted_amount) FROM new_pipeline_deals) AS weighted_amount`);
  return row!;
};

/**
 * Appends this build's snapshot dated `day` (YYYY-MM-DD), after the models it reads were built.
 * Runs in the candidate database: published with it, or lost with it.
 */
export const recordSnapshot = async (db: Database, day: string): Promise<SnapshotOutcome> => {
  await createHistoryTables(db);
  const staged = await stageSnapshot(db, day);
  const [existing] = await db.query<{ fingerprint: string }>(`SELECT fingerprint FROM history.snapshots WHERE snapshot_day = CAST(${literal(day)} AS DATE)`);
  const dayLiteral = `CAST(${literal(day)} AS DATE)`;
  await db.exec(`DELETE FROM history.build_snapshot; INSERT INTO history.build_snapshot VALUES (${dayLiteral})`);
  if (existing?.fingerprint === staged.fingerprint) return { day, written: 'unchanged' };
  await db.exec(`BEGIN TRANSACTION;
    DELETE FROM history.snapshots WHERE snapshot_day = ${dayLiteral};
    DELETE FROM history.pipeline_deals WHERE snapshot_day = ${dayLiteral};
    DELETE FROM history.forecast WHERE snapshot_day = ${dayLiteral};
    INSERT INTO history.pipeline_deals BY NAME SELECT * FROM new_pipeline_deals;
    INSERT INTO history.forecast BY NAME SELECT * FROM new_forecast;
    INSERT INTO history.snapshots BY NAME SELECT ${dayLiteral} AS snapshot_day, ${literal(staged.fingerprint)} AS fingerprint,
      CAST(now() AS TIMESTAMP) AS recorded_at, ${Number(staged.open_deals)} AS open_deals,
      ${Number(staged.pipeline_amount)} AS pipeline_amount, ${staged.weighted_amount == null ? 'NULL' : Number(staged.weighted_amount)} AS weighted_amount;
    COMMIT;
    DROP TABLE new_pipeline_deals; DROP TABLE new_forecast;`);
  return { day, written: existing ? 'replaced' : 'added', openDeals: Number(staged.open_deals), pipelineAmount: Number(staged.pipeline_amount) };
};

export type CarryOutcome = { carried: number } | { carried: 0; lost: string } | { carried: 0; none: true };

/**
 * A candidate starting from a fresh database (a full build) copies the history of the published
 * database first, so that history survives `--full`. A published database that cannot be read is
 * reported (its history is not carried) rather than stopping the build.
 */
export const carryHistory = async (db: Database, publishedDatabase: string): Promise<CarryOutcome> => {
  await createHistoryTables(db);
  if (!fs.existsSync(publishedDatabase)) return { carried: 0, none: true };
  try {
    await db.exec(`ATTACH ${literal(fs.realpathSync(publishedDatabase))} AS published_history (READ_ONLY)`);
  } catch (error) {
    return { carried: 0, lost: (error as Error).message.split('\n')[0]! };
  }
  try {
    const present = await db.query<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE database_name = 'published_history' AND schema_name = 'history'`);
    const names = new Set(present.map((p) => p.name));
    if (!names.has('snapshots')) return { carried: 0, none: true };
    await db.exec('BEGIN TRANSACTION');
    try {
      for (const table of HISTORY_TABLE_NAMES) {
        if (!names.has(table)) continue;
        await db.exec(`DELETE FROM history.${table}; INSERT INTO history.${table} BY NAME SELECT * FROM published_history.history.${table}`);
      }
      await db.exec('COMMIT');
    } catch (error) {
      // A history that cannot be copied (unreadable, or of columns this version does not know): none carried.
      await db.exec('ROLLBACK');
      return { carried: 0, lost: (error as Error).message.split('\n')[0]! };
    }
    const [row] = await db.query<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM history.snapshots');
    return { carried: row!.n };
  } finally {
    await db.exec('DETACH published_history');
  }
};
