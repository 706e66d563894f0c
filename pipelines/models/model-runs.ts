/**
 * Each model's cost, kept in the database: `audit.model_runs`, one row per model per run (run id,
 * model, layer, when it started, seconds, CPU seconds, rows, memory). Kept so that a slow build can be read
 * after the fact (which model, how many rows, how much memory) and so that the benchmark can
 * name the slowest models.
 *
 * Memory: DuckDB keeps no per-query peak. Two figures are recorded instead:
 * - `peak_rss_bytes`: the peak resident memory of this process (Node + DuckDB) while the model
 *   ran, sampled every 50 ms (DuckDB runs the statement off the main thread, so the sampler keeps
 *   ticking); a model shorter than the interval gets the RSS at its start and end;
 * - `duckdb_memory_bytes`: the memory DuckDB's buffer manager holds right after the model
 *   (Σ `memory_usage_bytes` of `duckdb_memory()`): what the model left in memory, not its peak.
 */
import { literal, type Database } from '../db/duckdb.js';
import type { ModelResult } from './run-models.js';

/** How many runs the table keeps (incremental runs append; a full build starts a new database). */
export const MODEL_RUNS_KEPT = 20;

const DDL = `CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.model_runs (
  run_id VARCHAR NOT NULL,
  model VARCHAR NOT NULL,
  layer VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL, -- UTC
  seconds DOUBLE NOT NULL,
  -- CPU time of this process (DuckDB's threads included) while the model ran: unlike the wall
  -- time, it barely moves when other work shares the machine.
  cpu_seconds DOUBLE,
  rows BIGINT NOT NULL,
  -- Kept from the previous run by an incremental build: no time, the table's rows.
  reused BOOLEAN NOT NULL,
  peak_rss_bytes BIGINT,
  duckdb_memory_bytes BIGINT
)`;

export interface ModelCost {
  startedAt: Date;
  seconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  duckdbMemoryBytes: number;
}

/** Runs `work` (one model's statement) and measures its time and memory. */
export const measureModel = async (db: Database, work: () => Promise<void>): Promise<ModelCost> => {
  const startedAt = new Date();
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const from = performance.now();
  const cpuFrom = process.cpuUsage();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - from) / 1000;
  const cpu = process.cpuUsage(cpuFrom);
  peak = Math.max(peak, process.memoryUsage.rss());
  const [held] = await db.query<{ bytes: number | bigint | null }>('SELECT sum(memory_usage_bytes)::BIGINT AS bytes FROM duckdb_memory()');
  return { startedAt, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssBytes: peak, duckdbMemoryBytes: Number(held?.bytes ?? 0) };
};

/** A model's result as the runner reports it (`run-models.ts`), one row of audit.model_runs. */
export type ModelRunRow = Omit<ModelResult, 'layer'> & { layer: string };

/** A moment as a UTC TIMESTAMP literal's text (no time zone extension needed). */
const utc = (at: Date) => at.toISOString().replace('T', ' ').replace('Z', '');

/** Appends one row per model of this run, in one statement, and keeps the last MODEL_RUNS_KEPT runs. */
export const recordModelRuns = async (db: Database, runId: string, rows: readonly ModelRunRow[]) => {
  // A database built before a column was added keeps its table: the column is added, and rows are
  // inserted by column name.
  await db.exec(`${DDL};
ALTER TABLE audit.model_runs ADD COLUMN IF NOT EXISTS cpu_seconds DOUBLE;`);
  if (!rows.length) return;
  const now = new Date();
  const values = rows.map((r) => `(${literal(runId)}, ${literal(r.model)}, ${literal(r.layer)}, ${literal(utc(r.startedAt ?? now))}::TIMESTAMP,
    ${r.seconds}, ${r.cpuSeconds ?? 'NULL'}, ${r.rows}, ${r.reused ? 'true' : 'false'}, ${r.peakRssBytes ?? 'NULL'}, ${r.duckdbMemoryBytes ?? 'NULL'})`);
  await db.exec(`INSERT INTO audit.model_runs (run_id, model, layer, started_at, seconds, cpu_seconds, rows, reused, peak_rss_bytes, duckdb_memory_bytes)
    VALUES ${values.join(',\n')};
    DELETE FROM audit.model_runs WHERE run_id NOT IN (
      SELECT run_id FROM audit.model_runs GROUP BY run_id ORDER BY max(started_at) DESC LIMIT ${MODEL_RUNS_KEPT})`);
};
