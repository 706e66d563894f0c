/**
 * Reading a mapping's sources into DuckDB, in the mapping's own schema: files as text tables
 * (every CSV cell VARCHAR, so nothing is coerced before the mapping says how; Parquet keeps its
 * types), each row with `_file` (path within the input folder) and `_row` (record number in
 * the file); derived sources as tables built from their SQL.
 */
import path from 'node:path';
import { ident, literal, type Database } from '../db/duckdb.js';
import { formatOf, looksUtf8, matchFiles, transcodeToUtf8 } from './files.js';
import { MappingError, type LoadedMapping } from './load-mapping.js';
import type { Source } from './schema.js';

export interface SourceFileCount {
  file: string;
  rows: number;
}

export interface SourceSummary {
  mapping: string;
  source: string;
  kind: 'files' | 'sql';
  files: SourceFileCount[];
  rows: number;
  columns: string[];
}

/** DuckDB's message without its context lines, for people. */
export const duckdbMessage = (error: unknown) => (error as Error).message.split('\n').filter((l) => l.trim() && !/^LINE \d+:|^\s*\^/.test(l)).slice(0, 3).join(' ');

const csvReader = (file: string, source: Source, parallel: boolean) =>
  `read_csv(${literal(file)}, all_varchar = true, header = true, skip = ${source.skipLines}, ` +
  (source.delimiter === 'auto' ? '' : `delim = ${literal(source.delimiter)}, `) +
  `null_padding = true, parallel = ${parallel})`;

const stageCsv = async (db: Database, table: string, file: string, source: Source) => {
  const create = (parallel: boolean) => db.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${csvReader(file, source, parallel)}`);
  // DuckDB's parallel reader cannot pad short rows once a quoted field spans lines.
  await create(true).catch((error: Error) => {
    if (/parallel scanner does not support null_padding/.test(error.message)) return create(false);
    throw error;
  });
};

const readFileSource = async (
  db: Database, schema: string, mapping: LoadedMapping, name: string, source: Source, inputDir: string, scratchDir: string,
): Promise<SourceSummary> => {
  const patterns = typeof source.files === 'string' ? [source.files] : source.files!;
  const where = `mapping ${mapping.name} (${mapping.file}), sources.${name}`;
  const files = matchFiles(inputDir, patterns);
  if (files.length === 0) {
    throw new MappingError(`${where}: no file in ${inputDir} matches ${patterns.map((p) => `"${p}"`).join(', ')}. ` +
      'Put the export in the folder, or change files: to match its name.');
  }
  const selects: string[] = [];
  const counts: SourceFileCount[] = [];
  for (const [i, rel] of files.entries()) {
    const full = path.join(inputDir, rel);
    const format = source.format === 'auto' ? formatOf(rel) : source.format;
    if (!format) throw new MappingError(`${where}: ${rel} is neither CSV (.csv, .txt, .tsv, .gz) nor Parquet; set format: if it is one of them.`);
    const table = `${schema}.${ident(`__${name}_${i}`)}`;
    try {
      if (format === 'parquet') {
        await db.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row
          FROM read_parquet(${literal(full)}, file_row_number = true)`);
      } else {
        const encoding = source.encoding === 'auto' ? (looksUtf8(full) ? 'utf-8' : 'windows-1252') : source.encoding;
        const readable = encoding === 'windows-1252' ? await transcodeToUtf8(full, scratchDir, i) : full;
        await stageCsv(db, table, readable, source);
      }
    } catch (error) {
      throw new MappingError(`${where}: cannot read ${rel} as ${format.toUpperCase()} (${duckdbMessage(error)}). Check delimiter:, encoding: and skipLines:.`);
    }
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    counts.push({ file: rel, rows: n });
    // _line: where a person finds the row in the file: for CSV the record plus the header and the
    // lines skipped before it; Parquet has no lines, its record number stands for one.
    selects.push(format === 'parquet'
      ? `SELECT ${literal(rel)} AS _file, _row AS _line, * FROM ${table}`
      : `SELECT ${literal(rel)} AS _file, rowid + 1 AS _row, rowid + ${2 + source.skipLines} AS _line, * FROM ${table}`);
  }
  await db.exec(`CREATE OR REPLACE VIEW ${schema}.${ident(name)} AS ${selects.join('\nUNION ALL BY NAME\n')}`);
  const columns = (await db.query<{ column_name: string }>(`DESCRIBE ${schema}.${ident(name)}`)).map((c) => c.column_name).filter((c) => !c.startsWith('_'));
  return { mapping: mapping.name, source: name, kind: 'files', files: counts, rows: counts.reduce((s, c) => s + c.rows, 0), columns };
};

const readDerivedSource = async (db: Database, schema: string, mapping: LoadedMapping, name: string, source: Source): Promise<SourceSummary> => {
  const table = `${schema}.${ident(name)}`;
  try {
    const described = await db.query<{ column_name: string }>(`DESCRIBE (${source.sql})`);
    const has = (c: string) => described.some((d) => d.column_name === c);
    // A derived source that keeps _file and _row (and _line) of the rows it comes from points
    // rejects at the user's file; otherwise at its own rows.
    const provenance = has('_file') && has('_row')
      ? (has('_line') ? '' : '_row AS _line, ')
      : `${literal(`sql:${name}`)} AS _file, row_number() OVER () AS _row, row_number() OVER () AS _line, `;
    const rest = provenance && !(has('_file') && has('_row')) ? `COLUMNS(c -> c NOT IN ('_file', '_row', '_line'))` : '*';
    await db.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT ${provenance}${rest} FROM (${source.sql})`);
  } catch (error) {
    throw new MappingError(`mapping ${mapping.name} (${mapping.file}), sources.${name}.sql: DuckDB cannot run it: ${duckdbMessage(error)} ` +
      '(a derived source may use the sources declared before it)');
  }
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  const columns = (await db.query<{ column_name: string }>(`DESCRIBE ${table}`)).map((c) => c.column_name).filter((c) => !c.startsWith('_'));
  return { mapping: mapping.name, source: name, kind: 'sql', files: [], rows: n, columns };
};

/** Reads every source of a mapping, in declaration order, into `schema` (the search path must be `schema`). */
export const readSources = async (
  db: Database, schema: string, mapping: LoadedMapping, inputDir: string, scratchDir: string,
): Promise<SourceSummary[]> => {
  const summaries: SourceSummary[] = [];
  for (const [name, source] of Object.entries(mapping.spec.sources)) {
    summaries.push(source.sql
      ? await readDerivedSource(db, schema, mapping, name, source)
      : await readFileSource(db, schema, mapping, name, source, inputDir, scratchDir));
  }
  return summaries;
};
