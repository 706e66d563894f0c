/**
 * Loading a folder of extracts into the `raw` schema, in contract order, with every row either
 * loaded or in `audit.rejects` with its reason, and the counts reconciled per extract.
 */
import { EXTRACTS, type Extract } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import type { Reporter } from '../progress.js';
import { readExtractsConfig, type ExtractsConfig } from './extracts-config.js';
import { ExtractError, locateExtract, readExtract, type ReadResult } from './read.js';
import { setChecksSql, typedTableSql } from './validate.js';

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
}

export const rawTable = (extract: string) => `raw.${ident(extract)}`;

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

/** Physical CSV line of each reject: header line + record number + newlines inside earlier records. */
const fillLineNumbers = async (db: Database, extract: string, read: ReadResult) => {
  for (const { file, table, columnCount } of read.staged) {
    const joined = `concat(${Array.from({ length: columnCount }, (_, i) => `c${i}`).join(', ')})`;
    await db.exec(`
      WITH breaks AS (
        SELECT rowid + 1 AS _row, length(${joined}) - length(replace(${joined}, chr(10), '')) AS n
        FROM ${table} WHERE contains(${joined}, chr(10))
      )
      UPDATE audit.rejects r SET line_number = 1 + r.row_number
        + coalesce((SELECT sum(b.n) FROM breaks b WHERE b._row < r.row_number), 0)
      WHERE r.extract = ${literal(extract)} AND r.source_file = ${literal(file)}`);
  }
};

const loadOne = async (
  db: Database, extract: Extract, config: ExtractsConfig, options: LoadOptions, provided: Set<string>,
): Promise<LoadSummary> => {
  const started = performance.now();
  const columns = columnsOf(extract);
  await createRawTable(db, extract);
  const base = { extract: extract.name, system: extract.system, extraColumns: [] as string[] };

  const located = locateExtract(options.extractsDir, extract, config);
  if (!located) {
    if (config.notProvided.includes(extract.name as never)) {
      if (extract.core) throw new ExtractError(`Extract "${extract.name}" is core to every KPI and cannot be declared notProvided.`);
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
  options.reporter.detail(`${extract.name}: ${read.rows.toLocaleString('en')} rows read from ${located.files.length} ${located.format} file(s)` +
    (located.format === 'csv' ? ` (delimiter "${read.dialect.delimiter}", decimal "${read.dialect.decimal}")` : ''));

  const typed = `scratch.${ident(`typed_${extract.name}`)}`;
  await db.exec(typedTableSql(extract, columns, read.table, typed, {
    decimal: read.dialect.decimal,
    dateFormats: read.dialect.dateFormats,
    timestampFormats: read.dialect.timestampFormats,
    asOf: options.asOf,
  }));

  const name = literal(extract.name);
  await db.exec(`INSERT INTO audit.rejects (extract, source_file, row_number, column_name, value, reason)
    SELECT ${name}, _file, _row, e.column, e.value, e.reason FROM (SELECT _file, _row, unnest(_errors) AS e FROM ${typed})`);
  const setChecks = setChecksSql(extract, columns, {
    typed,
    loadedTable: (other) => (provided.has(other) ? rawTable(other) : undefined),
    keyOf: (other) => EXTRACTS.find((e) => e.name === other)!.key,
  });
  for (const check of setChecks) {
    await db.exec(`INSERT INTO audit.rejects (extract, source_file, row_number, column_name, value, reason) SELECT ${name}, * FROM (${check})`);
  }

  const columnList = columns.map((c) => ident(c.name)).join(', ');
  await db.exec(`INSERT INTO ${rawTable(extract.name)} (${columnList})
    SELECT ${columnList} FROM ${typed} t
    WHERE len(_errors) = 0
      AND NOT EXISTS (SELECT 1 FROM audit.rejects r WHERE r.extract = ${name} AND r.source_file = t._file AND r.row_number = t._row)
    ORDER BY _file, _row`);

  const [counts] = await db.query<{ loaded: number; rejected: number }>(`SELECT
      (SELECT count(*) FROM ${rawTable(extract.name)}) AS loaded,
      (SELECT count(*) FROM (SELECT DISTINCT source_file, row_number FROM audit.rejects WHERE extract = ${name})) AS rejected`);
  const rowsLoaded = counts?.loaded ?? 0;
  const rowsRejected = counts?.rejected ?? 0;
  if (rowsLoaded + rowsRejected !== read.rows) {
    throw new Error(`Row counts do not reconcile for "${extract.name}": read ${read.rows}, loaded ${rowsLoaded}, rejected ${rowsRejected}.`);
  }
  if (rowsRejected > 0) await fillLineNumbers(db, extract.name, read);
  return {
    ...base,
    status: 'loaded',
    files: located.files,
    format: located.format,
    delimiter: read.dialect.delimiter,
    decimal: read.dialect.decimal,
    rowsRead: read.rows,
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
  await db.exec(AUDIT_DDL);
  const provided = new Set<string>();
  const summaries: LoadSummary[] = [];
  for (const extract of EXTRACTS) {
    const summary = await options.reporter.step(`load ${extract.name}`, () => loadOne(db, extract, config, options, provided), { quiet: true });
    if (summary.status === 'loaded') provided.add(extract.name);
    summaries.push(summary);
    await recordSummary(db, summary);
  }
  await db.exec('DROP SCHEMA scratch CASCADE');
  return summaries;
};
