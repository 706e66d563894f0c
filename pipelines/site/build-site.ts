/**
 * The static site of a database, in the order its steps run:
 *   1. the work folder: the site project copied, its source on the database (a pseudonymised site
 *      reads a copy of the marts with no seller in it: `audiences/pseudonymise.ts`);
 *   2. the report sources run (only those reading a mart that changed), and their Arrow twins;
 *   3. the pages: a data-only refresh with an app already compiled from the same pages (this
 *      folder's, or another data folder's, waited for if one is compiling it: `compile-lock.ts`),
 *      else a full Evidence build (Vite, then prerender);
 *   4. checked: any query error stops the run;
 *   5. finished: the browser's twins placed, the pages declared French, DuckDB-WASM's unused
 *      variant removed, precompressed.
 * The build publishes the finished site with its database as one release (`publish/release.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PSEUDONYM_MIN_GROUP } from '../config.js';
import { endOrphansIn } from '../process/children.js';
import { describePseudonymised, writePseudonymisedMarts } from '../audiences/pseudonymise.js';
import { evidence, findQueryErrors, SiteError } from './evidence/cli.js';
import { adoptSharedApp, compiledAppKey, describePhases, forgetCompiledApp, hasCompiledApp, recordCompiledApp, setPrerenderedFrom, shareCompiledApp, TEMPLATE } from './evidence/compiled-app.js';
import { compileTurn } from './evidence/compile-lock.js';
import { runReportSources } from './evidence/report-sources.js';
import { assembleWorkFolder } from './evidence/work-folder.js';
import { declareFrench } from './finish/document-language.js';
import { lightenSite } from './finish/lighten.js';
import { placeBrowserTwins, writeSourceTwins } from './finish/twins.js';
import { keepSourceData, sourceDigests } from './refresh/partial-prerender.js';
import { KEPT_DATA, refreshFromCompiledApp, startPrerender } from './refresh/prerender.js';

export { SiteError } from './evidence/cli.js';
export { siteWorkDir } from './evidence/work-folder.js';

export interface SiteOptions {
  /** Database the report sources read (closed: Evidence opens it read-only). */
  databasePath: string;
  /** Scratch folder for the Evidence project; the built site lands in `<workDir>/build`. */
  workDir: string;
  /** Replace seller names by stable pseudonyms (Vendeur 01, …) for publication beyond management. */
  pseudonymiseSellers?: boolean;
  /** With pseudonyms: the fewest sellers a team × role label shown on the site may hold (default 3). */
  pseudonymMinGroup?: number;
  /** Reuse the app compiled by the last full build when only the data changed (default true). */
  reuseCompiledApp?: boolean;
  /** Prerender workers side by side in a data-only refresh (default 1). */
  prerenderWorkers?: number;
  log?: (line: string) => void;
}

/** Builds the site into `<workDir>/build` and returns that folder; throws SiteError on any problem. */
export const buildSite = async (options: SiteOptions): Promise<string> => {
  const log = options.log ?? (() => {});
  const orphans = endOrphansIn(options.workDir);
  if (orphans.length) log(`  ended ${orphans.length} Evidence process(es) left running by a killed run (pid ${orphans.join(', ')})`);
  // A pseudonymised site reads a copy of the marts with no seller id, name or small group in it.
  let siteDatabase = options.databasePath;
  if (options.pseudonymiseSellers) {
    fs.mkdirSync(options.workDir, { recursive: true });
    siteDatabase = path.join(options.workDir, 'pseudonymised.duckdb');
    const k = options.pseudonymMinGroup ?? PSEUDONYM_MIN_GROUP;
    const pseudonymised = await writePseudonymisedMarts(options.databasePath, siteDatabase, k).catch((error: Error) => {
      throw new SiteError(error.message);
    });
    log(`  ${describePseudonymised(pseudonymised, k)}`);
  }
  fs.rmSync(path.join(options.workDir, 'svelte.config.js'), { force: true });
  assembleWorkFolder(options.workDir, siteDatabase);
  const key = compiledAppKey();
  // A data-only refresh's prerender starts now: it loads the app while the report sources run.
  const own = hasCompiledApp(options.workDir, key);
  let reuse = options.reuseCompiledApp !== false && (own || adoptSharedApp(options.workDir, key));
  // None to reuse: another build may be compiling this very app; its turn first, then its app.
  const turn = options.reuseCompiledApp !== false && !reuse ? await compileTurn(key, () => adoptSharedApp(options.workDir, key), log) : undefined;
  if (turn?.adopted) reuse = true;
  const refresh = reuse ? startPrerender(options.workDir, log, options.prerenderWorkers) : undefined;
  let buildOutput: string;
  try {
    await runReportSources(options.workDir, siteDatabase, options.reuseCompiledApp !== false, log);
    const twins = writeSourceTwins(path.join(options.workDir, '.evidence', 'template', 'static', 'data'));
    log(`  ${twins.sources} report source(s), ${twins.empty.length} with no rows for this data${twins.empty.length ? ` (${twins.empty.join(', ')})` : ''}`);
    if (refresh) {
      log(own
        ? '  data-only refresh: pages prerendered again with the app compiled by the previous full build'
        : '  data-only refresh: pages prerendered with the app another data folder\'s build compiled from the same pages (no Vite)');
      buildOutput = await refreshFromCompiledApp(options.workDir, refresh, log, options.prerenderWorkers);
    } else {
      forgetCompiledApp(options.workDir);
      const started = Date.now();
      buildOutput = await evidence(options.workDir, ['build'], log);
      recordCompiledApp(options.workDir, key);
      shareCompiledApp(options.workDir, key);
      log(`  ${describePhases(options.workDir, started)}`);
    }
  } catch (error) {
    refresh?.abandon();
    throw error;
  } finally {
    turn?.release();
  }
  const buildDir = path.join(options.workDir, 'build');
  const errors = findQueryErrors(buildOutput, buildDir);
  if (errors.length) throw new SiteError(`${errors.length} query error(s) in the report pages:\n${errors.slice(0, 20).map((e) => `  ${e}`).join('\n')}`);
  placeBrowserTwins(path.join(buildDir, 'data'));
  declareFrench(buildDir);
  // The pages now in the work folder were made from this data: the next refresh starts from them.
  setPrerenderedFrom(options.workDir, sourceDigests(path.join(options.workDir, TEMPLATE, 'static', 'data')));
  keepSourceData(path.join(options.workDir, TEMPLATE, 'static', 'data'), path.join(options.workDir, KEPT_DATA));
  const light = await lightenSite(buildDir, path.join(options.workDir, 'precompressed'));
  if (!light.removed.length) log('  note: no duckdb-mvp wasm found in the site (Evidence may have changed how it ships DuckDB-WASM)');
  log(`  ${light.removed.length} file(s) of DuckDB-WASM's MVP variant removed; ${light.compressed} file(s) precompressed (.br, .gz; ${light.fresh} new), ` +
    `${(light.bytes / 2 ** 20).toFixed(1)} MiB → ${(light.brotliBytes / 2 ** 20).toFixed(1)} MiB with Brotli`);
  return buildDir;
};
