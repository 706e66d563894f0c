/**
 * What a mapping did, for people and for the warehouse: per extract, rows in the export versus
 * rows written (and filtered, rejected, merged), and the rows the mapping itself rejected.
 * Kept in `audit.mapping_summary` and `audit.mapping_rejects`, beside the loader's own
 * `audit.load_summary` and `audit.rejects` (which then cover the rows the mapping wrote).
 */
import { literal, type Database } from '../db/duckdb.js';
import type { MappingResult } from './apply.js';

export const mappingSummaryRows = (result: MappingResult) => result.extracts.map((e) => ({
  extract: e.extract,
  mapping: e.mapping,
  'rows in': e.rowsIn,
  filtered: e.rowsFiltered,
  rejected: e.rowsRejected,
  merged: e.rowsMerged,
  written: e.rowsWritten,
}));

const values = <T>(rows: T[], render: (row: T) => string) => rows.map(render).join(',\n');

/** Writes the mapping's counts and rejects into the run's database (audit schema). */
export const recordMappingAudit = async (db: Database, result: MappingResult) => {
  await db.exec(`CREATE SCHEMA IF NOT EXISTS audit;
    CREATE OR REPLACE TABLE audit.mapping_summary (
      extract VARCHAR PRIMARY KEY, mapping VARCHAR NOT NULL, rows_in BIGINT NOT NULL, rows_filtered BIGINT NOT NULL,
      rows_rejected BIGINT NOT NULL, rows_merged BIGINT NOT NULL, rows_written BIGINT NOT NULL);
    CREATE OR REPLACE TABLE audit.mapping_rejects (
      mapping VARCHAR NOT NULL, extract VARCHAR NOT NULL, source_file VARCHAR NOT NULL, row_number BIGINT NOT NULL,
      column_name VARCHAR NOT NULL, value VARCHAR, reason VARCHAR NOT NULL);`);
  if (result.extracts.length) {
    await db.exec(`INSERT INTO audit.mapping_summary VALUES ${values(result.extracts, (e) =>
      `(${literal(e.extract)}, ${literal(e.mapping)}, ${e.rowsIn}, ${e.rowsFiltered}, ${e.rowsRejected}, ${e.rowsMerged}, ${e.rowsWritten})`)}`);
  }
  if (result.rejects.length) {
    await db.exec(`INSERT INTO audit.mapping_rejects VALUES ${values(result.rejects, (r) =>
      `(${literal(r.mapping)}, ${literal(r.extract)}, ${literal(r.source_file)}, ${r.row_number}, ${literal(r.column_name)}, ` +
      `${r.value === null ? 'NULL' : literal(r.value)}, ${literal(r.reason)})`)}`);
  }
};
