/**
 * One run: extracts → candidate database (load, models, tests) → site → one release (database,
 * site and fingerprints, `publish/release.ts`) made current in a single atomic step only when every
 * step succeeded. A failed or interrupted run leaves the published release untouched and removes
 * its candidate. One run at a time per data folder (`publish/lock.ts`).
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
import { planRebuild, writeBuildState, type RebuildPlan } from './incremental/build-state.js';
import { computeFingerprints } from './incremental/fingerprints.js';
import { carryHistory } from './history/snapshots.js';
import { applyAsOf } from './load/as-of.js';
import { loadExtracts, type LoadSummary } from './load/load-extracts.js';
import { ExtractError } from './load/read.js';
import { endChildren } from './process/children.js';
import { onInterrupt } from './process/interrupt.js';
import type { Reporter } from './progress.js';
import { acquireLock, isAlive, type BuildLock } from './publish/lock.js';
import { readPublishedState } from './publish/published-state.js';
import { closePrinter, launchPrinter, type Printer } from './digest/digest.js';
import { digestRelease } from './digest/release-digest.js';
import { currentRelease, layoutFor, prepareLayout, pruneReleases, stageRelease, switchCurrent } from './publish/release.js';

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
  afterLoad?: (db: Database, rebuild: { reloadedExtracts?: ReadonlySet<string>; snapshotDay: string }) => Promise<void>;
  /** Reuse the published database where the inputs did not change (default true). */
  incremental?: boolean;
  /** The data folder's lock, when the caller took it already (for steps before the build); else taken here. */
  lock?: BuildLock;
  /** Site options that change its content (fingerprinted with the pages). */
  siteOptions?: Record<string, unknown>;
  /**
   * Runs on the closed candidate once the models passed (the site is built from it); returns the
   * built site's folder, published in the same release as the database, or not at all.
   */
  beforePublish?: (candidatePath: string) => Promise<string | undefined>;
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

/** One run at a time per data folder: waits for another (bounded, saying so) or stops naming it. */
/**
 * --as-of: the loaded company as it stood at the end of `day`; each extract's load summary counts
 * the rows left out, and the run says how many.
 */
const rewindToAsOf = async (db: Database, day: string, loads: LoadSummary[], reporter: Reporter) => {
  const left = await reporter.step(`rewind the company to the end of ${day} (--as-of)`, () => applyAsOf(db, day));
  for (const { extract, rows } of left) {
    const load = loads.find((l) => l.extract === extract);
    if (!load) continue;
    load.rowsAfterAsOf = rows;
    load.rowsLoaded -= rows;
    if (rows > 0) reporter.detail(`${extract}: ${rows.toLocaleString('en')} row(s) after the as-of day ${day} left out`);
  }
  const total = left.reduce((n, l) => n + l.rows, 0);
  reporter.detail(`${total.toLocaleString('en')} rows after the as-of day ${day} left out (audit.after_as_of): out of scope, not rejected`);
};

export const lockDataFolder = (settings: Settings, reporter: Reporter) =>
  acquireLock(settings.dataDir, { waitSeconds: settings.lockWait ?? 600, onWait: reporter.warn });

export const build = async (options: BuildOptions): Promise<BuildResult> => {
  const { settings, reporter } = options;
  const paths = databasePaths(settings);
  const layout = layoutFor(settings);
  const withSite = options.beforePublish !== undefined;
  const lock = options.lock ?? await lockDataFolder(settings, reporter);
  let staged: string | undefined;
  // What a failed, finished or interrupted run removes; never the published release.
  const cleanUp = () => {
    removeDatabaseFiles(paths.candidate);
    if (staged && currentRelease(layout) !== staged) fs.rmSync(staged, { recursive: true, force: true });
    fs.rmSync(paths.scratch, { recursive: true, force: true });
    fs.rmSync(paths.spill, { recursive: true, force: true });
    if (!options.lock) lock.release();
  };
  const forgetCleanUp = onInterrupt(cleanUp);
  let db: Database | undefined;
  let printer: Promise<Printer> | undefined;
  try {
    prepareLayout(layout, reporter.detail);
    removeStaleCandidates(layout.dataDir);
    removeDatabaseFiles(paths.candidate);

    // Dates after the reference day (today) are rejected as "in the future"; --as-of rewinds the
    // company to an earlier day after the load (rows after it are out of scope, not rejected).
    const referenceDay = settings.referenceDay ?? today();
    const pointInTime = settings.asOf;
    if (pointInTime && pointInTime > referenceDay) {
      throw new ExtractError(`--as-of ${pointInTime} is after today (${referenceDay}): choose a day that has passed, or leave --as-of out to build the export as it is.`);
    }
    const fingerprints = computeFingerprints({
      extractsDir: options.extractsDir, extractsConfig: options.extractsConfig,
      asOf: pointInTime ? `${referenceDay} as of ${pointInTime}` : referenceDay, siteOptions: options.siteOptions,
    });
    const published = options.incremental === false ? {} : await readPublishedState(layout);
    if (published.unusable) reporter.warn(`${published.unusable}: rebuilding everything`);
    const plan = planRebuild(fingerprints, published.fingerprints, withSite, published.unusable ?? (options.incremental === false ? 'full rebuild requested' : undefined));
    reporter.detail(plan.upToDate ? `up to date: ${plan.reason}` : plan.reusePublished ? `incremental rebuild: ${plan.reason}` : `full build: ${plan.reason}`);
    if (plan.upToDate) return { databasePath: layout.database, loads: [], upToDate: true, plan };

    // A copy of the published database keeps what did not change; the published file is untouched.
    if (plan.reusePublished) fs.copyFileSync(layout.database, paths.candidate);
    db = await openDatabase(paths.candidate, {
      memoryLimit: settings.memoryLimit,
      threads: settings.threads,
      tempDirectory: paths.spill,
    });
    const open = db;
    // The pipeline's history (history.*) outlives releases: a fresh candidate starts from the published one's.
    if (!plan.reusePublished) {
      const carried = await carryHistory(open, layout.database);
      if ('lost' in carried) reporter.warn(`the history of earlier builds could not be read from the published database (${carried.lost}): it starts again with this build's snapshot`);
      else if (carried.carried > 0) reporter.detail(`history: ${carried.carried} earlier snapshot(s) carried over from the published database`);
    }
    // As of a day, an extract's rewind reads the others' full history (a deal's stage, an account's
    // status): every extract is reloaded together, and every model rebuilt.
    const keep = new Set(Object.keys(fingerprints.extracts).filter((name) => plan.reusePublished && !plan.reload.has(name) && !pointInTime));
    const availableBefore = plan.reusePublished ? await availability(open) : '';
    const loads = await reporter.step(keep.size ? `load ${plan.reload.size} changed extract(s)` : 'load extracts', () =>
      loadExtracts(open, {
        extractsDir: options.extractsDir,
        configFile: options.extractsConfig,
        asOf: referenceDay,
        scratchDir: paths.scratch,
        reporter,
        keep,
        allowOutsidePaths: options.allowOutsidePaths,
      }));
    // Models test extract_available() through macros their SQL does not name: when an extract
    // appears or disappears, every model is rebuilt.
    const sameAvailability = plan.reusePublished && availableBefore === (await availability(open));
    const reloadedExtracts = sameAvailability && !plan.allModels && !pointInTime ? plan.reload : undefined;
    if (pointInTime) await rewindToAsOf(open, pointInTime, loads, reporter);
    // The snapshot of the pipeline is dated the day the company is shown at: --as-of, else the reference day.
    if (options.afterLoad) await options.afterLoad(open, { reloadedExtracts, snapshotDay: pointInTime ?? referenceDay });
    await writeBuildState(open, fingerprints, withSite);
    await open.exec('CHECKPOINT');
    open.close();
    db = undefined;
    // The digest's Chromium starts now, beside the site step: it is ready when the release is.
    printer = launchPrinter();
    const builtSite = options.beforePublish ? await options.beforePublish(paths.candidate) : undefined;
    staged = stageRelease(layout, { candidate: paths.candidate, builtSite, fingerprints: withSite ? fingerprints : { ...fingerprints, site: '' } });
    // The one step that publishes: readers see the old release or the new one, never a mix.
    switchCurrent(layout, staged);
    // The digest of what moved since the release replaced (issue 15); a failure costs the digest, not the publish.
    await digestRelease(staged, layout.releasesDir, await printer).catch((e: Error) => console.warn(`digest not written: ${e.message}`));
    pruneReleases(layout);
    return { databasePath: layout.database, loads, upToDate: false, plan };
  } finally {
    db?.close();
    if (printer) await closePrinter(await printer);
    endChildren();
    forgetCleanUp();
    cleanUp();
  }
};
