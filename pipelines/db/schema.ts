/**
 * Kysely's view of the warehouse: the `raw` tables typed from the source contract, and the audit
 * tables the loader writes. Model tables are added by the models layer.
 */
import type { ExtractRows } from '../contract/index.js';

export type RawTables = { [K in keyof ExtractRows as `raw.${K}`]: ExtractRows[K] };

export interface RejectRow {
  extract: string;
  source_file: string;
  row_number: number;
  line_number: number | null;
  column_name: string;
  value: string | null;
  reason: string;
}

export interface LoadSummaryRow {
  extract: string;
  system: string;
  status: 'loaded' | 'not_provided';
  files: string[];
  format: string | null;
  delimiter: string | null;
  decimal_mark: string | null;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  extra_columns: string[];
  seconds: number;
  loaded_at: string;
  /** How each file's text was decoded, in the order of `files` (NULL in databases built before it existed). */
  encodings: string[] | null;
}

/** A line of a source file changed while reading (NUL bytes removed): the row loaded, and this says so. */
export interface ReadNoteRow {
  extract: string;
  source_file: string;
  line_number: number;
  note: string;
}

export type WarehouseTables = RawTables & {
  'audit.rejects': RejectRow;
  'audit.load_summary': LoadSummaryRow;
  'audit.read_notes': ReadNoteRow;
};
