/** The machine a benchmark ran on, for the report: numbers mean little without it. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.js';
import { openDatabase } from '../db/duckdb.js';

export interface Machine {
  cpu: string;
  cores: number;
  ramBytes: number;
  os: string;
  node: string;
  duckdb: string;
  duckdbNodeApi: string;
  /** 1-minute load average when the benchmark started: other work on the machine skews timings. */
  loadAverage: number;
}

const osName = () => {
  try {
    const release = fs.readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release)?.[1];
    if (pretty) return `${pretty}, ${os.type()} ${os.release()} ${os.arch()}`;
  } catch { /* not Linux */ }
  return `${os.type()} ${os.release()} ${os.arch()}`;
};

export const describeMachine = async (): Promise<Machine> => {
  const db = await openDatabase(':memory:');
  let duckdb = '';
  try {
    const [row] = await db.query<{ v: string; s: string }>('SELECT version() AS v, source_id AS s FROM pragma_version()');
    duckdb = `${row!.v} (${row!.s})`;
  } finally {
    db.close();
  }
  const api = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules/@duckdb/node-api/package.json'), 'utf8')) as { version: string };
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    ramBytes: os.totalmem(),
    os: osName(),
    node: process.version,
    duckdb,
    duckdbNodeApi: api.version,
    loadAverage: os.loadavg()[0]!,
  };
};

/** The commit measured, marked when the working tree had uncommitted changes (they were measured too). */
export const codeVersion = (): string => {
  // A copy of the code made with `git archive` (to benchmark one commit while the checkout moves
  // on) has no repository of its own: BI_BENCH_CODE names its commit; git would answer for
  // whatever repository encloses the copy.
  if (process.env.BI_BENCH_CODE) return process.env.BI_BENCH_CODE;
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (path.resolve(git('rev-parse', '--show-toplevel')) !== path.resolve(PROJECT_ROOT)) return 'unknown (not a git checkout)';
    const dirty = git('status', '--porcelain', '--', 'pipelines', 'models', 'site', 'patches', 'package.json') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
};
