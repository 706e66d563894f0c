/**
 * Turning a CSV file as a user exports it into a file DuckDB can parse without losing a row, and
 * the facts to check the parse against. Shared by the loader and the mapping's source reader.
 *
 * - gzip is decompressed (a truncated archive is named as such), UTF-16 (with a BOM, or without
 *   one: Excel's "Unicode text", Google Ads' "Excel CSV") and Windows-1252 are transcoded to
 *   UTF-8 (how the bytes are recognised and decoded: pipelines/text/encoding.ts);
 * - the encoding is decided per file on evidence from the whole file: a UTF-8 file with a few
 *   invalid bytes stays UTF-8 and only the records holding them are set aside;
 * - records the parser would misread (a quote never closed, a record too long) are replaced by an
 *   empty placeholder record, so every record keeps its number and the rest of the file reads;
 * - NUL bytes are removed (and the lines holding them reported).
 * A copy is written to the scratch folder only when one of these applies; a clean UTF-8 file is
 * read where it is. Every message names the user's file, never the copy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import type { Database } from '../db/duckdb.js';
import { decoderStream, gunzipFile, isGzip, readHead, transcodeFile, utf16Of, utf8OrWindows1252 } from '../text/encoding.js';
import { scanCsv, type CsvScan, type MalformedRecord } from './csv-scan.js';

export type CsvEncoding = 'auto' | 'utf-8' | 'windows-1252' | 'utf-16';

/** A problem with the file itself; callers wrap it in their own error type (ExtractError, MappingError). */
export class CsvInputError extends Error {
  override name = 'CsvInputError';
}

export interface PreparedCsv {
  /** The user's file: what every message and reject names. */
  file: string;
  /** The file DuckDB reads: the user's file, or a UTF-8 copy in the scratch folder. */
  readable: string;
  /** How the file was read, for the run summary: e.g. "utf-8", "windows-1252", "utf-16le (gzip)". */
  encoding: string;
  delimiter: string;
  /** Header cells as written (outer quotes removed), in order. */
  header: string[];
  /** Data records, the malformed ones included; the parser must return exactly this many rows. */
  records: number;
  /** Records read as an empty placeholder, each with its line and reason: rejects. */
  malformed: MalformedRecord[];
  nulLines: number[];
  nulBytes: number;
  shifts: CsvScan['shifts'];
  quotedNewlines: boolean;
}

const DELIMITERS = [',', ';', '\t', '|'];

/** Splits one header line on the delimiter, honouring quotes ('""' is a quote). */
export const splitHeader = (line: string, delimiter: string): string[] => {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"' && cell.trim() === '') { quoted = true; cell = ''; } else if (ch === delimiter) { cells.push(cell); cell = ''; } else cell += ch;
  }
  cells.push(cell);
  return cells;
};

/** The delimiter the header line uses most, outside quotes (a one-column file gets ","). */
export const sniffDelimiter = (headerLine: string): string => {
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = splitHeader(headerLine, d).length - 1;
    if (count > bestCount) { best = d; bestCount = count; }
  }
  return best;
};

const scratchPath = (scratchDir: string, file: string, tag: string) => {
  fs.mkdirSync(scratchDir, { recursive: true });
  return path.join(scratchDir, `${path.basename(file)}.${process.pid}.${tag}.csv`);
};

/**
 * Copies `source` to `target` replacing each malformed record's bytes by a placeholder record
 * (one delimiter and a line break: a row of empty cells the caller rejects with the record's
 * reason), dropping NUL bytes, and decoding from Windows-1252 when asked.
 */
const writeRepaired = async (source: string, target: string, delimiter: string, malformed: MalformedRecord[], dropNul: boolean, from1252: boolean) => {
  const ranges = [...malformed].sort((a, b) => a.start - b.start);
  const placeholder = Buffer.from(`${delimiter}\n`);
  let offset = 0;
  let next = 0;
  const repair = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const parts: Buffer[] = [];
      let from = 0;
      while (from < chunk.length) {
        const absolute = offset + from;
        const range = ranges[next];
        if (range && absolute >= range.start) {
          if (absolute === range.start) parts.push(placeholder);
          const skipTo = Math.min(chunk.length, range.end - offset);
          from = Math.max(from, skipTo);
          if (offset + from >= range.end) next++;
          continue;
        }
        const until = range ? Math.min(chunk.length, range.start - offset) : chunk.length;
        parts.push(chunk.subarray(from, until));
        from = until;
      }
      offset += chunk.length;
      let out = Buffer.concat(parts);
      if (dropNul && out.includes(0)) out = Buffer.from(out.filter((b) => b !== 0));
      done(null, out);
    },
  });
  if (from1252) await pipeline(fs.createReadStream(source), repair, decoderStream('windows-1252'), fs.createWriteStream(target));
  else await pipeline(fs.createReadStream(source), repair, fs.createWriteStream(target));
};

export interface PrepareOptions {
  delimiter: string; // 'auto' or one character
  encoding: CsvEncoding;
  scratchDir: string;
  /** Physical lines before the header (report titles), kept in the copy for the reader to skip. */
  skipLines?: number;
}

/** Prepares one CSV file for reading; throws CsvInputError (naming `file`) for what cannot be read. */
export const prepareCsv = async (file: string, options: PrepareOptions): Promise<PreparedCsv> => {
  const name = file;
  if (fs.statSync(file).size === 0) throw new CsvInputError(`${name}: the file is empty (0 bytes, not even a header line).`);
  let raw = file;
  const notes: string[] = [];
  let head = readHead(raw, 128);

  if (isGzip(head)) {
    const target = scratchPath(options.scratchDir, file, 'gunzip');
    try {
      await gunzipFile(file, target);
    } catch (error) {
      throw new CsvInputError(`${name}: the gzip archive is truncated or corrupt (${(error as Error).message}). Compress the export again, or provide it uncompressed.`);
    }
    raw = target;
    notes.push('gzip');
    if (fs.statSync(raw).size === 0) throw new CsvInputError(`${name}: the file is empty once decompressed (not even a header line).`);
    head = readHead(raw, 128);
  }

  let encoding: string | undefined;
  const utf16 = utf16Of(head);
  if (utf16 || options.encoding === 'utf-16') {
    const label = utf16 ?? 'utf-16le';
    const target = scratchPath(options.scratchDir, file, 'utf8');
    // TextDecoder drops the BOM; the bytes go through JS, the rows do not.
    await transcodeFile(raw, target, label);
    if (raw !== file) fs.rmSync(raw, { force: true });
    raw = target;
    encoding = label;
  }

  // The header line, from the first 1 MB (ASCII-compatible bytes at this point).
  const firstBytes = readHead(raw, 1024 * 1024);
  const headerText = new TextDecoder(encoding || options.encoding !== 'windows-1252' ? 'utf-8' : 'windows-1252').decode(firstBytes)
    .replace(/^\uFEFF/, '').split('\n').slice(options.skipLines ?? 0).join('\n').replace(/^(\s*\r?\n)+/, '').split(/\r?\n/)[0] ?? '';
  const delimiter = options.delimiter === 'auto' ? sniffDelimiter(headerText) : options.delimiter;

  let scan: CsvScan;
  try {
    scan = scanCsv(raw, delimiter, undefined, options.skipLines ?? 0);
  } catch (error) {
    throw new CsvInputError(`${name}: ${(error as Error).message}.`);
  }
  if (!scan.header) throw new CsvInputError(`${name}: the file is empty (only blank lines, not even a header line).`);

  if (!encoding) {
    if (options.encoding === 'utf-8' || options.encoding === 'windows-1252') encoding = options.encoding;
    // Evidence: the text is UTF-8 when valid UTF-8 characters outnumber the invalid byte sequences.
    else encoding = utf8OrWindows1252(scan);
  }
  const malformed = encoding === 'utf-8' ? [...scan.malformed, ...scan.notUtf8].sort((a, b) => a.record - b.record) : scan.malformed;
  const from1252 = encoding === 'windows-1252';
  const header = splitHeader(new TextDecoder(from1252 ? 'windows-1252' : 'utf-8')
    .decode(readHead(raw, scan.header.end).subarray(scan.header.start)).replace(/^\uFEFF/, '').replace(/\0/g, ''), delimiter);

  let readable = raw;
  if (malformed.length > 0 || scan.nulBytes > 0 || from1252) {
    const target = scratchPath(options.scratchDir, file, 'repaired');
    await writeRepaired(raw, target, delimiter, malformed, scan.nulBytes > 0, from1252);
    if (raw !== file) fs.rmSync(raw, { force: true });
    readable = target;
  }
  const invalid = scan.notUtf8.length;
  return {
    file,
    readable,
    encoding: [encoding, ...notes].join(' ') + (encoding === 'utf-8' && invalid > 0 ? ` (${invalid} record(s) with invalid bytes)` : ''),
    delimiter,
    header,
    records: scan.records,
    malformed,
    nulLines: scan.nulLines,
    nulBytes: scan.nulBytes,
    shifts: scan.shifts,
    quotedNewlines: scan.quotedNewlines,
  };
};

/** Removes the scratch copy, if one was made. */
export const releaseCsv = (prepared: PreparedCsv) => {
  if (prepared.readable !== prepared.file) fs.rmSync(prepared.readable, { force: true });
};

/**
 * The scan's shifts as a DuckDB table (record, shift), so line numbers are found set-based: the
 * line of record r is r + the shift of the last row with record <= r (an ASOF join).
 */
export const writeShiftsTable = async (db: Database, table: string, prepared: Pick<PreparedCsv, 'shifts'>) => {
  await db.exec(`CREATE OR REPLACE TABLE ${table} (record BIGINT, shift BIGINT)`);
  for (let i = 0; i < prepared.shifts.length; i += 1000) {
    await db.exec(`INSERT INTO ${table} VALUES ${prepared.shifts.slice(i, i + 1000).map((x) => `(${x.record}, ${x.shift})`).join(', ')}`);
  }
};

/** Physical line of a data record (1-based), from the scan's shifts. */
export const lineOfRecord = (prepared: Pick<PreparedCsv, 'shifts'>, record: number): number => {
  let shift = 1;
  for (const s of prepared.shifts) { if (s.record > record) break; shift = s.shift; }
  return record + shift;
};
