/**
 * Failures of the machine, not of the data: a full disk, a read-only or forbidden folder. Node
 * and DuckDB report them from deep inside a step (a CSV read, a model), which then wraps them as a
 * CSV dialect or model problem; they are recognised here wherever they surface and told in one
 * line (what happened, where, what to do), the full error going to a log file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import type { Settings } from './config.js';

export interface SystemFailure {
  kind: 'disk-full' | 'read-only';
  /** The file or folder concerned, when the error names it. */
  where?: string;
  /** One line for the person running the build. */
  message: string;
}

const DISK_FULL = /No space left on device|could not write|disk (is )?full|ENOSPC/i;
const READ_ONLY = /Read-only file system|EROFS/i;
const FORBIDDEN = /Permission denied|EACCES|EPERM|Operation not permitted/i;

/** The error and its causes, outermost first. */
const chain = (error: unknown): unknown[] => {
  const all: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && all.length < 10; e = (e as { cause?: unknown }).cause) all.push(e);
  return all;
};

const codeOf = (e: unknown) => (e as NodeJS.ErrnoException)?.code;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A path named by the error: Node's `path`, else the first quoted absolute path in DuckDB's message. */
const pathOf = (errors: unknown[]): string | undefined => {
  for (const e of errors) {
    // symlink() and rename() name the file written in `dest`, `path` being the source.
    const { dest, path: p } = (e ?? {}) as { dest?: unknown; path?: unknown };
    if (typeof dest === 'string') return dest;
    if (typeof p === 'string') return p;
  }
  for (const e of errors) {
    const quoted = /["']((?:\/|[A-Za-z]:\\)[^"']+)["']/.exec(messageOf(e));
    if (quoted) return quoted[1];
  }
  return undefined;
};

/** Free space on the disk holding `file` (its nearest existing folder), for the message. */
const freeSpace = (file: string): string => {
  let dir = path.resolve(file);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    const stat = fs.statfsSync(dir);
    const mb = (stat.bavail * stat.bsize) / 1024 / 1024;
    return `${mb < 10 ? mb.toFixed(1) : Math.round(mb).toLocaleString('en')} MB free there now`;
  } catch {
    return 'free space unknown';
  }
};

/** A path as the user would type it: relative to where they are when inside it, else absolute. */
const display = (file: string) => {
  file = file.replace(/\.tmp-\d+$/, ''); // the temporary name a file is written under first
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
};

const isInside = (file: string, dir: string) => {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/** Recognises a full disk or an unwritable folder anywhere in `error`'s chain; undefined otherwise. */
export const describeSystemFailure = (error: unknown, settings: Pick<Settings, 'dataDir' | 'siteDir'>): SystemFailure | undefined => {
  const errors = chain(error);
  const codes = errors.map(codeOf);
  const text = errors.map(messageOf).join('\n');
  const dataDir = path.resolve(settings.dataDir);
  const where = pathOf(errors);
  const shown = where ? display(where) : undefined;
  const readOnly = codes.includes('EROFS') || READ_ONLY.test(text);
  const forbidden = codes.includes('EACCES') || codes.includes('EPERM') || FORBIDDEN.test(text);
  // DuckDB's "could not write" also opens some permission errors: those are told as such.
  if (codes.includes('ENOSPC') || (DISK_FULL.test(text) && !readOnly && !forbidden)) {
    const place = where ?? dataDir;
    return {
      kind: 'disk-full',
      where,
      message: `Disk full: could not write ${shown ?? `in ${display(dataDir)}`} (${freeSpace(place)}). `
        + 'Free space on that disk, or set BI_DATA_DIR to a folder on a disk with room, then rerun.',
    };
  }
  if (readOnly || forbidden) {
    const siteSide = where !== undefined && !isInside(where, dataDir) && isInside(where, path.dirname(path.resolve(settings.siteDir)));
    // An unreadable extract is the loader's to report, with the extract named.
    if (where !== undefined && !readOnly && !siteSide && !isInside(where, dataDir)) return undefined;
    const folder = where ? (fs.existsSync(where) && fs.statSync(where).isDirectory() ? where : path.dirname(where)) : dataDir;
    const variable = siteSide ? 'BI_SITE_DIR' : 'BI_DATA_DIR';
    return {
      kind: 'read-only',
      where,
      message: `Cannot write ${shown ?? `in ${display(dataDir)}`}: ${readOnly ? 'the file system is read-only' : 'permission denied'}. `
        + `Make ${display(folder)} writable${readOnly ? '' : ` for user ${os.userInfo().username}`}, or set ${variable} to a writable folder, then rerun.`,
    };
  }
  return undefined;
};

/**
 * Keeps the full error (stack, causes, DuckDB's whole message) in `<data>/logs/`; falls back to
 * the system's temporary folder when the data folder itself cannot be written. Returns the file.
 */
export const writeErrorLog = (dataDir: string, error: unknown): string | undefined => {
  const name = `build-error-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`;
  const text = `${new Date().toISOString()} ${process.argv.join(' ')}\n\n${inspect(error, { depth: 10 })}\n`;
  for (const dir of [path.join(path.resolve(dataDir), 'logs'), os.tmpdir()]) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    } catch {
      // Try the next place.
    }
  }
  return undefined;
};
