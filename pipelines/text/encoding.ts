/**
 * How an export's bytes become text, decided in one place for the loader and the mapping engine
 * (both read CSV through pipelines/load/csv-input.ts, which calls this module):
 * - gzip (`.gz`, or gzip bytes whatever the name) is decompressed as a stream;
 * - a byte-order mark says UTF-8, UTF-16 LE or UTF-16 BE; UTF-16 without a mark (some "Unicode
 *   text" and Excel CSV downloads, Google Ads' among them) is recognised by its NUL bytes
 *   alternating with ASCII in the first line;
 * - otherwise the text is UTF-8 or Windows-1252, decided on evidence from the whole file (see
 *   csv-scan.ts: valid UTF-8 characters against invalid byte sequences);
 * - decoding runs as a stream (TextDecoder over chunks): the bytes pass through JavaScript, the
 *   rows are never built there.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';

export type Utf16 = 'utf-16le' | 'utf-16be';

/** CSV (plain or gzip-compressed) or Parquet, from the file's name; undefined for anything else. */
export const fileFormatOf = (file: string): 'csv' | 'parquet' | undefined => {
  if (/\.parquet$/i.test(file)) return 'parquet';
  if (/\.(csv|txt|tsv)(\.gz)?$/i.test(file)) return 'csv';
  return undefined;
};

/** The first `bytes` bytes of a file (fewer if it is shorter). */
export const readHead = (file: string, bytes: number): Buffer => {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0));
  } finally {
    fs.closeSync(fd);
  }
};

/** True when the bytes start a gzip stream (magic number 1f 8b). */
export const isGzip = (head: Buffer) => head[0] === 0x1f && head[1] === 0x8b;

/** Decompresses a gzip file into `target`; throws the zlib error (a truncated or corrupt archive). */
export const gunzipFile = async (source: string, target: string) => {
  try {
    await pipeline(fs.createReadStream(source), zlib.createGunzip(), fs.createWriteStream(target));
  } catch (error) {
    fs.rmSync(target, { force: true });
    throw error;
  }
};

/**
 * UTF-16 from the first bytes: a byte-order mark, or (no mark) NUL bytes at the odd positions
 * (LE) or the even ones (BE) of nearly all of the first 64 characters, which no UTF-8 or
 * Windows-1252 CSV holds.
 */
export const utf16Of = (head: Buffer): Utf16 | undefined => {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const pairs = Math.min(64, Math.floor(head.length / 2));
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0 && head[2 * i + 1] !== 0) evenNul++;
    if (head[2 * i + 1] === 0 && head[2 * i] !== 0) oddNul++;
  }
  // Nine characters in ten from the Latin-1 range: headers may hold a few others ("’", "€").
  if (oddNul >= pairs * 0.9 && evenNul === 0) return 'utf-16le';
  if (evenNul >= pairs * 0.9 && oddNul === 0) return 'utf-16be';
  return undefined;
};

/** A Transform decoding bytes in `label` (TextDecoder's labels) to UTF-8 text, chunk by chunk; the BOM is dropped. */
export const decoderStream = (label: string) => {
  const decoder = new TextDecoder(label);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) { done(null, decoder.decode(chunk, { stream: true })); },
    flush(done: TransformCallback) { done(null, decoder.decode()); },
  });
};

/** Writes `source` (in `label`) to `target` as UTF-8. */
export const transcodeFile = (source: string, target: string, label: string) =>
  pipeline(fs.createReadStream(source), decoderStream(label), fs.createWriteStream(target));

/**
 * UTF-8 or Windows-1252 from the whole file's evidence: UTF-8 when its valid non-ASCII characters
 * at least match the invalid byte sequences (a UTF-8 file with a few bad bytes stays UTF-8, and
 * only the records holding them are set aside).
 */
export const utf8OrWindows1252 = (evidence: { utf8Chars: number; invalidSequences: number }): 'utf-8' | 'windows-1252' =>
  evidence.invalidSequences === 0 || evidence.utf8Chars >= evidence.invalidSequences ? 'utf-8' : 'windows-1252';
