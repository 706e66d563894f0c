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
import { lineOfRecord, releaseCsv } from './csv-input.js';
import { checkPrecision, overPrecisionSql } from './input-checks.js';

export interface LoadSummary {
  extract: string;
  system: string;
  status: 'loaded' | 'not_provided';
  files: string[];
  format: string;
  delimiter: string;
  decimal: string;
  /** How each file's text was decoded, in the order of `files`. */
  encodings: string[];
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
  /** Read files that extracts.yaml or a symlink places outside `extractsDir` (default: refuse). */
  allowOutsidePaths?: boolean;
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
  loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
  encodings VARCHAR[]
);
CREATE OR REPLACE TABLE audit.read_notes (
  extract VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  line_number BIGINT NOT NULL,
  note VARCHAR NOT NULL
);`;

const createRawTable = (db: Database, extract: Extract) =>
  db.exec(`CREATE OR REPLACE TABLE ${rawTable(extract.name)} (${columnsOf(extract).map((c) => `${ident(c.name)} ${c.duckdbType}`).join(', ')})`);

/** Helper columns the typed table carries until the checks are done; dropped from raw.<extract>. */
const HELPERS = { file: '_f', record: '_r', errors: '_errors', extra: '_x', precision: '_p' } as const;

/**
 * Physical CSV line of each reject, from where the scan saw each record start (record number +
 * the shift in force from that record on): no second read of the file.
 */
const fillLineNumbers = async (db: Database, extract: string, read: ReadResult) => {
  for (const [index, source] of read.files.entries()) {
    if (!source.prepared) continue;
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM audit.rejects WHERE extract = ${literal(extract)} AND source_file = ${literal(source.file)} AND line_number IS NULL`);
    if (n === 0) continue;
    const shifts = `scratch.${ident(`shifts_${extract}_${index}`)}`;
    await db.exec(`CREATE OR REPLACE TABLE ${shifts} (record BIGINT, shift BIGINT)`);
    for (let i = 0; i < source.prepared.shifts.length; i += 1000) {
      await db.exec(`INSERT INTO ${shifts} VALUES ${source.prepared.shifts.slice(i, i + 1000).map((x) => `(${x.record}, ${x.shift})`).join(', ')}`);
    }
    await db.exec(`
      UPDATE audit.rejects r SET line_number = r.row_number + s.shift
        FROM (SELECT r2.rowid AS id, s.shift FROM audit.rejects r2 ASOF JOIN ${shifts} s ON r2.row_number >= s.record
               WHERE r2.extract = ${literal(extract)} AND r2.source_file = ${literal(source.file)} AND r2.line_number IS NULL) s
       WHERE r.rowid = s.id`);
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
  // `_p` names the columns of a row whose numbers carry more decimals than the column keeps. CSV
  // only: that is text as the user wrote it, where Parquet's floating-point values carry binary noise.
  const precision = read.format === 'csv' ? overPrecisionSql(columns, options.decimal, read.native) : undefined;
  const passThrough = [HELPERS.file, ...(read.format === 'parquet' ? [HELPERS.record] : [HELPERS.extra]), ...(precision ? [HELPERS.precision] : [])];
  const select = (relation: string) =>
    typedSelectSql(extract, columns, precision ? `(SELECT *, ${precision} AS ${HELPERS.precision} FROM ${relation})` : relation, options, read.native, passThrough);
  if (read.format === 'parquet') {
    // Each row carries its own record number: the files can be read together, in any order.
    const union = read.files.map((f) => `SELECT * FROM ${f.relation(true)}`).join(' UNION ALL ');
    const rows = changed(await db.query(`CREATE OR REPLACE TABLE ${target} AS ${select(`(${union})`)}`)
      .catch(async (error: unknown) => { throw await parquetReadError(db, read, error); }));
    return { rows, offsets: read.files.map(() => 0), helpers: passThrough };
  }
  let rows = 0;
  const offsets: number[] = [];
  for (const [index, source] of read.files.entries()) {
    offsets.push(rows);
    const statement = index === 0 ? `CREATE OR REPLACE TABLE ${target} AS` : `INSERT INTO ${target}`;
    const got = await withCsvFallback(async (parallel) => changed(await db.query(`${statement} ${select(source.relation(parallel))}`)))
      .catch((error: unknown) => { throw csvReadError(source.file, error, source.prepared?.readable); });
    // The parser must return exactly the records the independent scan counted.
    const expected = source.prepared!.records;
    if (got !== expected) {
      const line = lineOfRecord(source.prepared!, Math.min(got, expected) + 1);
      throw new ExtractError(`${source.file}: DuckDB's CSV reader returned ${got.toLocaleString('en')} records but the file holds ` +
        `${expected.toLocaleString('en')} (counted from its lines and quotes); the first line concerned is around line ${line}. ` +
        'Check the quoting there (a quote inside a field must be doubled: ""), or export the file again.');
    }
    rows += got;
  }
  return { rows, offsets, helpers: passThrough };
};

/** A Parquet file DuckDB cannot read to the end: name the first one that fails (error path only). */
const parquetReadError = async (db: Database, read: ReadResult, error: unknown): Promise<Error> => {
  const reason = (error as Error).message.split('\n')[0];
  for (const source of read.files) {
    try {
      await db.exec(`CREATE OR REPLACE TEMP TABLE _probe AS SELECT * FROM ${source.relation(true)}; DROP TABLE _probe;`);
    } catch (probe) {
      return new ExtractError(`${source.file}: cannot read as Parquet (${(probe as Error).message.split('\n')[0]}): the file is damaged or not Parquet. Export it again.`);
    }
  }
  return error instanceof Error ? new ExtractError(`Cannot read the Parquet files of this extract (${reason}).`) : new Error(String(error));
};

const loadOne = async (
  db: Database, extract: Extract, config: ExtractsConfig, options: LoadOptions, provided: Set<string>,
): Promise<LoadSummary> => {
  const started = performance.now();
  const columns = columnsOf(extract);
  const base = { extract: extract.name, system: extract.system, extraColumns: [] as string[] };

  const located = locateExtract(options.extractsDir, extract, config, { allowOutside: options.allowOutsidePaths });
  if (!located) {
    if (config.notProvided.includes(extract.name as never)) {
      if (extract.core) throw new ExtractError(`Extract "${extract.name}" is core to every KPI and cannot be declared notProvided.`);
      await createRawTable(db, extract);
      return { ...base, status: 'not_provided', files: [], format: '', delimiter: '', decimal: '', encodings: [], rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, seconds: 0 };
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
  const { rows: rowsRead, offsets, helpers } = await typeIntoRaw(db, extract, read, {
    decimal: read.dialect.decimal,
    dateFormats: read.dialect.dateFormats,
    timestampFormats: read.dialect.timestampFormats,
    asOf: options.asOf,
  });
  const encodings = read.files.map((f) => f.encoding);
  options.reporter.detail(`${extract.name}: ${rowsRead.toLocaleString('en')} rows read from ${located.files.length} ${located.format} file(s)` +
    (located.format === 'csv' ? ` (delimiter "${read.dialect.delimiter}", decimal "${read.dialect.decimal}", encoding ${[...new Set(encodings)].join(' / ')})` : ''));

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
  const whereRow = async (rowid: number) => {
    const [row] = await db.query<{ file: string; record: number }>(`SELECT ${fileOf} AS file, ${recordOf} AS record FROM ${target} WHERE rowid = ${rowid}`);
    const prepared = read.files.find((f) => f.file === row?.file)?.prepared;
    return `${row?.file}, ${prepared ? `line ${lineOfRecord(prepared, row!.record)}` : `row ${row?.record}`}`;
  };
  if (helpers.includes(HELPERS.precision)) {
    await checkPrecision(db, target, HELPERS.precision, columns, read.dialect.decimal, whereRow, (message) => new ExtractError(message));
  }
  // Records the reader could not take as they are: the scan's malformed ones (read as empty
  // placeholders, whose own errors are meaningless) and those with more fields than the header.
  const malformed = `scratch.${ident(`malformed_${extract.name}`)}`;
  await db.exec(`CREATE OR REPLACE TABLE ${malformed} (_rid BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)`);
  for (const [index, source] of read.files.entries()) {
    const bad = source.prepared?.malformed ?? [];
    for (let i = 0; i < bad.length; i += 1000) {
      await db.exec(`INSERT INTO ${malformed} VALUES ${bad.slice(i, i + 1000)
        .map((m) => `(${offsets[index]! + m.record - 1}, '(record)', NULL, ${literal(`malformed record: ${m.reason}`)})`).join(', ')}`);
    }
  }
  if (read.format === 'csv') {
    await db.exec(`INSERT INTO ${malformed} SELECT rowid, '(record)', ${HELPERS.extra},
        'more fields than the header has columns (' || (${sqlList(read.files.map((f) => String(f.prepared!.header.length)))}[${HELPERS.file} + 1]) ||
        '): a delimiter inside a value that is not quoted? The extra value is shown'
      FROM ${target} WHERE ${HELPERS.extra} IS NOT NULL AND rowid NOT IN (SELECT _rid FROM ${malformed})`);
  }
  const failures = changed(await db.query(`CREATE OR REPLACE TABLE ${rejected} AS
    SELECT * FROM (
      SELECT _rid, e.column AS column_name, e.value, e.reason
        FROM (SELECT rowid AS _rid, unnest(${HELPERS.errors}) AS e FROM ${target} WHERE ${HELPERS.errors} IS NOT NULL)
       WHERE e IS NOT NULL
      ${setChecks.map((check) => `UNION ALL SELECT * FROM (${check})`).join('\n      ')}
    ) WHERE _rid NOT IN (SELECT _rid FROM ${malformed} WHERE column_name = '(record)' AND value IS NULL)
    UNION ALL SELECT * FROM ${malformed}`));

  const name = literal(extract.name);
  if (failures > 0) {
    await db.exec(`INSERT INTO audit.rejects (extract, source_file, row_number, column_name, value, reason)
      SELECT ${name}, t._file, t._row, r.column_name, r.value, r.reason
        FROM ${rejected} r JOIN (SELECT rowid AS _rid, ${fileOf} AS _file, ${recordOf} AS _row FROM ${target}) t USING (_rid)`);
    if (located.format === 'csv') await fillLineNumbers(db, extract.name, read);
    await db.exec(`DELETE FROM ${target} WHERE rowid IN (SELECT _rid FROM ${rejected})`);
  }
  // Lines whose NUL bytes were removed: loaded, and said so.
  for (const source of read.files) {
    const lines = source.prepared?.nulLines ?? [];
    if (lines.length === 0) continue;
    await db.exec(`INSERT INTO audit.read_notes VALUES ${lines.map((l) => `(${name}, ${literal(source.file)}, ${l}, 'NUL byte(s) removed')`).join(', ')}`);
    options.reporter.detail(`${extract.name}: ${source.prepared!.nulBytes.toLocaleString('en')} NUL byte(s) removed from ${source.file}, ` +
      `on line(s) ${lines.slice(0, 10).join(', ')}${lines.length > 10 ? '…' : ''} (see audit.read_notes)`);
  }
  for (const source of read.files) if (source.prepared) releaseCsv(source.prepared);
  // Dropping a column shares the other columns' data: nothing is copied.
  await db.exec([...helpers, HELPERS.errors].map((helper) => `ALTER TABLE ${target} DROP COLUMN ${helper};`).join('\n'));

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
    encodings,
    rowsRead,
    rowsLoaded,
    rowsRejected,
    extraColumns: read.extraColumns,
    seconds: (performance.now() - started) / 1000,
  };
};

const recordSummary = (db: Database, s: LoadSummary) =>
  db.exec(`INSERT INTO audit.load_summary (extract, system, status, files, format, delimiter, decimal_mark, rows_read, rows_loaded, rows_rejected, extra_columns, seconds, encodings)
    VALUES (${literal(s.extract)}, ${literal(s.system)}, ${literal(s.status)}, [${s.files.map(literal).join(', ')}]::VARCHAR[],
      ${literal(s.format)}, ${literal(s.delimiter)}, ${literal(s.decimal)}, ${s.rowsRead}, ${s.rowsLoaded}, ${s.rowsRejected},
      [${s.extraColumns.map(literal).join(', ')}]::VARCHAR[], ${s.seconds}, ${sqlList(s.encodings)}::VARCHAR[])`);

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
      DELETE FROM audit.load_summary WHERE NOT list_contains(${kept}, extract);
      ALTER TABLE audit.load_summary ADD COLUMN IF NOT EXISTS encodings VARCHAR[];
      CREATE TABLE IF NOT EXISTS audit.read_notes (extract VARCHAR NOT NULL, source_file VARCHAR NOT NULL, line_number BIGINT NOT NULL, note VARCHAR NOT NULL);
      DELETE FROM audit.read_notes WHERE NOT list_contains(${kept}, extract);`);
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
    rows_read: number; rows_loaded: number; rows_rejected: number; extra_columns: string[]; encodings: string[] | null;
  }>(`SELECT system, status, files, format, delimiter, decimal_mark, rows_read, rows_loaded, rows_rejected, extra_columns, encodings
      FROM audit.load_summary WHERE extract = ${literal(extract)}`);
  if (!row) throw new Error(`Extract "${extract}" was to be kept from the previous run, but that run recorded no load for it.`);
  return {
    extract, system: row.system, status: row.status, files: row.files, format: row.format ?? '', delimiter: row.delimiter ?? '',
    decimal: row.decimal_mark ?? '', encodings: row.encodings ?? [], rowsRead: row.rows_read, rowsLoaded: row.rows_loaded, rowsRejected: row.rows_rejected,
    extraColumns: row.extra_columns, seconds: 0,
  };
};
