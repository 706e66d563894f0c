/**
 * Finding a source's files in the input folder (glob patterns, case-insensitive, as exports are
 * named by tools and people). Reading them (encodings, malformed records) is load/csv-input.ts's job.
 */
import fs from 'node:fs';
import path from 'node:path';

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
    // Links are listed too (to a file only), so that one leading out of the folder is refused, not ignored.
    .filter((e) => e.isFile() || (e.isSymbolicLink() && fs.statSync(path.join(e.parentPath, e.name), { throwIfNoEntry: false })?.isFile()))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();

/** Files of `dir` matching any pattern, as paths relative to `dir`, sorted, without duplicates. */
export const matchFiles = (dir: string, patterns: string[]): string[] => {
  const all = listFiles(dir);
  const regexps = patterns.map(globToRegExp);
  return all.filter((f) => regexps.some((r) => r.test(f)));
};
