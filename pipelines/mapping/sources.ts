/**
 * Reading a mapping's sources into DuckDB, in the mapping's own schema: files as text tables
 * (every CSV cell VARCHAR, so nothing is coerced before the mapping says how; Parquet keeps its
 * types), each row with `_file` (path within the input folder) and `_row` (record number in
 * the file); derived sources as tables built from their SQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ident, literal, type Database } from '../db/duckdb.js';
import { CsvInputError, lineOfRecord, prepareCsv, releaseCsv, sniffDelimiter, splitHeader, writeShiftsTable, type PreparedCsv } from '../load/csv-input.js';
import { MAX_RECORD_BYTES } from '../load/csv-scan.js';
import { isInside } from '../load/read.js';
import { matchFiles } from './files.js';
import { fileFormatOf, isGzip, readHead, utf16Of } from '../text/encoding.js';
import { aliasRenames, canonicalName, missingRequired } from './recognise.js';
import { MappingError, type LoadedMapping } from './load-mapping.js';
import { partsOf, type Source } from './schema.js';
import { columnEvidence, decideReadings, rewriteColumns, type StagedFile } from './locale-values.js';
import { OVERRIDES_FILE } from './overrides.js';

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
  /** Set when the folder holds no file for this source (or one it is built on): why. */
  missing?: string;
  /** For a source recognised by header that got no file: the file closest to fitting. */
  nearest?: { file: string; lacks: string[]; columns: string[] };
  /** For a missing source: the file sources with no file it comes down to. */
  roots?: string[];
  /**
   * How values written the way a spreadsheet re-saves them were read (day-first dates, decimal
   * commas), one line per file and column: the run prints them.
   */
  readings?: string[];
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

/** How a source's file is read: its format: setting, else by the file's extension. */
const formatFor = (rel: string, source: Source) => (source.format === 'auto' ? fileFormatOf(rel) : source.format);

/** A file ready to stage: a CSV prepared by load/csv-input.ts, or a Parquet file and its columns. */
type PreparedFile = { format: 'csv'; csv: PreparedCsv; columns: string[] } | { format: 'parquet'; columns: string[] };

/**
 * Prepares each file once per way of reading it, so recognising a file by its header and then
 * staging it costs one read. The scratch copies are released together at the end.
 */
const filePreparer = (db: Database, inputDir: string, scratchDir: string, allowOutside: boolean) => {
  const cache = new Map<string, Promise<PreparedFile>>();
  const prepare = async (rel: string, source: Source, where: string): Promise<PreparedFile> => {
    const full = path.join(inputDir, rel);
    if (!allowOutside && !isInside(inputDir, full)) {
      throw new MappingError(`${where}: ${rel} is a link to ${fs.realpathSync(full)}, outside the export folder ${inputDir}. ` +
        'Copy the file into the folder, or pass --allow-outside-paths if reading it from there is intended.');
    }
    const format = formatFor(rel, source);
    if (!format) throw new MappingError(`${where}: ${rel} is neither CSV (.csv, .txt, .tsv, .gz) nor Parquet; set format: if it is one of them.`);
    try {
      if (format === 'parquet') {
        const described = await db.query<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${literal(full)})`);
        return { format, columns: described.map((d) => d.column_name) };
      }
      const csv = await prepareCsv(full, { delimiter: source.delimiter, encoding: source.encoding, scratchDir: path.join(scratchDir, String(cache.size)), skipLines: source.skipLines });
      return { format, csv, columns: columnNames(csv.header) };
    } catch (error) {
      if (error instanceof CsvInputError) throw new MappingError(`${where}: ${error.message.replace(full, rel)}`);
      throw new MappingError(`${where}: cannot read ${rel} as ${format.toUpperCase()} (${duckdbMessage(error).replaceAll(full, rel)}). Check delimiter:, encoding: and skipLines:.`);
    }
  };
  const get = (rel: string, source: Source, where: string) => {
    const key = JSON.stringify([rel, source.format, source.delimiter, source.encoding, source.skipLines]);
    if (!cache.has(key)) cache.set(key, prepare(rel, source, where));
    return cache.get(key)!;
  };
  return {
    get,
    /** A file's column names, from its first bytes when it is a plain CSV (recognising a file must not read it all). */
    columns: async (rel: string, source: Source, where: string): Promise<string[]> => {
      const format = formatFor(rel, source);
      const peeked = format === 'csv' && isInside(inputDir, path.join(inputDir, rel)) ? peekCsvHeader(path.join(inputDir, rel), source) : undefined;
      return peeked ?? (await get(rel, source, where)).columns;
    },
    release: async () => {
      for (const p of cache.values()) {
        const prepared = await p.catch(() => undefined);
        if (prepared?.format === 'csv') releaseCsv(prepared.csv);
      }
    },
  };
};

const PEEK_BYTES = 256 * 1024;

/**
 * The header of a CSV from its first bytes (UTF-16 as the loader recognises it, or UTF-8, else Windows-1252), or
 * undefined when that is not enough (gzip, a header longer than the bytes read): then the file is
 * prepared in full.
 */
const peekCsvHeader = (file: string, source: Source): string[] | undefined => {
  const bytes = readHead(file, PEEK_BYTES);
  const n = bytes.length;
  if (isGzip(bytes)) return undefined;
  const label = utf16Of(bytes) ?? 'utf-8';
  let text = new TextDecoder(label).decode(bytes);
  if (label === 'utf-8' && text.slice(0, 4096).includes('\uFFFD')) text = new TextDecoder('windows-1252').decode(bytes);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rest = lines.slice(source.skipLines);
  const at = rest.findIndex((l) => l.trim() !== '');
  // The line must end within the bytes read.
  if (at < 0 || (n === PEEK_BYTES && at === rest.length - 1)) return undefined;
  const line = rest[at]!.replace(/\0/g, '');
  return columnNames(splitHeader(line, source.delimiter === 'auto' ? sniffDelimiter(line) : source.delimiter));
};

type Preparer = ReturnType<typeof filePreparer>;

const patternsOf = (source: Source) => (typeof source.files === 'string' ? [source.files] : source.files!);

/** What a source looks for, for messages: its file patterns and, when it has them, the headers required. */
export const lookedFor = (source: Source) =>
  `${patternsOf(source).map((p) => `"${p}"`).join(', ')}${source.requires ? ` holding the columns ${source.requires.join(', ')}` : ''}`;

export interface FileAssignment {
  /** Source name → its files (relative to the input folder). */
  files: Map<string, string[]>;
  /** Candidate files of the sources recognised by header that no source took. */
  unrecognised: string[];
  /** For a source recognised by header that got no file: the candidate closest to fitting. */
  nearest: Map<string, { file: string; lacks: string[]; columns: string[] }>;
}

/**
 * Which files belong to which source: by name (files:) and, for sources with requires:, by the
 * headers each candidate holds. A file that fits two sources recognised by header stops the run.
 */
export const assignFiles = async (mapping: LoadedMapping, inputDir: string, prep: Preparer): Promise<FileAssignment> => {
  const files = new Map<string, string[]>();
  const claims = new Map<string, string[]>();
  const candidates = new Set<string>();
  const byName = new Set<string>();
  const nearest: FileAssignment['nearest'] = new Map();
  for (const [name, source] of Object.entries(mapping.spec.sources)) {
    if (source.sql) continue;
    const matched = matchFiles(inputDir, patternsOf(source));
    if (!source.requires) {
      files.set(name, matched);
      for (const f of matched) byName.add(f);
      continue;
    }
    const own: string[] = [];
    for (const rel of matched) {
      candidates.add(rel);
      const columns = await prep.columns(rel, source, `mapping ${mapping.name} (${mapping.file}), sources.${name}`);
      const lacks = missingRequired(source, columns);
      if (lacks.length === 0) {
        own.push(rel);
        claims.set(rel, [...(claims.get(rel) ?? []), name]);
      } else if (!nearest.has(name) || nearest.get(name)!.lacks.length > lacks.length) {
        nearest.set(name, { file: rel, lacks, columns });
      }
    }
    files.set(name, own);
  }
  for (const [rel, names] of claims) {
    if (names.length > 1) {
      throw new MappingError(`mapping ${mapping.name} (${mapping.file}): ${rel} holds the columns of several sources (${names.map((n) => `sources.${n}`).join(', ')}), ` +
        'so which data it is cannot be told: keep one such file per download, or add a column only one of them has to its requires:.');
    }
  }
  const unrecognised = [...candidates].filter((f) => !claims.has(f) && !byName.has(f));
  return { files, unrecognised, nearest };
};

const readFileSource = async (
  db: Database, schema: string, mapping: LoadedMapping, name: string, source: Source, inputDir: string, files: string[], prep: Preparer,
  staged: (StagedFile & { source: string })[],
): Promise<SourceSummary> => {
  const where = `mapping ${mapping.name} (${mapping.file}), sources.${name}`;
  const selects: string[] = [];
  const counts: SourceFileCount[] = [];
  const malformed: MalformedSourceRecord[] = [];
  for (const [i, rel] of files.entries()) {
    const full = path.join(inputDir, rel);
    const ready = await prep.get(rel, source, where);
    const table = `${schema}.${ident(`__${name}_${i}`)}`;
    const prepared = ready.format === 'csv' ? ready.csv : undefined;
    try {
      if (!prepared) {
        await db.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row
          FROM read_parquet(${literal(full)}, file_row_number = true)`);
      } else {
        await stageCsv(db, table, prepared, source);
      }
    } catch (error) {
      throw new MappingError(`${where}: cannot read ${rel} as ${ready.format.toUpperCase()} (${duckdbMessage(error).replaceAll(prepared?.readable ?? full, rel)}). Check delimiter:, encoding: and skipLines:.`);
    }
    // Aliases: the file's headers take their canonical names before any SQL sees them.
    const { renames, clash } = aliasRenames(source.aliases, ready.columns);
    if (clash) throw new MappingError(`${where}: ${rel}: ${clash}.`);
    for (const [from, to] of renames) await db.exec(`ALTER TABLE ${table} RENAME COLUMN ${ident(from)} TO ${ident(to)}`);
    if (prepared) {
      // What the text shows (dates with slashes, numbers written the French way), read once all
      // files are staged: an order one file cannot tell may be told by the others (locale-values.ts).
      const renamed = new Map(renames);
      const names = ready.columns.map((c) => ({ header: c, column: renamed.get(c) ?? c }));
      const evidence = await columnEvidence(db, table, names.map((n) => n.column));
      // In the file's column order, so the readings print in a stable order.
      const position = (column: string) => names.findIndex((n) => n.column === column);
      staged.push({ source: name, file: rel, table, evidence: evidence.sort((a, b) => position(a.column) - position(b.column))
        .map((e) => ({ ...e, header: names[position(e.column)]!.header })) });
    }
    const present = new Set(ready.columns.map((c) => canonicalName(source.aliases, c).toLowerCase()));
    for (const c of source.optionalColumns.filter((o) => !present.has(canonicalName(source.aliases, o).toLowerCase()))) {
      await db.exec(`ALTER TABLE ${table} ADD COLUMN ${ident(canonicalName(source.aliases, c))} VARCHAR`);
    }
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    if (!prepared) {
      // Parquet has no lines: its record number stands for one.
      counts.push({ file: rel, rows: n });
      selects.push(`SELECT ${literal(rel)} AS _file, _row AS _line, * FROM ${table}`);
      continue;
    }
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

/**
 * What the mapping says about a source column, for reading its values (locale-values.ts): whether a
 * day/month `format:` reads it, and whether the mapping reads it at all (its name in a column or
 * SQL of the mapping: a column nothing reads cannot stop the run).
 */
const readingRules = (mapping: LoadedMapping, inputDir: string) => {
  // Every SQL text of the mapping, and every column it names plainly.
  const parts = Object.values(mapping.spec.extracts).flatMap((spec) => partsOf(spec!));
  const sqlTexts = [
    ...Object.values(mapping.spec.sources).map((source) => source.sql ?? ''),
    ...parts.flatMap((part) => [part.where ?? '', ...part.join.map((j) => j.on), ...part.reject.map((r) => r.when),
      ...Object.values(part.columns).map((c) => (typeof c === 'string' ? '' : c.sql ?? ''))]),
  ].filter(Boolean);
  const plainColumns = new Set(parts.flatMap((part) => Object.values(part.columns)).map((c) => (typeof c === 'string' ? c : c.column ?? '').toLowerCase()).filter(Boolean));
  const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** The column named in SQL, as a word (quoted or not). */
  const names = (column: string) => new RegExp(`(^|[^A-Za-z0-9_])"?${escape(column)}"?([^A-Za-z0-9_]|$)`, 'i');
  const columnSpecs = Object.values(mapping.spec.extracts).flatMap((spec) => partsOf(spec!)).flatMap((part) => Object.values(part.columns))
    .filter((c): c is Exclude<typeof c, string> => typeof c !== 'string');
  return {
    formatted: (column: string) => columnSpecs.some((c) => [c.format ?? []].flat().some((f) => /%d/.test(f) && /%m/.test(f)) &&
      (c.column?.toLowerCase() === column.toLowerCase() || (c.sql !== undefined && names(column).test(c.sql)))),
    // A number the mapping itself reads with a decimal comma is left to it (its multiply:, divide: apply to that reading).
    commaDecimal: (column: string) => columnSpecs.some((c) => c.decimal === ',' && c.column?.toLowerCase() === column.toLowerCase()),
    referenced: (column: string) => plainColumns.has(column.toLowerCase()) || sqlTexts.some((sql) => names(column).test(sql)),
    dateOrder: mapping.dateOrder,
    overridesFile: path.join(inputDir, OVERRIDES_FILE),
  };
};

/** Does a derived source's SQL name this source (as a word)? */
const mentions = (sql: string, name: string) => new RegExp(`(^|[^A-Za-z0-9_"])"?${name}"?([^A-Za-z0-9_"]|$)`, 'i').test(sql);

export interface ReadSourcesResult {
  summaries: SourceSummary[];
  /** Candidate files no source recognised by its columns. */
  unrecognised: string[];
}

/**
 * Reads every source of a mapping, in declaration order, into `schema` (the search path must be
 * `schema`). A file source with no file is missing (summary.missing says what was looked for), and
 * so is a derived source built on a missing one: the extracts built on them are not provided.
 */
export const readSources = async (
  db: Database, schema: string, mapping: LoadedMapping, inputDir: string, scratchDir: string, allowOutside = false,
  /** false: the files' values as written (what `npm run init` profiles), not read back into the vendor's form. */
  { readValues = true }: { readValues?: boolean } = {},
): Promise<ReadSourcesResult> => {
  const prep = filePreparer(db, inputDir, scratchDir, allowOutside);
  try {
    const assigned = await assignFiles(mapping, inputDir, prep);
    const byName = new Map<string, SourceSummary>();
    const missing = new Set<string>();
    const staged: (StagedFile & { source: string })[] = [];
    const entries = Object.entries(mapping.spec.sources);
    const empty = (name: string, source: Source) => ({ mapping: mapping.name, source: name, kind: source.sql ? 'sql' as const : 'files' as const, files: [], rows: 0, columns: [] });
    // File sources first: their values are read back into the vendor's form (locale-values.ts)
    // before any derived source is built from them.
    for (const [name, source] of entries) {
      if (source.sql) continue;
      const files = assigned.files.get(name) ?? [];
      if (files.length === 0) {
        missing.add(name);
        const near = assigned.nearest.get(name);
        byName.set(name, { ...empty(name, source), missing: `no file in ${inputDir} matches ${lookedFor(source)}`, roots: [name], ...(near ? { nearest: near } : {}) });
        continue;
      }
      byName.set(name, await readFileSource(db, schema, mapping, name, source, inputDir, files, prep, staged));
    }
    for (const { file, rewrites, notes } of readValues ? decideReadings(staged, readingRules(mapping, inputDir)) : []) {
      await rewriteColumns(db, file.table, rewrites);
      const summary = byName.get((file as StagedFile & { source: string }).source)!;
      if (notes.length) summary.readings = [...(summary.readings ?? []), ...notes];
    }
    for (const [name, source] of entries) {
      if (!source.sql) continue;
      const lacking = [...missing].filter((m) => mentions(source.sql!, m));
      if (lacking.length) {
        missing.add(name);
        const roots = [...new Set(lacking.flatMap((l) => byName.get(l)!.roots!))];
        byName.set(name, { ...empty(name, source), missing: `built on ${lacking.join(', ')}, which the folder does not hold`, roots });
      } else byName.set(name, await readDerivedSource(db, schema, mapping, name, source));
    }
    const summaries = entries.map(([name]) => byName.get(name)!);
    return { summaries, unrecognised: assigned.unrecognised };
  } finally {
    await prep.release();
  }
};
