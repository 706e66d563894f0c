/**
 * One run: extracts → candidate database (load, models, tests) → swapped in as the published
 * database only when every step succeeded. A failed or interrupted run leaves the previous
 * database untouched and removes its candidate.
 *
 * Runs are incremental: the published database records the fingerprints of what it was built
 * from. With nothing changed the run stops at once; with some extracts changed, the candidate
 * starts as a copy of the published database, reloads those extracts (and the ones whose checks
 * read them), and rebuilds only the models that depend on them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { databasePaths, today, type Settings } from './config.js';
import { openDatabase, type Database } from './db/duckdb.js';
import { planRebuild, readBuildState, writeBuildState, type RebuildPlan } from './incremental/build-state.js';
import { computeFingerprints } from './incremental/fingerprints.js';
import { loadExtracts, type LoadSummary } from './load/load-extracts.js';
import type { Reporter } from './progress.js';

export interface BuildOptions {
  settings: Settings;
  /** Folder of extracts to load. */
  extractsDir: string;
  extractsConfig?: string;
  /** Read files extracts.yaml or a symlink places outside `extractsDir` (default: refuse). */
  allowOutsidePaths?: boolean;
  reporter: Reporter;
  /**
   * Runs after loading, inside the candidate database (models, data tests). `reloadedExtracts` is
   * set on incremental runs: only models reading them need rebuilding.
   */
  afterLoad?: (db: Database, rebuild: { reloadedExtracts?: ReadonlySet<string> }) => Promise<void>;
  /** Reuse the published database where the inputs did not change (default true). */
  incremental?: boolean;
  /** Site options that change its content (fingerprinted with the pages). */
  siteOptions?: Record<string, unknown>;
  /**
   * Runs on the closed candidate once the models passed (the site is built from it); returns
   * what to publish alongside the database, so both are swapped in together or not at all.
   */
  beforePublish?: (candidatePath: string) => Promise<(() => void) | void>;
}

export interface BuildResult {
  databasePath: string;
  loads: LoadSummary[];
  /** Nothing had changed: no work was done, the published database and site stand. */
  upToDate: boolean;
  plan: RebuildPlan;
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

/** Which extracts hold rows, as the models' extract_available() sees them. */
const availability = async (db: Database) =>
  JSON.stringify(await db.query(`SELECT extract, status = 'loaded' AND rows_loaded > 0 AS available FROM audit.load_summary ORDER BY extract`));

export const build = async (options: BuildOptions): Promise<BuildResult> => {
  const { settings, reporter } = options;
  const paths = databasePaths(settings);
  fs.mkdirSync(path.dirname(paths.published), { recursive: true });
  removeStaleCandidates(path.dirname(paths.published));
  removeDatabaseFiles(paths.candidate);

  const asOf = settings.asOf ?? today();
  const fingerprints = computeFingerprints({ extractsDir: options.extractsDir, extractsConfig: options.extractsConfig, asOf, siteOptions: options.siteOptions });
  const previous = options.incremental === false ? undefined : await readBuildState(paths.published);
  const plan = planRebuild(fingerprints, previous, options.beforePublish !== undefined);
  reporter.detail(plan.upToDate ? `up to date: ${plan.reason}` : plan.reusePublished ? `incremental rebuild: ${plan.reason}` : `full build: ${plan.reason}`);
  if (plan.upToDate) return { databasePath: paths.published, loads: [], upToDate: true, plan };

  let db: Database | undefined;
  try {
    // A copy of the published database keeps what did not change; the published file is untouched.
    if (plan.reusePublished) fs.copyFileSync(paths.published, paths.candidate);
    db = await openDatabase(paths.candidate, {
      memoryLimit: settings.memoryLimit,
      threads: settings.threads,
      tempDirectory: paths.spill,
    });
    const open = db;
    const keep = new Set(Object.keys(fingerprints.extracts).filter((name) => plan.reusePublished && !plan.reload.has(name)));
    const availableBefore = plan.reusePublished ? await availability(open) : '';
    const loads = await reporter.step(keep.size ? `load ${plan.reload.size} changed extract(s)` : 'load extracts', () =>
      loadExtracts(open, {
        extractsDir: options.extractsDir,
        configFile: options.extractsConfig,
        asOf,
        scratchDir: paths.scratch,
        reporter,
        keep,
        allowOutsidePaths: options.allowOutsidePaths,
      }));
    // Models test extract_available() through macros their SQL does not name: when an extract
    // appears or disappears, every model is rebuilt.
    const sameAvailability = plan.reusePublished && availableBefore === (await availability(open));
    const reloadedExtracts = sameAvailability && !plan.allModels ? plan.reload : undefined;
    if (options.afterLoad) await options.afterLoad(open, { reloadedExtracts });
    await writeBuildState(open, fingerprints, options.beforePublish !== undefined);
    await open.exec('CHECKPOINT');
    open.close();
    db = undefined;
    const publishAlongside = options.beforePublish ? await options.beforePublish(paths.candidate) : undefined;
    // rename() replaces the published file atomically: readers see the old or the new, never half.
    fs.renameSync(paths.candidate, paths.published);
    fs.rmSync(`${paths.published}.wal`, { force: true });
    publishAlongside?.();
    return { databasePath: paths.published, loads, upToDate: false, plan };
  } finally {
    db?.close();
    removeDatabaseFiles(paths.candidate);
    fs.rmSync(paths.scratch, { recursive: true, force: true });
    fs.rmSync(paths.spill, { recursive: true, force: true });
  }
};
