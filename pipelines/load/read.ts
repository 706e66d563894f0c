/**
 * Finding an extract's file(s) and how to read them.
 *
 * Every CSV cell is read as text so that nothing is lost or silently coerced at read time: typing
 * and validation happen in SQL, in the same statement, where each failure can be reported per row
 * and column. Each row keeps its file and its record number so rejects point back to the source.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExtractDefinition } from '../contract/extract.js';
import { columnsOf } from '../contract/derive.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import { dialectFor, type CsvDialect, type ExtractsConfig } from './extracts-config.js';
import { CsvInputError, prepareCsv, type PreparedCsv } from './csv-input.js';
import { checkDuplicateColumns } from './input-checks.js';
import { MAX_RECORD_BYTES } from './csv-scan.js';
import { decimalEvidenceSql, decimalFromCounts } from '../text/numbers.js';
import { fileFormatOf } from '../text/encoding.js';

export type FileFormat = 'csv' | 'parquet';

export interface LocatedExtract {
  extract: string;
  format: FileFormat;
  files: string[];
}

/** A problem the user must fix in their extracts folder; the run stops with this message. */
export class ExtractError extends Error {
  override name = 'ExtractError';
}


const listParquetFolder = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && /\.parquet$/i.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();

/** True when `file`, symlinks resolved, lies inside `dir` (symlinks resolved too). */
export const isInside = (dir: string, file: string): boolean => {
  const relative = path.relative(fs.realpathSync(dir), fs.realpathSync(file));
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
};

/**
 * Inputs stay inside the extracts folder unless the user says otherwise: a path in extracts.yaml
 * or a symlink must not make the run read (and quote in messages) any file of the machine.
 */
const confine = (dir: string, file: string, extract: string, allowOutside: boolean) => {
  if (allowOutside || isInside(dir, file)) return;
  throw new ExtractError(`${file} (extract "${extract}") resolves to ${fs.realpathSync(file)}, outside the extracts folder ${dir}. ` +
    'Move the file into the folder, or pass --allow-outside-paths if reading it from there is intended.');
};

/**
 * Finds the file for an extract: the configured path, else `<name>.csv`, `<name>.csv.gz`,
 * `<name>.parquet`, or a `<name>/` folder of Parquet files (Hive partitions welcome).
 */
export const locateExtract = (
  dir: string, extract: ExtractDefinition, config: ExtractsConfig, { allowOutside = false }: { allowOutside?: boolean } = {},
): LocatedExtract | undefined => {
  const configured = config.files[extract.name as keyof ExtractsConfig['files']]?.path;
  const candidates = configured ? [configured] : [`${extract.name}.csv`, `${extract.name}.csv.gz`, `${extract.name}.parquet`, extract.name];
  // Two files for one extract (a CSV and its Parquet twin, a file and a folder): reading one and
  // ignoring the other silently would publish whichever comes first. extracts.yaml says which.
  const present = configured ? [] : candidates.filter((c) => fs.existsSync(path.resolve(dir, c)));
  if (present.length > 1) {
    throw new ExtractError(`Extract "${extract.name}" has ${present.length} candidate files in ${dir}: ${present.join(' and ')}. ` +
      `Remove the ones that are not this extract, or say which to read in ${path.join(dir, 'extracts.yaml')}:\n` +
      `  files:\n    ${extract.name}: { path: ${present[present.length - 1]} }`);
  }
  for (const candidate of candidates) {
    const full = path.resolve(dir, candidate);
    if (!fs.existsSync(full)) continue;
    confine(dir, full, extract.name, allowOutside);
    if (fs.statSync(full).isDirectory()) {
      const files = listParquetFolder(full);
      for (const file of files) confine(dir, file, extract.name, allowOutside);
      if (files.length === 0) throw new ExtractError(`Folder ${full} for extract "${extract.name}" holds no .parquet file.`);
      return { extract: extract.name, format: 'parquet', files };
    }
    const format = fileFormatOf(full);
    if (!format) throw new ExtractError(`${full}: unsupported file type for extract "${extract.name}" (use .csv, .csv.gz or .parquet).`);
    return { extract: extract.name, format, files: [full] };
  }
  return undefined;
};

// --- reading ---------------------------------------------------------------------------------

export interface SourceFile {
  /** The file as found in the extracts folder: what rejects point at. */
  file: string;
  /**
   * SQL relation reading it: `_f` (the file's index), for Parquet `_r` (0-based record number), and
   * each contract column, as text or, for the extract's `native` columns, in the contract's type.
   * CSV is read in the file's record order, so a table filled from it numbers records by rowid.
   */
  relation: (parallel: boolean) => string;
  /** How the file's text was decoded (e.g. "utf-8", "windows-1252", "utf-16le gzip"; "parquet"). */
  encoding: string;
  /**
   * CSV: the independent count of the file's records, its malformed records (read as empty
   * placeholder rows, to reject with their reason) and where each record starts. The relation
   * then also has `_x`: a field beyond the header's last column (a record with too many fields),
   * and `_s`: the number of fields of a record with fewer than the header (NULL otherwise).
   */
  prepared?: PreparedCsv;
}

export interface ReadResult {
  format: FileFormat;
  files: SourceFile[];
  /** Contract columns the files already hold in the contract's type (Parquet), read without parsing. */
  native: Set<string>;
  dialect: Omit<CsvDialect, 'delimiter' | 'decimal'> & { delimiter: string; decimal: '.' | ',' };
  extraColumns: string[];
  /**
   * The files carry, per row, the file and line of the export the user downloaded (`_sf`, `_sl` in
   * the relation): written by a mapping, so rejects point at the user's file, not at ours.
   */
  provenance: boolean;
  /** The files carry, per row, the flags a mapping raised (`_sfl` in the relation: column, value, reason). */
  sourceFlags: boolean;
}

/**
 * Columns a mapping writes beside the contract's: the user's export file and line of each row, and
 * the flags its checking lookups raised (a product not in the export's products list).
 */
export const PROVENANCE_COLUMNS = { file: '_source_file', line: '_source_line', flags: '_source_flags' } as const;

const normaliseHeader = (name: string) => name.replace(/^\uFEFF/, '').trim().toLowerCase();

/**
 * Reads every cell as text. Short records are padded with NULLs, and an empty field is read as ''
 * (`nullstr` is a NUL character, which no file holds once prepared: csv-input.ts removes them), so
 * a padded field (NULL) tells a record that is short from one whose last values are empty (''):
 * the relation then turns '' into NULL, as DuckDB's default reading would.
 */
const csvReader = (file: string, delimiter: string, columns: string, parallel: boolean) =>
  `read_csv(${literal(file)}, all_varchar = true, header = true, delim = ${literal(delimiter)}, quote = '"', escape = '"', ` +
  `null_padding = true, nullstr = chr(0), strict_mode = false, auto_detect = false, parallel = ${parallel}, columns = ${columns}, ` +
  // The scan sets aside records over MAX_RECORD_BYTES first: DuckDB must never be the one to refuse them.
  `max_line_size = ${2 * MAX_RECORD_BYTES})`;

/**
 * Runs a statement reading CSV in parallel, and again serially when DuckDB's parallel reader
 * cannot pad short rows because a quoted field spans lines.
 */
export const withCsvFallback = async <T>(run: (parallel: boolean) => Promise<T>): Promise<T> => {
  try {
    return await run(true);
  } catch (error) {
    if (/parallel scanner does not support null_padding/.test((error as Error).message)) return run(false);
    throw error;
  }
};

/** The user-facing error for a CSV file DuckDB cannot read. */
export const csvReadError = (file: string, error: unknown, readable?: string): Error => {
  if (error instanceof ExtractError) return error;
  // DuckDB names the file it read, which may be a scratch copy: name the user's file instead.
  const message = (error as Error).message.split('\n')[0]!.replaceAll(readable ?? file, file);
  return error instanceof CsvInputError
    ? new ExtractError(error.message)
    : new ExtractError(`${file}: cannot read as CSV (${message}). Check the delimiter, quoting and encoding, or set them in extracts.yaml.`);
};

const requireColumns = (extract: ExtractDefinition, file: string, found: string[]) => {
  checkDuplicateColumns(file, found, normaliseHeader, (message) => new ExtractError(message));
  const normalised = found.map(normaliseHeader);
  const missing = columnsOf(extract).filter((c) => !c.mayBeAbsent).map((c) => c.name).filter((name) => !normalised.includes(name));
  if (missing.length > 0) {
    throw new ExtractError(
      `${file}: extract "${extract.name}" is missing column(s) ${missing.map((m) => `"${m}"`).join(', ')}. ` +
        `Found: ${found.join(', ') || '(no header)'}. Rename the columns in the export, or map them (see README, "Mapping your own export").`,
    );
  }
  return found.filter((h, i) => !columnsOf(extract).some((c) => c.name === normalised[i]) && !Object.values(PROVENANCE_COLUMNS).includes(h as never));
};

/** Picks the decimal mark from the numeric columns' values (first 20,000 rows) when the dialect says auto. */
const detectDecimal = async (db: Database, relation: string, extract: ExtractDefinition): Promise<'.' | ','> => {
  const numeric = columnsOf(extract).filter((c) => /DOUBLE|DECIMAL/.test(c.duckdbType));
  if (numeric.length === 0) return '.';
  const values = `SELECT unnest([${numeric.map((c) => `CAST(${ident(c.name)} AS VARCHAR)`).join(', ')}]) AS v FROM (SELECT * FROM ${relation} LIMIT 20000)`;
  const [found] = await db.query<{ mark: '.' | ',' }>(
    `SELECT ${decimalFromCounts("count(*) FILTER (WHERE e = ',')", "count(*) FILTER (WHERE e = '.')")} AS mark
       FROM (SELECT ${decimalEvidenceSql('trim(v)')} AS e FROM (${values}))`,
  );
  return found?.mark ?? '.';
};

/**
 * Finds how to read an extract's file(s): delimiter, header, encoding (see csv-input.ts: a file
 * needing repair or transcoding is read from a UTF-8 copy), decimal mark; checks the contract's
 * columns are there, each once. Nothing is copied into
 * the database here: the caller types the rows straight from the files in one statement.
 */
export const readExtract = async (
  db: Database, located: LocatedExtract, extract: ExtractDefinition, config: ExtractsConfig, scratchDir: string,
): Promise<ReadResult> => {
  const columns = columnsOf(extract);
  const configured = dialectFor(config, extract.name);
  let delimiter: string = configured.delimiter;
  let extraColumns: string[] = [];
  const files: SourceFile[] = [];
  let native = new Set<string>();
  let provenance = false;
  let sourceFlags = false;

  if (located.format === 'parquet') {
    const described: { file: string; types: Map<string, { name: string; type: string }> }[] = [];
    for (const file of located.files) {
      let rows: { column_name: string; column_type: string }[];
      try {
        rows = await db.query(`DESCRIBE SELECT * FROM read_parquet(${literal(file)})`);
      } catch (error) {
        throw new ExtractError(`${file}: cannot read as Parquet (${(error as Error).message.split('\n')[0]}).`);
      }
      extraColumns = requireColumns(extract, file, rows.map((d) => d.column_name));
      described.push({ file, types: new Map(rows.map((d) => [normaliseHeader(d.column_name), { name: d.column_name, type: d.column_type }])) });
    }
    // A column every file stores in the contract's type is taken as is; any other is read as text.
    native = new Set(columns.filter((c) => c.duckdbType !== 'VARCHAR' && described.every((d) => d.types.get(c.name)?.type === c.duckdbType)).map((c) => c.name));
    provenance = described.every((d) => d.types.has(PROVENANCE_COLUMNS.file) && d.types.has(PROVENANCE_COLUMNS.line));
    sourceFlags = described.every((d) => d.types.has(PROVENANCE_COLUMNS.flags));
    for (const [index, { file, types }] of described.entries()) {
      const cells = columns.map((c) => {
        const found = types.get(c.name);
        if (!found) return `CAST(NULL AS VARCHAR) AS ${ident(c.name)}`; // a column the file may omit
        const name = ident(found.name);
        return native.has(c.name) ? `${name} AS ${ident(c.name)}` : `CAST(${name} AS VARCHAR) AS ${ident(c.name)}`;
      });
      if (provenance) cells.push(`CAST(${ident(PROVENANCE_COLUMNS.file)} AS VARCHAR) AS _sf`, `CAST(${ident(PROVENANCE_COLUMNS.line)} AS BIGINT) AS _sl`);
      if (sourceFlags) cells.push(`CAST(${ident(PROVENANCE_COLUMNS.flags)} AS STRUCT("column" VARCHAR, "value" VARCHAR, reason VARCHAR)[]) AS _sfl`);
      const relation = `(SELECT ${index} AS _f, file_row_number AS _r, ${cells.join(', ')} FROM read_parquet(${literal(file)}, file_row_number = true))`;
      files.push({ file, relation: () => relation, encoding: 'parquet' });
    }
  } else {
    for (const [index, original] of located.files.entries()) {
      try {
        const prepared = await prepareCsv(original, { delimiter: configured.delimiter, encoding: configured.encoding, scratchDir });
        delimiter = prepared.delimiter;
        const header = prepared.header;
        extraColumns = requireColumns(extract, original, header);
        // Name every column of the file, and one more (`_x`) to catch a record with too many fields;
        // then keep the contract's.
        const allColumns = `{${[...header, '_x'].map((h, i) => `${literal(`c${i}`)}: 'VARCHAR'`).join(', ')}}`;
        const position = new Map(header.map((h, i) => [normaliseHeader(h), i]));
        const cells = columns.map((c) => (position.has(c.name) ? `nullif(c${position.get(c.name)}, '')` : 'CAST(NULL AS VARCHAR)') + ` AS ${ident(c.name)}`);
        // Only the reader pads, and only at the end: a record is short when the header's last
        // named column got no field (a header ending in a delimiter names nothing after it), and
        // it has as many fields as columns that got one.
        const last = header.findLastIndex((h) => h.trim() !== '');
        const short = last > 0
          ? `CASE WHEN c${last} IS NULL THEN ${header.slice(0, last).map((_, i) => `(c${i} IS NOT NULL)::INTEGER`).join(' + ')} END`
          : 'CAST(NULL AS INTEGER)';
        // A quoted field spanning lines rules out DuckDB's parallel reader with padding: go serial at once.
        const reader = (parallel: boolean) => csvReader(prepared.readable, delimiter, allColumns, parallel && !prepared.quotedNewlines);
        files.push({
          file: original,
          encoding: prepared.encoding,
          prepared,
          relation: (parallel) => `(SELECT ${index} AS _f, ${cells.join(', ')}, nullif(c${header.length}, '') AS _x, ${short} AS _s FROM ${reader(parallel)})`,
        });
      } catch (error) {
        throw csvReadError(original, error);
      }
    }
  }

  const decimal = configured.decimal === 'auto'
    ? await withCsvFallback((parallel) => detectDecimal(db, `(${files.map((f) => `SELECT * FROM ${f.relation(parallel)}`).join(' UNION ALL ')})`, extract))
      .catch((error: unknown) => { throw located.format === 'csv' ? csvReadError(located.files[0]!, error, files[0]?.prepared?.readable) : error; })
    : configured.decimal;
  return {
    format: located.format,
    files,
    native,
    dialect: { ...configured, delimiter: located.format === 'parquet' ? 'parquet' : delimiter, decimal },
    extraColumns,
    provenance,
    sourceFlags,
  };
};
