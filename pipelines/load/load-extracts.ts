/**
 * Loading a folder of extracts into the `raw` schema, in contract order, with every row either
 * loaded or in `audit.rejects` with its reason, and the counts reconciled per extract.
 */
import { EXTRACTS, type Extract } from '../contract/index.js';
import { columnsOf, type ColumnSpec } from '../contract/derive.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import type { Reporter } from '../progress.js';
import { readExtractsConfig, type ExtractsConfig } from './extracts-config.js';
import { csvReadError, ExtractError, locateExtract, readExtract, withCsvFallback, type ReadResult } from './read.js';
import { setChecksSql, typedSelectSql, type TypingOptions } from './validate.js';
import { checkDateOrders, checkRejectedDates, provenOtherOrder, type DateOrderCheck } from './date-order.js';
import { buildFxRates, isCurrencyParent, keepParentCurrencies, moneyOfRows, MONEY_DDL, parentMoneyTable, recordMoney } from './money.js';
import { lineOfRecord, releaseCsv, writeShiftsTable } from './csv-input.js';
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
  /** Rows loaded with a value replaced by an explicit unknown (audit.flags). */
  rowsFlagged: number;
  /** Day/month order used for the slash dates of each date column that has some. */
  dateOrders: string[];
  extraColumns: string[];
  seconds: number;
  /** --as-of: rows that did not exist yet on that day, left out of `rowsLoaded` (audit.after_as_of). */
  rowsAfterAsOf?: number;
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

/** What every reject and flag says of its row: where it is, which record, and the money at stake. */
const ISSUE_COLUMNS = `
  extract VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  row_number BIGINT NOT NULL,
  line_number BIGINT,
  column_name VARCHAR NOT NULL,
  value VARCHAR,
  reason VARCHAR NOT NULL,
  record_key VARCHAR,
  amount DECIMAL(18, 2),
  currency VARCHAR,
  amount_reporting DECIMAL(18, 2),
  export_file VARCHAR,
  export_line BIGINT`;

export const AUDIT_DDL = `
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS scratch;
-- Rows not loaded: each reason of each row, with the record and the money it carries (held out).
CREATE OR REPLACE TABLE audit.rejects (${ISSUE_COLUMNS});
-- Rows loaded with a value replaced by an explicit unknown ("(non renseigné)", NULL).
CREATE OR REPLACE TABLE audit.flags (${ISSUE_COLUMNS});
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
  rows_flagged BIGINT NOT NULL DEFAULT 0,
  date_orders VARCHAR[] NOT NULL DEFAULT [],
  extra_columns VARCHAR[] NOT NULL,
  seconds DOUBLE NOT NULL,
  loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
  encodings VARCHAR[],
  -- --as-of: rows that did not exist yet on that day, left out (audit.after_as_of); loaded excludes them.
  rows_after_as_of BIGINT NOT NULL DEFAULT 0
);
CREATE OR REPLACE TABLE audit.read_notes (
  extract VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  line_number BIGINT NOT NULL,
  note VARCHAR NOT NULL
);
${MONEY_DDL}`;

const createRawTable = (db: Database, extract: Extract) =>
  db.exec(`CREATE OR REPLACE TABLE ${rawTable(extract.name)} (${columnsOf(extract).map((c) => `${ident(c.name)} ${c.duckdbType}`).join(', ')})`);

/** Helper columns the typed table carries until the checks are done; dropped from raw.<extract>. */
const HELPERS = {
  file: '_f', record: '_r', errors: '_errors', flags: '_flags', exportFile: '_sf', exportLine: '_sl', extra: '_x', short: '_s', sourceFlags: '_sfl', precision: '_p',
} as const;

/** The helper columns a read passes through typing: where each row came from, and its extra field (CSV). */
const helpersOf = (read: ReadResult) => [
  HELPERS.file,
  ...(read.format === 'parquet' ? [HELPERS.record] : [HELPERS.extra, HELPERS.short]),
  ...(read.provenance ? [HELPERS.exportFile, HELPERS.exportLine] : []),
  ...(read.sourceFlags ? [HELPERS.sourceFlags] : []),
];

/**
 * Physical CSV line of each reject and flag, from where the scan saw each record start (record
 * number + the shift in force from that record on): no second read of the file.
 */
const fillLineNumbers = async (db: Database, extract: string, read: ReadResult) => {
  for (const [index, source] of read.files.entries()) {
    if (!source.prepared) continue;
    const where = `extract = ${literal(extract)} AND source_file = ${literal(source.file)} AND line_number IS NULL`;
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM audit.rejects WHERE ${where}) + (SELECT count(*) FROM audit.flags WHERE ${where}) AS n`);
    if (n === 0) continue;
    const shifts = `scratch.${ident(`shifts_${extract}_${index}`)}`;
    await writeShiftsTable(db, shifts, source.prepared);
    for (const table of ['audit.rejects', 'audit.flags']) {
      await db.exec(`
        UPDATE ${table} r SET line_number = r.row_number + s.shift
          FROM (SELECT r2.rowid AS id, s.shift FROM ${table} r2 ASOF JOIN ${shifts} s ON r2.row_number >= s.record
                 WHERE r2.${where.replaceAll(' AND ', ' AND r2.')}) s
         WHERE r.rowid = s.id`);
    }
  }
};

/** Count of rows a CREATE TABLE AS / INSERT reports. */
const changed = (rows: Record<string, unknown>[]) => Number(rows[0]?.Count ?? 0);

/**
 * Types the files straight into raw.<extract> in one pass (CSV read as text and typed in the same
 * statement; no staging copy), with helper columns: the file's index, for Parquet the record
 * number, the export's file and line for mapped rows, and the row's errors and flags. CSV record
 * numbers are the table's rowids (files are appended in record order). Returns the rows read and,
 * per file, the rowid of its first row.
 */
const typeIntoRaw = async (db: Database, extract: Extract, columns: readonly ColumnSpec[], read: ReadResult, options: TypingOptions) => {
  const target = rawTable(extract.name);
  // `_p` names the columns of a row whose numbers carry more decimals than the column keeps. CSV
  // only: that is text as the user wrote it, where Parquet's floating-point values carry binary noise.
  const precision = read.format === 'csv' ? overPrecisionSql(columns, options.decimal, read.native) : undefined;
  const passThrough = [...helpersOf(read), ...(precision ? [HELPERS.precision] : [])];
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

/** What one run of the loader shares between extracts. */
interface LoadContext {
  config: ExtractsConfig;
  options: LoadOptions;
  provided: Set<string>;
  /** How each extract loaded by this run was read (line numbers are filled from it at the end). */
  reads: Map<string, ReadResult>;
}

/** The record's key as people search for it: `opportunity_id=O-17`. */
/** The record's key as people read it: `opportunity_id=O1` (rejects, flags, rows after the as-of day). */
export const recordKeyOf = (extract: Extract, alias: string) =>
  extract.key.map((k) => `'${k}=' || coalesce(CAST(${alias}.${ident(k)} AS VARCHAR), '(vide)')`).join(` || ', ' || `);

/**
 * Inserts issues (rejects or flags) for the rows listed in `issues` (_rid, column_name, value,
 * reason), each with its file, record, the export's file and line, its key and its money.
 */
const recordIssues = (db: Database, table: 'audit.rejects' | 'audit.flags', extract: Extract, issues: string, where: RowWhere) =>
  db.exec(`INSERT INTO ${table} (extract, source_file, row_number, column_name, value, reason, record_key, amount, currency, amount_reporting, export_file, export_line)
    SELECT ${literal(extract.name)}, t._file, t._row, i.column_name, i.value, i.reason, t._key, m._amount, m._currency, m._amount_reporting, t._sf, t._sl
      FROM ${issues} i
      JOIN (SELECT rowid AS _rid, ${where.file} AS _file, ${where.record} AS _row, ${recordKeyOf(extract, where.table)} AS _key,
                   ${where.exportFile} AS _sf, ${where.exportLine} AS _sl FROM ${where.table}) t USING (_rid)
      LEFT JOIN (${moneyOfRows(extract, where.table)}) m USING (_rid)`);

/**
 * The reason of a short record (`_s` fields where its file's header has more columns), over the
 * typed table's helper columns: rejected, with how to fix it, or (padShortRecords) loaded with its
 * missing fields taken as the last ones, named.
 */
const shortRecordSql = (extract: string, read: ReadResult, as: 'reject' | 'flag') => {
  const headers = `[${read.files.map((f) => sqlList(f.prepared!.header)).join(', ')}][${HELPERS.file} + 1]`;
  const counts = `'short record: ' || ${HELPERS.short} || ' field' || CASE WHEN ${HELPERS.short} = 1 THEN '' ELSE 's' END || ' where the header has ' || len(${headers}) || ' columns'`;
  return as === 'reject'
    ? `${counts} || ': a value left out shifts the next ones into the wrong columns. Complete the record (an empty value still needs its delimiter), ` +
      `or, if only its last values are missing, set padShortRecords: true under files.${extract} in extracts.yaml'`
    : `${counts} || ': read with its last ' || (len(${headers}) - ${HELPERS.short}) || ' field(s) missing (' || ` +
      `array_to_string(${headers}[${HELPERS.short} + 1:], ', ') || ') as unknown (padShortRecords in extracts.yaml)'`;
};

/** Where a row of the typed table came from, as SQL over its helper columns. */
interface RowWhere {
  table: string;
  file: string;
  record: string;
  exportFile: string;
  exportLine: string;
}

const loadOne = async (db: Database, extract: Extract, ctx: LoadContext): Promise<LoadSummary> => {
  const { config, options, provided } = ctx;
  const started = performance.now();
  // A company may tighten a descriptive column: its invalid values then reject the row.
  const tightened = new Set(config.reject[extract.name as keyof ExtractsConfig['reject']] ?? []);
  const columns = columnsOf(extract).map((c) => (tightened.has(c.name) ? { ...c, onInvalid: 'reject' as const, onMissing: 'reject' as const } : c));
  const base = { extract: extract.name, system: extract.system, extraColumns: [] as string[] };
  const notProvided = { ...base, status: 'not_provided' as const, files: [], format: '', delimiter: '', decimal: '', encodings: [], rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, rowsFlagged: 0, dateOrders: [], seconds: 0 };

  const located = locateExtract(options.extractsDir, extract, config, { allowOutside: options.allowOutsidePaths });
  if (!located) {
    if (config.notProvided.includes(extract.name as never) || extract.optional) {
      if (extract.core) throw new ExtractError(`Extract "${extract.name}" is core to every KPI and cannot be declared notProvided.`);
      await createRawTable(db, extract);
      return notProvided;
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
  ctx.reads.set(extract.name, read);
  const target = rawTable(extract.name);
  const typing: TypingOptions = {
    decimal: read.dialect.decimal,
    dateFormats: read.dialect.dateFormats,
    timestampFormats: read.dialect.timestampFormats,
    asOf: options.asOf,
    reportingCurrency: config.currency.reporting,
  };
  // Slash dates: the order used must be the data's, never a silent swap.
  const dateCheck: DateOrderCheck = {
    extract: extract.name,
    file: located.files.length === 1 ? located.files[0]! : `${located.files[0]} (and ${located.files.length - 1} more)`,
    relation: `(${read.files.map((f) => `SELECT * FROM ${f.relation(false)}`).join(' UNION ALL ')})`,
    columns: columns.filter((c) => (c.duckdbType === 'DATE' || c.duckdbType === 'TIMESTAMP') && !read.native.has(c.name)),
    dateFormats: read.dialect.dateFormats,
    timestampFormats: read.dialect.timestampFormats,
    explicit: config.explicitDateFormats === 'all' || config.explicitDateFormats.has(extract.name),
  };
  // The defaults' order turned round where the file proves the other one (read so, and said).
  const proven = await withCsvFallback(() => provenOtherOrder(db, dateCheck));
  if (proven) {
    Object.assign(dateCheck, proven);
    Object.assign(typing, { dateFormats: proven.dateFormats, timestampFormats: proven.timestampFormats });
  }
  const dateOrders = await withCsvFallback(() => checkDateOrders(db, dateCheck));
  const { rows: rowsRead, offsets, helpers } = await typeIntoRaw(db, extract, columns, read, typing);
  const encodings = read.files.map((f) => f.encoding);
  options.reporter.detail(`${extract.name}: ${rowsRead.toLocaleString('en')} rows read from ${located.files.length} ${located.format} file(s)` +
    (located.format === 'csv' ? ` (delimiter "${read.dialect.delimiter}", decimal "${read.dialect.decimal}", encoding ${[...new Set(encodings)].join(' / ')})` : '') +
    (dateOrders.length ? `; dates: ${dateOrders.join(', ')}` : ''));

  // Where each row came from: file name and record number (1-based, header excluded), and for
  // mapped rows the file and line of the export the user downloaded.
  const where: RowWhere = {
    table: target,
    file: `${sqlList(read.files.map((f) => f.file))}[${HELPERS.file} + 1]`,
    record: read.format === 'parquet'
      ? `${HELPERS.record} + 1`
      : offsets.some((o) => o > 0) ? `rowid + 1 - [${offsets.join(', ')}][${HELPERS.file} + 1]` : 'rowid + 1',
    exportFile: read.provenance ? HELPERS.exportFile : 'CAST(NULL AS VARCHAR)',
    exportLine: read.provenance ? HELPERS.exportLine : 'CAST(NULL AS BIGINT)',
  };
  const rowErrors = `(SELECT rowid AS _rid, unnest(${HELPERS.errors}) AS e FROM ${target} WHERE ${HELPERS.errors} IS NOT NULL)`;
  await checkRejectedDates(db, dateCheck, `(SELECT e.* FROM ${rowErrors})`);

  // Every failing row, by rowid: row-level errors, then the checks over sets of rows.
  const setChecks = setChecksSql(extract, columns, {
    valid: `(SELECT rowid AS _rid, ${where.file} AS _file, ${where.record} AS _row, * FROM ${target} WHERE ${HELPERS.errors} IS NULL)`,
    loadedTable: (other) => (provided.has(other) ? rawTable(other) : undefined),
    keyOf: (other) => EXTRACTS.find((e) => e.name === other)!.key,
    reportingCurrency: config.currency.reporting,
    fxRates: 'audit.fx_rates',
  });
  const rejected = `scratch.${ident(`rejected_${extract.name}`)}`;
  const flagged = `scratch.${ident(`flagged_${extract.name}`)}`;
  const rejects = setChecks.filter((c) => c.onInvalid === 'reject');
  const flags = setChecks.filter((c) => c.onInvalid === 'flag');
  const whereRow = async (rowid: number) => {
    const [row] = await db.query<{ file: string; record: number }>(`SELECT ${where.file} AS file, ${where.record} AS record FROM ${target} WHERE rowid = ${rowid}`);
    const prepared = read.files.find((f) => f.file === row?.file)?.prepared;
    return `${row?.file}, ${prepared ? `line ${lineOfRecord(prepared, row!.record)}` : `row ${row?.record}`}`;
  };
  if (helpers.includes(HELPERS.precision)) {
    await checkPrecision(db, target, HELPERS.precision, columns, read.dialect.decimal, whereRow, (message) => new ExtractError(message));
  }
  // Records the reader could not take as they are: the scan's malformed ones (read as empty
  // placeholders, whose own errors are meaningless), those with more fields than the header, and
  // those with fewer (their values may sit in the wrong columns: only the record's reason is said).
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
    if (!read.dialect.padShortRecords) {
      await db.exec(`INSERT INTO ${malformed} SELECT rowid, '(record)', NULL, ${shortRecordSql(extract.name, read, 'reject')}
        FROM ${target} WHERE ${HELPERS.short} IS NOT NULL AND rowid NOT IN (SELECT _rid FROM ${malformed})`);
    }
  }
  let failures = changed(await db.query(`CREATE OR REPLACE TABLE ${rejected} AS
    SELECT * FROM (
      SELECT _rid, e.column AS column_name, e.value, e.reason FROM ${rowErrors} WHERE e IS NOT NULL
      ${rejects.map((check) => `UNION ALL SELECT * FROM (${check.sql})`).join('\n      ')}
    ) WHERE _rid NOT IN (SELECT _rid FROM ${malformed} WHERE column_name = '(record)' AND value IS NULL)
    UNION ALL SELECT * FROM ${malformed}`));
  if (isCurrencyParent(EXTRACTS, extract.name)) await keepParentCurrencies(db, extract, target);
  if (EXTRACTS.some((e) => e.wholeWith?.parent === extract.name)) await keepParentRecords(db, extract, where);
  if (failures > 0 && extract.wholeWith) failures += await holdOutParents(db, extract, ctx, rejected);

  // Flags of the rows that are loaded: values already replaced by an unknown when typed, unknown
  // references, set to NULL now, and a mapping's values not in its reference lists (kept as written).
  const flaggedRows = changed(await db.query(`CREATE OR REPLACE TABLE ${flagged} AS
    SELECT * FROM (
      SELECT _rid, e.column AS column_name, e.value, e.reason, NULL AS null_column
        FROM (SELECT rowid AS _rid, unnest(${HELPERS.flags}) AS e FROM ${target} WHERE ${HELPERS.flags} IS NOT NULL) WHERE e IS NOT NULL
      ${flags.map((check) => `UNION ALL SELECT *, ${literal(check.column!)} FROM (${check.sql})`).join('\n      ')}
      ${read.sourceFlags
        ? `UNION ALL SELECT _rid, e.column, e.value, e.reason, NULL
             FROM (SELECT rowid AS _rid, unnest(${HELPERS.sourceFlags}) AS e FROM ${target} WHERE len(${HELPERS.sourceFlags}) > 0)`
        : ''}
      ${read.format === 'csv' && read.dialect.padShortRecords
        ? `UNION ALL SELECT rowid, '(record)', NULL, ${shortRecordSql(extract.name, read, 'flag')}, NULL FROM ${target} WHERE ${HELPERS.short} IS NOT NULL`
        : ''}
    ) ANTI JOIN ${rejected} USING (_rid)`));
  if (flaggedRows > 0) {
    await recordIssues(db, 'audit.flags', extract, flagged, where);
    for (const check of flags) {
      await db.exec(`UPDATE ${target} SET ${ident(check.column!)} = NULL
        WHERE rowid IN (SELECT _rid FROM ${flagged} WHERE null_column = ${literal(check.column!)})`);
    }
  }
  if (failures > 0) {
    await recordIssues(db, 'audit.rejects', extract, rejected, where);
    await db.exec(`DELETE FROM ${target} WHERE rowid IN (SELECT _rid FROM ${rejected})`);
  }
  // Lines whose NUL bytes were removed: loaded, and said so.
  for (const source of read.files) {
    const lines = source.prepared?.nulLines ?? [];
    if (lines.length === 0) continue;
    await db.exec(`INSERT INTO audit.read_notes VALUES ${lines.map((l) => `(${literal(extract.name)}, ${literal(source.file)}, ${l}, 'NUL byte(s) removed')`).join(', ')}`);
    options.reporter.detail(`${extract.name}: ${source.prepared!.nulBytes.toLocaleString('en')} NUL byte(s) removed from ${source.file}, ` +
      `on line(s) ${lines.slice(0, 10).join(', ')}${lines.length > 10 ? '…' : ''} (see audit.read_notes)`);
  }
  // The scratch copies of the files are no longer read (line numbers come from the scan's shifts).
  for (const source of read.files) if (source.prepared) releaseCsv(source.prepared);
  // Dropping a column shares the other columns' data: nothing is copied.
  await db.exec([...helpers, HELPERS.errors, HELPERS.flags].map((helper) => `ALTER TABLE ${target} DROP COLUMN ${helper};`).join('\n'));
  if (extract.name === 'fx_rates') await buildFxRates(db, config, true);

  return {
    ...base,
    status: 'loaded',
    files: located.files,
    format: located.format,
    delimiter: read.dialect.delimiter,
    decimal: read.dialect.decimal,
    encodings,
    rowsRead,
    // Counted once every extract is loaded: a later extract may hold rows of this one out.
    rowsLoaded: 0,
    rowsRejected: 0,
    rowsFlagged: 0,
    dateOrders,
    extraColumns: read.extraColumns,
    seconds: (performance.now() - started) / 1000,
  };
};

/** Scratch table of every row of a parent extract by key, with where it came from (before rejects are deleted). */
const parentRecords = (parent: string) => `scratch.${ident(`records_${parent}`)}`;

const keepParentRecords = (db: Database, extract: Extract, where: RowWhere) =>
  db.exec(`CREATE OR REPLACE TABLE ${parentRecords(extract.name)} AS
    SELECT ${ident(extract.key[0]!)} AS _key, ${where.file} AS _file, ${where.record} AS _row, ${recordKeyOf(extract, where.table)} AS _record_key,
           ${where.exportFile} AS _sf, ${where.exportLine} AS _sl
    FROM ${where.table} WHERE ${HELPERS.errors} IS NULL`);

/**
 * No partial parent is published: a rejected row (an invoice line) holds its whole parent (the
 * invoice) out, and the parent's other rows with it. The parent's rows move to audit.rejects;
 * the siblings are added to this extract's rejected rows. Returns the rows added.
 */
const holdOutParents = async (db: Database, extract: Extract, ctx: LoadContext, rejected: string): Promise<number> => {
  const { parent, column } = extract.wholeWith!;
  if (!ctx.provided.has(parent)) return 0;
  const target = rawTable(extract.name);
  const parentTable = rawTable(parent);
  const parentKey = ident(EXTRACTS.find((e) => e.name === parent)!.key[0]!);
  const held = `scratch.${ident(`held_${parent}`)}`;
  // Parents still loaded with at least one rejected row; the first rejected row explains why.
  const count = changed(await db.query(`CREATE OR REPLACE TABLE ${held} AS
    SELECT t.${ident(column)} AS _key,
           arg_min(${recordKeyOf(extract, 't')} || ' (' || r.reason || ')', t.rowid) AS _why
      FROM ${rejected} r JOIN ${target} t ON t.rowid = r._rid
     -- A duplicate repeats a row that is loaded: its parent is whole without it.
     WHERE t.${ident(column)} IN (SELECT ${parentKey} FROM ${parentTable}) AND NOT starts_with(r.reason, 'duplicate key')
     GROUP BY ALL`));
  if (count === 0) return 0;
  const parentDefinition = EXTRACTS.find((e) => e.name === parent)!;
  await db.exec(`INSERT INTO audit.rejects (extract, source_file, row_number, column_name, value, reason, record_key, export_file, export_line)
    SELECT ${literal(parent)}, p._file, p._row, ${literal(parentDefinition.key[0]!)}, h._key,
           'held out whole: its ${extract.name} row ' || h._why || ' was rejected, and a partial ${parent} row is never published',
           p._record_key, p._sf, p._sl
      FROM ${held} h JOIN ${parentRecords(parent)} p ON p._key = h._key;
    DELETE FROM ${parentTable} WHERE ${parentKey} IN (SELECT _key FROM ${held})`);
  return changed(await db.query(`INSERT INTO ${rejected}
    SELECT t.rowid, ${literal(column)}, t.${ident(column)},
           'held out with its ${parent} row ' || t.${ident(column)} || ': its row ' || h._why || ' was rejected'
      FROM ${target} t JOIN ${held} h ON h._key = t.${ident(column)}
     WHERE t.${HELPERS.errors} IS NULL AND t.rowid NOT IN (SELECT _rid FROM ${rejected})`));
};

const recordSummary = (db: Database, s: LoadSummary) =>
  db.exec(`INSERT INTO audit.load_summary (extract, system, status, files, format, delimiter, decimal_mark, rows_read, rows_loaded, rows_rejected, rows_flagged, date_orders, extra_columns, seconds, encodings)
    VALUES (${literal(s.extract)}, ${literal(s.system)}, ${literal(s.status)}, [${s.files.map(literal).join(', ')}]::VARCHAR[],
      ${literal(s.format)}, ${literal(s.delimiter)}, ${literal(s.decimal)}, ${s.rowsRead}, ${s.rowsLoaded}, ${s.rowsRejected}, ${s.rowsFlagged},
      [${s.dateOrders.map(literal).join(', ')}]::VARCHAR[], [${s.extraColumns.map(literal).join(', ')}]::VARCHAR[], ${s.seconds}, ${sqlList(s.encodings)}::VARCHAR[])`);

/** Rows loaded, rejected and flagged, once every extract is loaded; rows read = loaded + rejected. */
const countRows = async (db: Database, summary: LoadSummary): Promise<LoadSummary> => {
  const name = literal(summary.extract);
  const [counts] = await db.query<{ loaded: number; rejected: number; flagged: number }>(`SELECT
      (SELECT count(*) FROM ${rawTable(summary.extract)}) AS loaded,
      (SELECT count(*) FROM (SELECT DISTINCT source_file, row_number FROM audit.rejects WHERE extract = ${name})) AS rejected,
      (SELECT count(*) FROM (SELECT DISTINCT source_file, row_number FROM audit.flags WHERE extract = ${name})) AS flagged`);
  const counted = { ...summary, rowsLoaded: counts?.loaded ?? 0, rowsRejected: counts?.rejected ?? 0, rowsFlagged: counts?.flagged ?? 0 };
  if (counted.rowsLoaded + counted.rowsRejected !== counted.rowsRead) {
    throw new Error(`Row counts do not reconcile for "${summary.extract}": read ${counted.rowsRead}, loaded ${counted.rowsLoaded}, rejected ${counted.rowsRejected}.`);
  }
  return counted;
};

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
      DELETE FROM audit.flags WHERE NOT list_contains(${kept}, extract);
      DELETE FROM audit.money WHERE NOT list_contains(${kept}, extract);
      DELETE FROM audit.load_summary WHERE NOT list_contains(${kept}, extract);
      DELETE FROM audit.read_notes WHERE NOT list_contains(${kept}, extract);`);
  }
  // Rates known before any money is read: the reporting currency and extracts.yaml's, completed
  // by the fx_rates extract as soon as it is loaded (it comes first).
  await buildFxRates(db, config, keep.has('fx_rates') && (await db.query(`SELECT 1 FROM raw.fx_rates LIMIT 1`)).length > 0);
  // Children read their currency from their parent's rows; a parent not provided has none.
  for (const parent of EXTRACTS.filter((e) => isCurrencyParent(EXTRACTS, e.name))) {
    await db.exec(`CREATE OR REPLACE TABLE ${parentMoneyTable(parent.name)} (_key VARCHAR, _currency VARCHAR, _month DATE)`);
  }
  const ctx: LoadContext = { config, options, provided: new Set<string>(), reads: new Map() };
  const summaries: LoadSummary[] = [];
  for (const extract of EXTRACTS) {
    const summary = keep.has(extract.name)
      ? await keptSummary(db, extract.name)
      : await options.reporter.step(`load ${extract.name}`, () => loadOne(db, extract, ctx), { quiet: true });
    if (summary.status === 'loaded') ctx.provided.add(extract.name);
    summaries.push(summary);
  }
  // Line numbers of the user's files, once every reject (including parents held out by their
  // children) is known; an export's line defaults to the file's own for extracts read directly.
  for (const [name, read] of ctx.reads) if (read.format === 'csv') await fillLineNumbers(db, name, read);
  await db.exec(['audit.rejects', 'audit.flags'].map((table) => `UPDATE ${table} SET export_file = source_file, export_line = line_number
    WHERE export_file IS NULL AND NOT list_contains([${[...keep].map(literal).join(', ')}]::VARCHAR[], extract);`).join('\n'));
  const counted: LoadSummary[] = [];
  for (const summary of summaries) {
    if (keep.has(summary.extract)) {
      counted.push(summary);
      continue;
    }
    const done = summary.status === 'loaded' ? await countRows(db, summary) : summary;
    await recordSummary(db, done);
    if (done.status === 'loaded') await recordMoney(db, EXTRACTS.find((e) => e.name === done.extract)!, rawTable(done.extract));
    counted.push(done);
  }
  await db.exec('DROP SCHEMA scratch CASCADE');
  return counted;
};

/** The load summary a previous run recorded for an extract kept as it was (no time spent now). */
const keptSummary = async (db: Database, extract: string): Promise<LoadSummary> => {
  const [row] = await db.query<{
    system: string; status: 'loaded' | 'not_provided'; files: string[]; format: string; delimiter: string; decimal_mark: string;
    rows_read: number; rows_loaded: number; rows_rejected: number; rows_flagged: number; date_orders: string[]; extra_columns: string[]; encodings: string[] | null;
  }>(`SELECT system, status, files, format, delimiter, decimal_mark, rows_read, rows_loaded, rows_rejected, rows_flagged, date_orders, extra_columns, encodings
      FROM audit.load_summary WHERE extract = ${literal(extract)}`);
  if (!row) throw new Error(`Extract "${extract}" was to be kept from the previous run, but that run recorded no load for it.`);
  return {
    extract, system: row.system, status: row.status, files: row.files, format: row.format ?? '', delimiter: row.delimiter ?? '',
    decimal: row.decimal_mark ?? '', rowsRead: row.rows_read, rowsLoaded: row.rows_loaded, rowsRejected: row.rows_rejected,
    rowsFlagged: row.rows_flagged, dateOrders: row.date_orders, encodings: row.encodings ?? [], extraColumns: row.extra_columns, seconds: 0,
  };
};
