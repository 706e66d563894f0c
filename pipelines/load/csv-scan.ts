/**
 * Counting a CSV file's records without DuckDB's parser, so that what the parser returns can be
 * checked against it: one streaming pass over the bytes, following physical lines and the quote
 * state as RFC 4180 defines it ('"' opens a field only at its start, '""' inside quotes is a quote,
 * a closing quote is followed by a delimiter or the end of the line).
 *
 * Why not trust the parser alone: an unterminated quote makes any CSV reader swallow the rest of
 * the file into one field, and the counts it reports still add up. Here a quote that never closes
 * (or closes in the middle of a field) marks its record as malformed and scanning resumes on the
 * next line, so one bad line costs one record, not the rest of the file.
 *
 * The scan also gathers the evidence for the encoding (is every record valid UTF-8?), NUL bytes,
 * records too long to read, and where each record starts (for physical line numbers).
 * The loop looks at bytes, not rows: no value is decoded or built here.
 */
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';

const QUOTE = 0x22;
const NL = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SPACE = 0x20;
const CHUNK = 8 * 1024 * 1024;

/** DuckDB's own limit for one record (its `max_line_size` default); longer records are rejected. */
export const MAX_RECORD_BYTES = 2_000_000;

export interface MalformedRecord {
  /** Data record number (1-based, header excluded), as the reader numbers the rows it returns. */
  record: number;
  /** Physical line where the record starts, and where the bad part ends. */
  line: number;
  lastLine: number;
  /** Byte range to replace by an empty placeholder record before the parser reads the file. */
  start: number;
  end: number;
  reason: string;
}

export interface CsvScan {
  /** Byte range of the header line (the first non-blank record), without its line break. */
  header: { start: number; end: number } | undefined;
  /** Data records, malformed ones included (each counts as one record), header and blank lines excluded. */
  records: number;
  lines: number;
  /** Quote never closed or closed mid-field, record too long: never seen by the parser. */
  malformed: MalformedRecord[];
  /** Records holding bytes that are not UTF-8: malformed if the file is read as UTF-8. */
  notUtf8: MalformedRecord[];
  /** Evidence for the encoding: valid non-ASCII characters and invalid byte sequences seen. */
  utf8Chars: number;
  invalidSequences: number;
  /** Physical lines holding NUL bytes (first 1,000), and how many NUL bytes in all. */
  nulLines: number[];
  nulBytes: number;
  /**
   * Where records start: `shift` = physical line − record number, from `record` on (until the next
   * entry). Changes only after multi-line records, blank lines and malformed records.
   */
  shifts: { record: number; shift: number }[];
  /** Some quoted field spans lines (DuckDB's parallel reader cannot pad short rows then). */
  quotedNewlines: boolean;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** Byte offset of the start of physical line `skipLines + 1` (lines before a header: report titles). */
const offsetAfterLines = (fd: number, size: number, skipLines: number): number => {
  const buffer = Buffer.alloc(64 * 1024);
  let pos = 0;
  let skipped = 0;
  while (skipped < skipLines && pos < size) {
    const n = fs.readSync(fd, buffer, 0, buffer.length, pos);
    let from = 0;
    while (skipped < skipLines) {
      const nl = buffer.indexOf(NL, from);
      if (nl < 0 || nl >= n) break;
      skipped++;
      from = nl + 1;
    }
    pos += skipped < skipLines ? n : from;
  }
  return Math.min(pos, size);
};

/**
 * Scans `file` (UTF-8 or a single-byte encoding; the delimiter is one ASCII byte), after
 * `skipLines` physical lines that precede the header.
 */
export const scanCsv = (file: string, delimiter: string, maxRecordBytes = MAX_RECORD_BYTES, skipLines = 0): CsvScan => {
  const delim = delimiter.charCodeAt(0);
  const result: CsvScan = {
    header: undefined, records: 0, lines: 0, malformed: [], notUtf8: [], utf8Chars: 0, invalidSequences: 0,
    nulLines: [], nulBytes: 0, shifts: [], quotedNewlines: false,
  };
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const buffer = Buffer.alloc(CHUNK);
  const lenient = new TextDecoder('utf-8');

  const start = offsetAfterLines(fd, size, skipLines);
  let line = 1 + skipLines; // physical line of the current byte
  let recordStart = start;
  let recordLine = line;
  let recordBlank = true; // nothing but a CR so far on this record
  let fieldStart = true;
  let inQuote = false;
  let quoteLine = 0;
  let afterQuoteLine = -1; // offset of the line following the line of the open quote
  let lastShift = Number.NaN;
  let lastNulLine = 0;

  const endRecord = (end: number, chunkUtf8: boolean, chunk: Buffer, chunkPos: number) => {
    if (recordBlank) return; // DuckDB skips blank lines
    if (!result.header) {
      result.header = { start: recordStart, end: end > recordStart && chunk[end - chunkPos - 1] === CR ? end - 1 : end };
      return;
    }
    const record = ++result.records;
    const shift = recordLine - record;
    if (shift !== lastShift) { result.shifts.push({ record, shift }); lastShift = shift; }
    const bytes = end - recordStart;
    if (bytes > maxRecordBytes) {
      result.malformed.push({ record, line: recordLine, lastLine: line, start: recordStart, end: end + 1, reason:
        `record of ${plural(bytes, 'byte')}, over the ${maxRecordBytes.toLocaleString('en')} a record may hold (a field this long is usually a quote never closed or a binary value)` });
    } else if (!chunkUtf8 && recordStart >= chunkPos && !isUtf8(chunk.subarray(recordStart - chunkPos, end - chunkPos))) {
      result.notUtf8.push({ record, line: recordLine, lastLine: line, start: recordStart, end: end + 1, reason:
        'bytes that are not valid UTF-8 (the file is UTF-8 elsewhere): re-export the file as UTF-8' });
    }
  };

  let pos = start;
  try {
    while (pos < size) {
      let n = fs.readSync(fd, buffer, 0, CHUNK, pos);
      if (n <= 0) break;
      const eof = pos + n >= size;
      // End chunks on a line break, so no character is split and records rarely straddle chunks.
      if (!eof) { const last = buffer.lastIndexOf(NL, n - 1); if (last > 0) n = last + 1; }
      const chunk = buffer.subarray(0, n);
      const chunkUtf8 = isUtf8(chunk);
      if (!chunkUtf8) {
        const text = lenient.decode(chunk);
        for (let k = 0; k < text.length; k++) {
          const code = text.charCodeAt(k);
          if (code === 0xfffd) result.invalidSequences++;
          else if (code > 0x7f && (code < 0xdc00 || code > 0xdfff)) result.utf8Chars++;
        }
      }
      let restart = -1;
      let i = 0;
      // Fast path for the usual chunk, with no quote and no NUL: only line breaks matter, found
      // natively (one call per line instead of a step per byte).
      if (!inQuote && chunk.indexOf(QUOTE) < 0 && chunk.indexOf(NUL) < 0) {
        let start = 0;
        while (start < n) {
          const nl = chunk.indexOf(NL, start);
          const end = nl < 0 ? n : nl;
          if (end - start > 1 || (end - start === 1 && chunk[start] !== CR)) recordBlank = false;
          if (nl < 0) break;
          endRecord(pos + nl, chunkUtf8, chunk, pos);
          line++;
          recordStart = pos + nl + 1;
          recordLine = line;
          recordBlank = true;
          start = nl + 1;
        }
        fieldStart = true;
        i = n;
      }
      for (; i < n; i++) {
        const c = chunk[i]!;
        if (c !== QUOTE && c !== NL && c !== delim && c !== NUL) {
          if (c !== CR) recordBlank = false;
          // Like DuckDB, spaces before an opening quote are ignored: `a, "b,c"` has two fields.
          if (c !== SPACE) fieldStart = false;
          continue;
        }
        if (c === NL) {
          if (inQuote) {
            if (afterQuoteLine < 0) afterQuoteLine = pos + i + 1;
            result.quotedNewlines = true;
            line++;
            continue;
          }
          endRecord(pos + i, chunkUtf8, chunk, pos);
          line++;
          recordStart = pos + i + 1;
          recordLine = line;
          recordBlank = true;
          fieldStart = true;
          continue;
        }
        recordBlank = false;
        if (c === NUL) {
          result.nulBytes++;
          if (line !== lastNulLine && result.nulLines.length < 1000) result.nulLines.push(line);
          lastNulLine = line;
          fieldStart = false;
          continue;
        }
        if (c === delim) {
          if (!inQuote) fieldStart = true;
          continue;
        }
        // A quote.
        if (!inQuote) {
          if (fieldStart) { inQuote = true; quoteLine = line; afterQuoteLine = -1; }
          fieldStart = false;
          continue;
        }
        // The byte after the quote, past spaces (DuckDB accepts `"b" ,c`).
        let j = i + 1;
        while (j < n && chunk[j] === SPACE && delim !== SPACE) j++;
        if (j >= n && !eof) break; // look at it in the next chunk
        const next = j < n ? chunk[j] : NL;
        if (next === QUOTE && j === i + 1) { i++; continue; }
        if (next === delim || next === NL || next === CR) { inQuote = false; i = j - 1; continue; }
        // A quote closing in the middle of a field: the quote opened on quoteLine is broken.
        restart = afterQuoteLine >= 0 ? afterQuoteLine : (() => {
          const nl = chunk.indexOf(NL, i);
          return nl >= 0 ? pos + nl + 1 : pos + n;
        })();
        break;
      }
      if (restart < 0 && eof && i >= n && inQuote) restart = afterQuoteLine >= 0 ? afterQuoteLine : size;
      if (restart >= 0) {
        const neverClosed = eof && i >= n;
        const record = ++result.records;
        const shift = recordLine - record;
        if (shift !== lastShift) { result.shifts.push({ record, shift }); lastShift = shift; }
        result.malformed.push({ record, line: recordLine, lastLine: quoteLine, start: recordStart, end: restart, reason: neverClosed
          ? `quote opened on line ${quoteLine} is never closed (the rest of the file would have become one field)`
          : `quote opened on line ${quoteLine} is not closed properly (a quote in the middle of a field must be doubled: "")` });
        if (!result.header) throw new Error('a quote in the header line is never closed');
        inQuote = false;
        fieldStart = true;
        recordBlank = true;
        line = quoteLine + 1;
        recordStart = restart;
        recordLine = line;
        pos = restart;
        continue;
      }
      pos += i;
      if (eof && i >= n) {
        endRecord(size, chunkUtf8, chunk, pos - i);
        break;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  result.lines = line - (size > 0 && recordStart === size ? 1 : 0);
  return result;
};
