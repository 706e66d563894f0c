/**
 * Finding a source's files in the input folder (glob patterns, case-insensitive, as exports are
 * named by tools and people) and making non-UTF-8 CSV readable by DuckDB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

/** Glob → RegExp over slash-separated relative paths: `*` `?` within a segment, `**` across, `{a,b}`. */
export const globToRegExp = (glob: string): RegExp => {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') { i++; out += '(?:.*/)?'; } else out += '.*';
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) { out += '\\{'; continue; }
      out += `(?:${glob.slice(i + 1, end).split(',').map((alt) => alt.replace(/[.+^$()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')).join('|')})`;
      i = end;
    } else out += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'i');
};

const listFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();

/** Files of `dir` matching any pattern, as paths relative to `dir`, sorted, without duplicates. */
export const matchFiles = (dir: string, patterns: string[]): string[] => {
  const all = listFiles(dir);
  const regexps = patterns.map(globToRegExp);
  return all.filter((f) => regexps.some((r) => r.test(f)));
};

export type SourceFormat = 'csv' | 'parquet';

export const formatOf = (file: string): SourceFormat | undefined => {
  if (/\.parquet$/i.test(file)) return 'parquet';
  if (/\.(csv|txt|tsv)(\.gz)?$/i.test(file)) return 'csv';
  return undefined;
};

const SAMPLE_BYTES = 4 * 1024 * 1024;

/** True when the file's first megabytes decode as UTF-8 (a BOM is allowed). */
export const looksUtf8 = (file: string): boolean => {
  if (/\.gz$/i.test(file)) return true;
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

/** Streams a Windows-1252 file into a UTF-8 copy in `scratchDir` (bytes, not rows, pass through JS). */
export const transcodeToUtf8 = async (file: string, scratchDir: string, index: number): Promise<string> => {
  fs.mkdirSync(scratchDir, { recursive: true });
  const target = path.join(scratchDir, `${index}-${path.basename(file)}.utf8.csv`);
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
