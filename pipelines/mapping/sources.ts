/**
 * Reading a mapping's sources into DuckDB, in the mapping's own schema: files as text tables
 * (every CSV cell VARCHAR, so nothing is coerced before the mapping says how; Parquet keeps its
 * types), each row with `_file` (path within the input folder) and `_row` (record number in
 * the file); derived sources as tables built from their SQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ident, literal, type Database } from '../db/duckdb.js';
import { CsvInputError, lineOfRecord, prepareCsv, releaseCsv, writeShiftsTable, type PreparedCsv } from '../load/csv-input.js';
import { MAX_RECORD_BYTES } from '../load/csv-scan.js';
import { isInside } from '../load/read.js';
import { formatOf, matchFiles } from './files.js';
import { MappingError, type LoadedMapping } from './load-mapping.js';
import type { Source } from './schema.js';

export interface SourceFileCount {
  file: string;
  rows: number;
  /** How the file's text was decoded (CSV), e.g. "utf-8", "windows-1252", "utf-16le". */
  encoding?: string;
}

/** A record of a source file the reader could not take (quote never closed, too many fields…). */
export interface MalformedSourceRecord {
  file: string;
  row: number;
  line: number;
  value: string | null;
  reason: string;
}

export interface SourceSummary {
  mapping: string;
  source: string;
  kind: 'files' | 'sql';
  files: SourceFileCount[];
  rows: number;
  columns: string[];
  /** Records set aside while reading, each with its line: the mapping reports them as rejects. */
  malformed?: MalformedSourceRecord[];
}

/** DuckDB's message without its context lines, for people. */
export const duckdbMessage = (error: unknown) => (error as Error).message.split('\n').filter((l) => l.trim() && !/^LINE \d+:|^\s*\^/.test(l)).slice(0, 3).join(' ');

/** Header cells as column names: trimmed, a repeated name numbered (amount, amount_1), as DuckDB does. */
const columnNames = (header: string[]) => {
  const seen = new Map<string, number>();
  return header.map((cell, i) => {
    const base = cell.replace(/^\uFEFF/, '').trim() || `column${i}`;
    const n = seen.get(base.toLowerCase()) ?? 0;
    seen.set(base.toLowerCase(), n + 1);
    return n === 0 ? base : `${base}_${n}`;
  });
};

/**
 * Reads the prepared file as the scan counted it (see load/csv-input.ts): every cell as text, the
 * scan's delimiter, one more column (`__extra`) catching a record with too many fields.
 */
const csvReader = (prepared: PreparedCsv, source: Source, parallel: boolean) =>
  `read_csv(${literal(prepared.readable)}, all_varchar = true, header = true, skip = ${source.skipLines}, ` +
  `delim = ${literal(prepared.delimiter)}, quote = '"', escape = '"', strict_mode = false, auto_detect = false, ` +
  `columns = {${[...columnNames(prepared.header), '__extra'].map((c) => `${literal(c)}: 'VARCHAR'`).join(', ')}}, ` +
  `max_line_size = ${2 * MAX_RECORD_BYTES}, null_padding = true, parallel = ${parallel && !prepared.quotedNewlines})`;

const stageCsv = async (db: Database, table: string, prepared: PreparedCsv, source: Source) => {
  const create = (parallel: boolean) => db.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${csvReader(prepared, source, parallel)}`);
  // DuckDB's parallel reader cannot pad short rows once a quoted field spans lines.
  await create(true).catch((error: Error) => {
    if (/parallel scanner does not support null_padding/.test(error.message)) return create(false);
    throw error;
  });
};

const readFileSource = async (
  db: Database, schema: string, mapping: LoadedMapping, name: string, source: Source, inputDir: string, scratchDir: string, allowOutside: boolean,
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
  const malformed: MalformedSourceRecord[] = [];
  for (const [i, rel] of files.entries()) {
    const full = path.join(inputDir, rel);
    if (!allowOutside && !isInside(inputDir, full)) {
      throw new MappingError(`${where}: ${rel} is a link to ${fs.realpathSync(full)}, outside the export folder ${inputDir}. ` +
        'Copy the file into the folder, or pass --allow-outside-paths if reading it from there is intended.');
    }
    const format = source.format === 'auto' ? formatOf(rel) : source.format;
    if (!format) throw new MappingError(`${where}: ${rel} is neither CSV (.csv, .txt, .tsv, .gz) nor Parquet; set format: if it is one of them.`);
    const table = `${schema}.${ident(`__${name}_${i}`)}`;
    let prepared: PreparedCsv | undefined;
    try {
      if (format === 'parquet') {
        await db.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row
          FROM read_parquet(${literal(full)}, file_row_number = true)`);
      } else {
        prepared = await prepareCsv(full, { delimiter: source.delimiter, encoding: source.encoding, scratchDir: path.join(scratchDir, String(i)), skipLines: source.skipLines });
        await stageCsv(db, table, prepared, source);
      }
    } catch (error) {
      if (error instanceof CsvInputError) throw new MappingError(`${where}: ${error.message.replace(full, rel)}`);
      throw new MappingError(`${where}: cannot read ${rel} as ${format.toUpperCase()} (${duckdbMessage(error).replaceAll(prepared?.readable ?? full, rel)}). Check delimiter:, encoding: and skipLines:.`);
    }
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    if (!prepared) {
      // Parquet has no lines: its record number stands for one.
      counts.push({ file: rel, rows: n });
      selects.push(`SELECT ${literal(rel)} AS _file, _row AS _line, * FROM ${table}`);
      continue;
    }
    releaseCsv(prepared);
    // The parser must return exactly the records the scan counted; the malformed ones (read as
    // empty placeholders) and those with too many fields are set aside with their line.
    if (n !== prepared.records) {
      throw new MappingError(`${where}: ${rel}: DuckDB's CSV reader returned ${n} records but the file holds ${prepared.records} (counted from its lines and quotes); ` +
        `the first line concerned is around line ${lineOfRecord(prepared, Math.min(n, prepared.records) + 1)}. Check the quoting there (a quote inside a field must be doubled: "").`);
    }
    const bad = new Map(prepared.malformed.map((m) => [m.record, { file: rel, row: m.record, line: m.line, value: null as string | null, reason: `malformed record: ${m.reason}` }]));
    const extra = await db.query<{ row: number; value: string }>(`SELECT rowid + 1 AS row, __extra AS value FROM ${table} WHERE __extra IS NOT NULL ORDER BY rowid`);
    for (const e of extra) {
      if (!bad.has(e.row)) bad.set(e.row, { file: rel, row: e.row, line: lineOfRecord(prepared, e.row), value: e.value, reason: `more fields than the header has columns (${prepared.header.length})` });
    }
    malformed.push(...[...bad.values()].sort((a, b) => a.row - b.row));
    counts.push({ file: rel, rows: n - bad.size, encoding: prepared.encoding });
    const skip = bad.size ? ` WHERE rowid + 1 NOT IN (${[...bad.keys()].join(', ')})` : '';
    // _line: where a person finds the record in the file (record + the scan's shift in force:
    // header, skipped lines, line breaks inside earlier quoted fields, blank lines).
    const shifts = `${schema}.${ident(`__${name}_${i}_shifts`)}`;
    await writeShiftsTable(db, shifts, prepared);
    selects.push(`SELECT ${literal(rel)} AS _file, t._row, t._row + coalesce(s.shift, 1) AS _line, t.* EXCLUDE (_row, __extra)
      FROM (SELECT rowid + 1 AS _row, * FROM ${table}${skip}) t ASOF LEFT JOIN ${shifts} s ON t._row >= s.record`);
  }
  await db.exec(`CREATE OR REPLACE VIEW ${schema}.${ident(name)} AS ${selects.join('\nUNION ALL BY NAME\n')}`);
  const columns = (await db.query<{ column_name: string }>(`DESCRIBE ${schema}.${ident(name)}`)).map((c) => c.column_name).filter((c) => !c.startsWith('_'));
  return { mapping: mapping.name, source: name, kind: 'files', files: counts, rows: counts.reduce((s, c) => s + c.rows, 0), columns, malformed };
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
  db: Database, schema: string, mapping: LoadedMapping, inputDir: string, scratchDir: string, allowOutside = false,
): Promise<SourceSummary[]> => {
  const summaries: SourceSummary[] = [];
  for (const [name, source] of Object.entries(mapping.spec.sources)) {
    summaries.push(source.sql
      ? await readDerivedSource(db, schema, mapping, name, source)
      : await readFileSource(db, schema, mapping, name, source, inputDir, scratchDir, allowOutside));
  }
  return summaries;
};
