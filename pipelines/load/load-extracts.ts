/**
 * Loading a folder of extracts into the `raw` schema, in contract order, with every row either
 * loaded or in `audit.rejects` with its reason, and the counts reconciled per extract.
 */
import { EXTRACTS, type Extract } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import type { Reporter } from '../progress.js';
import { readExtractsConfig, type ExtractsConfig } from './extracts-config.js';
import { csvReadError, ExtractError, locateExtract, readExtract, withCsvFallback, type ReadResult } from './read.js';
import { setChecksSql, typedSelectSql, type TypingOptions } from './validate.js';

export interface LoadSummary {
  extract: string;
  system: string;
  status: 'loaded' | 'not_provided';
  files: string[];
  format: string;
  delimiter: string;
  decimal: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  extraColumns: string[];
  seconds: number;
}

export interface LoadOptions {
  extractsDir: string;
  /** Explicit extracts.yaml; default `<extractsDir>/extracts.yaml`. */
  configFile?: string;
  asOf: string;
  scratchDir: string;
  reporter: Reporter;
  /**
   * Extracts this database already holds from a previous run with the same inputs (incremental
   * rebuilds): their raw tables, rejects and load summary are kept as they are, not reloaded.
   */
  keep?: ReadonlySet<string>;
}

export const rawTable = (extract: string) => `raw.${ident(extract)}`;

const sqlList = (values: readonly string[]) => `[${values.map(literal).join(', ')}]`;

const AUDIT_DDL = `
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS scratch;
CREATE OR REPLACE TABLE audit.rejects (
  extract VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  row_number BIGINT NOT NULL,
  line_number BIGINT,
  column_name VARCHAR NOT NULL,
  value VARCHAR,
  reason VARCHAR NOT NULL
);
CREATE OR REPLACE TABLE audit.load_summary (
  extract VARCHAR PRIMARY KEY,
  system VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  files VARCHAR[] NOT NULL,
  format VARCHAR,
  delimiter VARCHAR,
  decimal_mark VARCHAR,
  rows_read BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  extra_columns VARCHAR[] NOT NULL,
  seconds DOUBLE NOT NULL,
  loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);`;

const createRawTable = (db: Database, extract: Extract) =>
  db.exec(`CREATE OR REPLACE TABLE ${rawTable(extract.name)} (${columnsOf(extract).map((c) => `${ident(c.name)} ${c.duckdbType}`).join(', ')})`);

/** Helper columns the typed table carries until the checks are done; dropped from raw.<extract>. */
const HELPERS = { file: '_f', record: '_r', errors: '_errors' } as const;

/**
 * Physical CSV line of each reject: header line + record number + line breaks inside earlier
 * records. Only run when a CSV file has rejects: the file is read once more for its line breaks.
 */
const fillLineNumbers = async (db: Database, extract: string, read: ReadResult) => {
  for (const [index, source] of read.files.entries()) {
    if (!source.lineBreaks) continue;
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM audit.rejects WHERE extract = ${literal(extract)} AND source_file = ${literal(source.file)}`);
    if (n === 0) continue;
    const breaks = `scratch.${ident(`breaks_${extract}_${index}`)}`;
    // Record order is kept, so rowid + 1 is the record number.
    await withCsvFallback((parallel) => db.exec(`CREATE OR REPLACE TABLE ${breaks} AS ${source.lineBreaks!(parallel)}`))
      .catch((error: unknown) => { throw csvReadError(source.file, error); });
    await db.exec(`
      WITH b AS (SELECT rowid + 1 AS _row, n FROM ${breaks} WHERE n > 0)
      UPDATE audit.rejects r SET line_number = 1 + r.row_number
        + coalesce((SELECT sum(b.n) FROM b WHERE b._row < r.row_number), 0)
      WHERE r.extract = ${literal(extract)} AND r.source_file = ${literal(source.file)}`);
  }
};

/** Count of rows a CREATE TABLE AS / INSERT reports. */
const changed = (rows: Record<string, unknown>[]) => Number(rows[0]?.Count ?? 0);

/**
 * Types the files straight into raw.<extract> in one pass (CSV read as text and typed in the same
 * statement; no staging copy), with helper columns: the file's index, for Parquet the record
 * number, and the row's errors. CSV record numbers are the table's rowids (files are appended in
 * record order). Returns the rows read and, per file, the rowid of its first row.
 */
const typeIntoRaw = async (db: Database, extract: Extract, read: ReadResult, options: TypingOptions) => {
  const columns = columnsOf(extract);
  const target = rawTable(extract.name);
  const passThrough = read.format === 'parquet' ? [HELPERS.file, HELPERS.record] : [HELPERS.file];
  const select = (relation: string) => typedSelectSql(extract, columns, relation, options, read.native, passThrough);
  if (read.format === 'parquet') {
    // Each row carries its own record number: the files can be read together, in any order.
    const union = read.files.map((f) => `SELECT * FROM ${f.relation(true)}`).join(' UNION ALL ');
    const rows = changed(await db.query(`CREATE OR REPLACE TABLE ${target} AS ${select(`(${union})`)}`));
    return { rows, offsets: read.files.map(() => 0) };
  }
  let rows = 0;
  const offsets: number[] = [];
  for (const [index, source] of read.files.entries()) {
    offsets.push(rows);
    const statement = index === 0 ? `CREATE OR REPLACE TABLE ${target} AS` : `INSERT INTO ${target}`;
    rows += await withCsvFallback(async (parallel) => changed(await db.query(`${statement} ${select(source.relation(parallel))}`)))
      .catch((error: unknown) => { throw csvReadError(source.file, error); });
  }
  return { rows, offsets };
};

const loadOne = async (
  db: Database, extract: Extract, config: ExtractsConfig, options: LoadOptions, provided: Set<string>,
): Promise<LoadSummary> => {
  const started = performance.now();
  const columns = columnsOf(extract);
  const base = { extract: extract.name, system: extract.system, extraColumns: [] as string[] };

  const located = locateExtract(options.extractsDir, extract, config);
  if (!located) {
    if (config.notProvided.includes(extract.name as never)) {
      if (extract.core) throw new ExtractError(`Extract "${extract.name}" is core to every KPI and cannot be declared notProvided.`);
      await createRawTable(db, extract);
      return { ...base, status: 'not_provided', files: [], format: '', delimiter: '', decimal: '', rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, seconds: 0 };
    }
    throw new ExtractError(
      `Missing extract "${extract.name}" in ${options.extractsDir}: expected ${extract.name}.csv, ${extract.name}.parquet ` +
        `or a ${extract.name}/ folder of Parquet files. Add it, point files.${extract.name}.path in extracts.yaml at it, ` +
        (extract.core ? 'it is required.' : `or list it under notProvided: in extracts.yaml if your company has no such data.`),
    );
  }
  if (config.notProvided.includes(extract.name as never)) {
    throw new ExtractError(`Extract "${extract.name}" is listed under notProvided in extracts.yaml but ${located.files[0]} exists: remove one or the other.`);
  }

  const read = await readExtract(db, located, extract, config, options.scratchDir);
  const target = rawTable(extract.name);
  const { rows: rowsRead, offsets } = await typeIntoRaw(db, extract, read, {
    decimal: read.dialect.decimal,
    dateFormats: read.dialect.dateFormats,
    timestampFormats: read.dialect.timestampFormats,
    asOf: options.asOf,
  });
  options.reporter.detail(`${extract.name}: ${rowsRead.toLocaleString('en')} rows read from ${located.files.length} ${located.format} file(s)` +
    (located.format === 'csv' ? ` (delimiter "${read.dialect.delimiter}", decimal "${read.dialect.decimal}")` : ''));

  // Where each row came from: file name and record number (1-based, header excluded).
  const fileOf = `${sqlList(read.files.map((f) => f.file))}[${HELPERS.file} + 1]`;
  const recordOf = read.format === 'parquet'
    ? `${HELPERS.record} + 1`
    : offsets.some((o) => o > 0) ? `rowid + 1 - [${offsets.join(', ')}][${HELPERS.file} + 1]` : 'rowid + 1';

  // Every failing row, by rowid: row-level errors, then the checks over sets of rows.
  const rejected = `scratch.${ident(`rejected_${extract.name}`)}`;
  const setChecks = setChecksSql(extract, columns, {
    valid: `(SELECT rowid AS _rid, ${fileOf} AS _file, ${recordOf} AS _row, * FROM ${target} WHERE ${HELPERS.errors} IS NULL)`,
    loadedTable: (other) => (provided.has(other) ? rawTable(other) : undefined),
    keyOf: (other) => EXTRACTS.find((e) => e.name === other)!.key,
  });
  const failures = changed(await db.query(`CREATE OR REPLACE TABLE ${rejected} AS
    SELECT _rid, e.column AS column_name, e.value, e.reason
      FROM (SELECT rowid AS _rid, unnest(${HELPERS.errors}) AS e FROM ${target} WHERE ${HELPERS.errors} IS NOT NULL)
     WHERE e IS NOT NULL
    ${setChecks.map((check) => `UNION ALL SELECT * FROM (${check})`).join('\n    ')}`));

  const name = literal(extract.name);
  if (failures > 0) {
    await db.exec(`INSERT INTO audit.rejects (extract, source_file, row_number, column_name, value, reason)
      SELECT ${name}, t._file, t._row, r.column_name, r.value, r.reason
        FROM ${rejected} r JOIN (SELECT rowid AS _rid, ${fileOf} AS _file, ${recordOf} AS _row FROM ${target}) t USING (_rid)`);
    if (located.format === 'csv') await fillLineNumbers(db, extract.name, read);
    await db.exec(`DELETE FROM ${target} WHERE rowid IN (SELECT _rid FROM ${rejected})`);
  }
  const helpers = read.format === 'parquet' ? [HELPERS.file, HELPERS.record, HELPERS.errors] : [HELPERS.file, HELPERS.errors];
  // Dropping a column shares the other columns' data: nothing is copied.
  await db.exec(helpers.map((helper) => `ALTER TABLE ${target} DROP COLUMN ${helper};`).join('\n'));

  const [counts] = await db.query<{ loaded: number; rejected: number }>(`SELECT
      (SELECT count(*) FROM ${target}) AS loaded,
      (SELECT count(*) FROM (SELECT DISTINCT source_file, row_number FROM audit.rejects WHERE extract = ${name})) AS rejected`);
  const rowsLoaded = counts?.loaded ?? 0;
  const rowsRejected = counts?.rejected ?? 0;
  if (rowsLoaded + rowsRejected !== rowsRead) {
    throw new Error(`Row counts do not reconcile for "${extract.name}": read ${rowsRead}, loaded ${rowsLoaded}, rejected ${rowsRejected}.`);
  }
  return {
    ...base,
    status: 'loaded',
    files: located.files,
    format: located.format,
    delimiter: read.dialect.delimiter,
    decimal: read.dialect.decimal,
    rowsRead,
    rowsLoaded,
    rowsRejected,
    extraColumns: read.extraColumns,
    seconds: (performance.now() - started) / 1000,
  };
};

const recordSummary = (db: Database, s: LoadSummary) =>
  db.exec(`INSERT INTO audit.load_summary (extract, system, status, files, format, delimiter, decimal_mark, rows_read, rows_loaded, rows_rejected, extra_columns, seconds)
    VALUES (${literal(s.extract)}, ${literal(s.system)}, ${literal(s.status)}, [${s.files.map(literal).join(', ')}]::VARCHAR[],
      ${literal(s.format)}, ${literal(s.delimiter)}, ${literal(s.decimal)}, ${s.rowsRead}, ${s.rowsLoaded}, ${s.rowsRejected},
      [${s.extraColumns.map(literal).join(', ')}]::VARCHAR[], ${s.seconds})`);

/** Loads every extract of the contract from a folder; throws ExtractError on what the user must fix. */
export const loadExtracts = async (db: Database, options: LoadOptions): Promise<LoadSummary[]> => {
  const config = readExtractsConfig(options.extractsDir, options.configFile);
  const keep = options.keep ?? new Set<string>();
  if (keep.size === 0) {
    await db.exec(AUDIT_DDL);
  } else {
    const kept = `[${[...keep].map(literal).join(', ')}]::VARCHAR[]`;
    await db.exec(`CREATE SCHEMA IF NOT EXISTS scratch;
      DELETE FROM audit.rejects WHERE NOT list_contains(${kept}, extract);
      DELETE FROM audit.load_summary WHERE NOT list_contains(${kept}, extract);`);
  }
  const provided = new Set<string>();
  const summaries: LoadSummary[] = [];
  for (const extract of EXTRACTS) {
    const summary = keep.has(extract.name)
      ? await keptSummary(db, extract.name)
      : await options.reporter.step(`load ${extract.name}`, () => loadOne(db, extract, config, options, provided), { quiet: true });
    if (summary.status === 'loaded') provided.add(extract.name);
    summaries.push(summary);
    if (!keep.has(extract.name)) await recordSummary(db, summary);
  }
  await db.exec('DROP SCHEMA scratch CASCADE');
  return summaries;
};

/** The load summary a previous run recorded for an extract kept as it was (no time spent now). */
const keptSummary = async (db: Database, extract: string): Promise<LoadSummary> => {
  const [row] = await db.query<{
    system: string; status: 'loaded' | 'not_provided'; files: string[]; format: string; delimiter: string; decimal_mark: string;
    rows_read: number; rows_loaded: number; rows_rejected: number; extra_columns: string[];
  }>(`SELECT system, status, files, format, delimiter, decimal_mark, rows_read, rows_loaded, rows_rejected, extra_columns
      FROM audit.load_summary WHERE extract = ${literal(extract)}`);
  if (!row) throw new Error(`Extract "${extract}" was to be kept from the previous run, but that run recorded no load for it.`);
  return {
    extract, system: row.system, status: row.status, files: row.files, format: row.format ?? '', delimiter: row.delimiter ?? '',
    decimal: row.decimal_mark ?? '', rowsRead: row.rows_read, rowsLoaded: row.rows_loaded, rowsRejected: row.rows_rejected,
    extraColumns: row.extra_columns, seconds: 0,
  };
};
