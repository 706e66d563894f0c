/**
 * Finding an extract's file(s) and reading them, untyped, into a scratch table.
 *
 * Every cell is read as text so that nothing is lost or silently coerced at read time: typing and
 * validation happen afterwards in SQL, where each failure can be reported per row and column.
 * Each row keeps its file and its record number so rejects point back to the source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { ExtractDefinition } from '../contract/extract.js';
import { columnsOf } from '../contract/derive.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import { dialectFor, type CsvDialect, type ExtractsConfig } from './extracts-config.js';

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

const formatOf = (file: string): FileFormat | undefined => {
  if (/\.parquet$/i.test(file)) return 'parquet';
  if (/\.(csv|txt|tsv)(\.gz)?$/i.test(file)) return 'csv';
  return undefined;
};

const listParquetFolder = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.parquet$/i.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();

/**
 * Finds the file for an extract: the configured path, else `<name>.csv`, `<name>.csv.gz`,
 * `<name>.parquet`, or a `<name>/` folder of Parquet files (Hive partitions welcome).
 */
export const locateExtract = (dir: string, extract: ExtractDefinition, config: ExtractsConfig): LocatedExtract | undefined => {
  const configured = config.files[extract.name as keyof ExtractsConfig['files']]?.path;
  const candidates = configured ? [configured] : [`${extract.name}.csv`, `${extract.name}.csv.gz`, `${extract.name}.parquet`, extract.name];
  for (const candidate of candidates) {
    const full = path.resolve(dir, candidate);
    if (!fs.existsSync(full)) continue;
    if (fs.statSync(full).isDirectory()) {
      const files = listParquetFolder(full);
      if (files.length === 0) throw new ExtractError(`Folder ${full} for extract "${extract.name}" holds no .parquet file.`);
      return { extract: extract.name, format: 'parquet', files };
    }
    const format = formatOf(full);
    if (!format) throw new ExtractError(`${full}: unsupported file type for extract "${extract.name}" (use .csv, .csv.gz or .parquet).`);
    return { extract: extract.name, format, files: [full] };
  }
  return undefined;
};

// --- encoding -------------------------------------------------------------------------------

const SAMPLE_BYTES = 4 * 1024 * 1024;

/** True when the file's first megabytes decode as UTF-8 (a BOM is allowed). */
const looksUtf8 = (file: string): boolean => {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const read = fs.readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
    new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, read), { stream: true });
    return true;
  } catch {
    return false;
  }
};

/** Streams a Windows-1252 file into a UTF-8 copy DuckDB can read (bytes, not rows, go through JS). */
const transcodeToUtf8 = async (file: string, scratchDir: string): Promise<string> => {
  fs.mkdirSync(scratchDir, { recursive: true });
  const target = path.join(scratchDir, `${path.basename(file)}.utf8.csv`);
  const decoder = new TextDecoder('windows-1252');
  await pipeline(
    fs.createReadStream(file),
    new Transform({
      transform(chunk: Buffer, _encoding, done) { done(null, decoder.decode(chunk, { stream: true })); },
      flush(done) { done(null, decoder.decode()); },
    }),
    fs.createWriteStream(target),
  );
  return target;
};

// --- reading ---------------------------------------------------------------------------------

export interface ReadResult {
  /** Scratch view holding `_file`, `_row` and one VARCHAR column per contract column. */
  table: string;
  rows: number;
  dialect: Omit<CsvDialect, 'delimiter' | 'decimal'> & { delimiter: string; decimal: '.' | ',' };
  extraColumns: string[];
  /** CSV files staged as tables of text columns c0..cN, from which physical line numbers are derived. */
  staged: { file: string; table: string; columnCount: number }[];
}

const normaliseHeader = (name: string) => name.replace(/^\uFEFF/, '').trim().toLowerCase();

/** Reads every cell as text; short rows are padded with NULLs so their missing values get reported. */
const csvReader = (file: string, delimiter: string, columns: string, parallel: boolean) =>
  `read_csv(${literal(file)}, all_varchar = true, header = true, delim = ${literal(delimiter)}, quote = '"', escape = '"', ` +
  `null_padding = true, strict_mode = false, auto_detect = false, parallel = ${parallel}, columns = ${columns})`;

const sniffDelimiter = async (db: Database, file: string): Promise<string> => {
  const [sniffed] = await db.query<{ Delimiter: string }>(`SELECT "Delimiter" FROM sniff_csv(${literal(file)}, sample_size = 20480)`);
  return sniffed?.Delimiter ?? ',';
};

const headerOf = async (db: Database, file: string, delimiter: string): Promise<string[]> => {
  const rows = await db.query<{ column_name: string }>(
    `DESCRIBE SELECT * FROM read_csv(${literal(file)}, all_varchar = true, header = true, delim = ${literal(delimiter)}, sample_size = 1)`,
  );
  return rows.map((r) => r.column_name);
};

const requireColumns = (extract: ExtractDefinition, file: string, found: string[]) => {
  const normalised = found.map(normaliseHeader);
  const missing = columnsOf(extract).map((c) => c.name).filter((name) => !normalised.includes(name));
  if (missing.length > 0) {
    throw new ExtractError(
      `${file}: extract "${extract.name}" is missing column(s) ${missing.map((m) => `"${m}"`).join(', ')}. ` +
        `Found: ${found.join(', ') || '(no header)'}. Rename the columns in the export, or map them (see README, "Mapping your own export").`,
    );
  }
  return found.filter((_, i) => !columnsOf(extract).some((c) => c.name === normalised[i]));
};

/** Picks the decimal mark from the numeric columns' values when the dialect says auto. */
const detectDecimal = async (db: Database, table: string, extract: ExtractDefinition): Promise<'.' | ','> => {
  const numeric = columnsOf(extract).filter((c) => /DOUBLE|DECIMAL/.test(c.duckdbType));
  if (numeric.length === 0) return '.';
  const values = numeric.map((c) => `SELECT ${ident(c.name)} AS v FROM (SELECT * FROM ${table} LIMIT 20000)`).join(' UNION ALL ');
  const [counts] = await db.query<{ comma: number; dot: number }>(
    `SELECT count(*) FILTER (WHERE regexp_full_match(trim(v), '[+-]?[0-9 .\u00a0\u202f]*,[0-9]+')) AS comma,
            count(*) FILTER (WHERE regexp_full_match(trim(v), '[+-]?[0-9]*\\.[0-9]+')) AS dot
       FROM (${values})`,
  );
  const comma = counts?.comma ?? 0;
  return comma > 0 && comma >= (counts?.dot ?? 0) ? ',' : '.';
};

/**
 * Reads an extract's file(s) into the view `scratch.src_<extract>`: `_file`, `_row` (1-based
 * record number within the file, header excluded) and the contract's columns as text.
 * Everything in the `scratch` schema is dropped once the load is done.
 */
export const readExtract = async (
  db: Database, located: LocatedExtract, extract: ExtractDefinition, config: ExtractsConfig, scratchDir: string,
): Promise<ReadResult> => {
  const table = `scratch.${ident(`src_${extract.name}`)}`;
  const columns = columnsOf(extract);
  const configured = dialectFor(config, extract.name);
  let delimiter: string = configured.delimiter;
  let extraColumns: string[] = [];
  const selects: string[] = [];
  const staged: ReadResult['staged'] = [];

  for (const [index, original] of located.files.entries()) {
    if (located.format === 'parquet') {
      let described: { column_name: string }[];
      try {
        described = await db.query(`DESCRIBE SELECT * FROM read_parquet(${literal(original)})`);
      } catch (error) {
        throw new ExtractError(`${original}: cannot read as Parquet (${(error as Error).message.split('\n')[0]}).`);
      }
      extraColumns = requireColumns(extract, original, described.map((d) => d.column_name));
      const byName = new Map(described.map((d) => [normaliseHeader(d.column_name), d.column_name]));
      const cells = columns.map((c) => `CAST(${ident(byName.get(c.name)!)} AS VARCHAR) AS ${ident(c.name)}`);
      selects.push(
        `SELECT ${literal(original)} AS _file, file_row_number + 1 AS _row, ${cells.join(', ')}
           FROM read_parquet(${literal(original)}, file_row_number = true)`,
      );
      continue;
    }

    const encoding = configured.encoding === 'auto' ? (looksUtf8(original) ? 'utf-8' : 'windows-1252') : configured.encoding;
    const file = encoding === 'windows-1252' ? await transcodeToUtf8(original, scratchDir) : original;
    try {
      if (configured.delimiter === 'auto') delimiter = await sniffDelimiter(db, file);
      const header = await headerOf(db, file, delimiter);
      extraColumns = requireColumns(extract, original, header);
      // Name every column of the file so the reader keeps them all; then keep the contract's.
      const allColumns = `{${header.map((h, i) => `${literal(`c${i}`)}: 'VARCHAR'`).join(', ')}}`;
      const position = new Map(header.map((h, i) => [normaliseHeader(h), i]));
      const cells = columns.map((c) => `c${position.get(c.name)} AS ${ident(c.name)}`);
      const stagedTable = `scratch.${ident(`src_${extract.name}_${index}`)}`;
      // Materialised on its own so rowid follows the file's record order.
      const stage = (parallel: boolean) => db.exec(
        `CREATE OR REPLACE TABLE ${stagedTable} AS SELECT * FROM ${csvReader(file, delimiter, allColumns, parallel)}`);
      await stage(true).catch((error: Error) => {
        // DuckDB's parallel reader cannot pad short rows once a quoted field spans lines.
        if (/parallel scanner does not support null_padding/.test(error.message)) return stage(false);
        throw error;
      });
      staged.push({ file: original, table: stagedTable, columnCount: header.length });
      selects.push(`SELECT ${literal(original)} AS _file, rowid + 1 AS _row, ${cells.join(', ')} FROM ${stagedTable}`);
    } catch (error) {
      if (error instanceof ExtractError) throw error;
      throw new ExtractError(`${original}: cannot read as CSV (${(error as Error).message.split('\n')[0]}). Check the delimiter, quoting and encoding, or set them in extracts.yaml.`);
    }
  }

  // A view: the staged tables (or Parquet files) are read in place, not copied again.
  await db.exec(`CREATE OR REPLACE VIEW ${table} AS ${selects.join(' UNION ALL ')}`);
  const [{ rows } = { rows: 0 }] = await db.query<{ rows: number }>(`SELECT count(*) AS rows FROM ${table}`);
  const decimal = configured.decimal === 'auto' ? await detectDecimal(db, table, extract) : configured.decimal;
  return {
    table,
    rows,
    dialect: { ...configured, delimiter: located.format === 'parquet' ? 'parquet' : delimiter, decimal },
    extraColumns,
    staged,
  };
};
