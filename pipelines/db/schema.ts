/**
 * Kysely's view of the warehouse: the `raw` tables typed from the source contract, and the audit
 * tables the loader writes. Model tables are added by the models layer.
 */
import type { ExtractRows } from '../contract/index.js';

export type RawTables = { [K in keyof ExtractRows as `raw.${K}`]: ExtractRows[K] };

/** A row of audit.rejects (held out: not loaded) or audit.flags (loaded with an explicit unknown). */
export interface RejectRow {
  extract: string;
  source_file: string;
  row_number: number;
  line_number: number | null;
  column_name: string;
  value: string | null;
  reason: string;
  /** The record's key as people search for it: `opportunity_id=O-17`. */
  record_key: string | null;
  /** The money the row carries, in its currency and in the reporting currency (NULL: no rate). */
  amount: number | null;
  currency: string | null;
  amount_reporting: number | null;
  /** The file and line the user exported (through a mapping, the vendor's file). */
  export_file: string | null;
  export_line: number | null;
}

/** Money of one extract and currency (audit.money): read = loaded + held out. */
export interface MoneyRow {
  extract: string;
  amount_column: string;
  currency: string | null;
  rows_read: number;
  amount_read: number;
  rows_unreadable: number;
  rows_loaded: number;
  amount_loaded: number;
  amount_loaded_reporting: number;
  rows_flagged: number;
  amount_flagged: number;
  rows_held_out: number;
  amount_held_out: number;
  amount_held_out_reporting: number;
  rows_held_out_unconverted: number;
  rows_after_as_of: number;
  amount_after_as_of: number;
  amount_after_as_of_reporting: number;
}

export interface FxRateRow {
  currency: string;
  month: string | null;
  rate: number;
  source: string;
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
  rows_flagged: number;
  date_orders: string[];
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
  'audit.flags': RejectRow;
  'audit.load_summary': LoadSummaryRow;
  'audit.money': MoneyRow;
  'audit.fx_rates': FxRateRow;
  'audit.read_notes': ReadNoteRow;
};
