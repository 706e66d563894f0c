/**
 * One full run: extracts → candidate database (load, models, tests) → swapped in as the published
 * database only when every step succeeded. A failed or interrupted run leaves the previous
 * database untouched and removes its candidate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { databasePaths, today, type Settings } from './config.js';
import { openDatabase, type Database } from './db/duckdb.js';
import { loadExtracts, type LoadSummary } from './load/load-extracts.js';
import type { Reporter } from './progress.js';

export interface BuildOptions {
  settings: Settings;
  /** Folder of extracts to load. */
  extractsDir: string;
  extractsConfig?: string;
  reporter: Reporter;
  /** Runs after loading, inside the candidate database (models, data tests). */
  afterLoad?: (db: Database) => Promise<void>;
  /**
   * Runs on the closed candidate once the models passed (the site is built from it); returns
   * what to publish alongside the database, so both are swapped in together or not at all.
   */
  beforePublish?: (candidatePath: string) => Promise<(() => void) | void>;
}

export interface BuildResult {
  databasePath: string;
  loads: LoadSummary[];
}

const removeDatabaseFiles = (file: string) => {
  for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Candidates left by runs that were killed (their process is gone) are removed. */
const removeStaleCandidates = (dir: string) => {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    const match = /^warehouse\.candidate-(\d+)\.duckdb$/.exec(name);
    if (match && !isAlive(Number(match[1]))) removeDatabaseFiles(path.join(dir, name));
  }
};

export const build = async (options: BuildOptions): Promise<BuildResult> => {
  const { settings, reporter } = options;
  const paths = databasePaths(settings);
  fs.mkdirSync(path.dirname(paths.published), { recursive: true });
  removeStaleCandidates(path.dirname(paths.published));
  removeDatabaseFiles(paths.candidate);

  let db: Database | undefined;
  try {
    db = await openDatabase(paths.candidate, {
      memoryLimit: settings.memoryLimit,
      threads: settings.threads,
      tempDirectory: paths.spill,
    });
    const open = db;
    const loads = await reporter.step('load extracts', () =>
      loadExtracts(open, {
        extractsDir: options.extractsDir,
        configFile: options.extractsConfig,
        asOf: settings.asOf ?? today(),
        scratchDir: paths.scratch,
        reporter,
      }));
    if (options.afterLoad) await options.afterLoad(open);
    await open.exec('CHECKPOINT');
    open.close();
    db = undefined;
    const publishAlongside = options.beforePublish ? await options.beforePublish(paths.candidate) : undefined;
    // rename() replaces the published file atomically: readers see the old or the new, never half.
    fs.renameSync(paths.candidate, paths.published);
    fs.rmSync(`${paths.published}.wal`, { force: true });
    publishAlongside?.();
    return { databasePath: paths.published, loads };
  } finally {
    db?.close();
    removeDatabaseFiles(paths.candidate);
    fs.rmSync(paths.scratch, { recursive: true, force: true });
    fs.rmSync(paths.spill, { recursive: true, force: true });
  }
};
