/**
 * The data-only refresh: SvelteKit's prerender run again with an app a full build compiled
 * (`refresh.mjs`), for every page or only those reading data that changed (`partial-prerender.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runNode, evidenceEnv } from '../evidence/cli.js';
import { finishLikeEvidence, prerenderedFrom, setPrerenderedFrom, TEMPLATE } from '../evidence/compiled-app.js';
import { checkedKitDir, REFRESH_SCRIPT } from './kit-version.js';
import { changedKeys, changedSources, pageRoutes, paramPagesMatchLinks, planPartialPrerender, prerenderedPaths, pruneReplacedResults, referencedResults, sourceDigests, splitPlan, type PartialPlan } from './partial-prerender.js';

/** Where the work folder keeps the source data its pages were prerendered from. */
export const KEPT_DATA = 'prerendered-data';

/** A prerender with the compiled app of a work folder, started before it is told which pages. */
export interface StartedPrerender {
  /** Gives it the pages (every page without `only`); resolves with its output once the site is written. */
  run(only: PartialPlan | undefined): Promise<string>;
  /** Ends it unused (the data it waited for will not come). */
  abandon(): void;
}

/**
 * SvelteKit's prerender run again with the compiled app of `workDir` (`refresh.mjs`), in the
 * environment Evidence gives `vite build`, started now: its workers load the app and start
 * DuckDB-WASM while the caller writes the data, then wait for `run` (`prerender-hook.mjs`). Every
 * page, or only `only`'s paths (of its routes), shared among `workers` prerender workers running
 * side by side (default one: on the 2-vCPU machine of BENCHMARKS.md two workers took the same 9.1 s
 * for 13 pages, with 35 % more CPU, each starting its own DuckDB-WASM and data).
 * The data-only refresh and the audiences' sites both prerender this way.
 */
export const startPrerender = (workDir: string, log: (line: string) => void, workers = 1): StartedPrerender => {
  const template = path.join(workDir, TEMPLATE);
  const env = { ...evidenceEnv(), EVIDENCE_DATA_URL_PREFIX: 'static/data', EVIDENCE_DATA_DIR: './static/data', EVIDENCE_IS_BUILDING: 'true' };
  const planFile = path.join(workDir, 'prerender-plan.json');
  fs.rmSync(planFile, { force: true });
  fs.rmSync(path.join(template, 'build'), { recursive: true, force: true });
  const stop = new AbortController();
  const args = [REFRESH_SCRIPT, checkedKitDir(), planFile, String(workers)];
  const output = runNode(template, args, env, log, stop.signal);
  // Seen by `run`; an abandoned prerender's end is of no interest.
  output.catch(() => {});
  return {
    run: async (only) => {
      if (!only) fs.rmSync(path.join(template, '.svelte-kit', 'output', 'prerendered'), { recursive: true, force: true });
      const shares = only ? splitPlan(only, pageRoutes(path.join(workDir, 'pages')), workers) : undefined;
      if (shares && shares.length > 1) log(`  ${only!.paths.length} page(s) prerendered by ${shares.length} workers side by side`);
      // Whole or not at all: the workers read it as soon as it exists.
      fs.writeFileSync(`${planFile}.tmp`, JSON.stringify(shares ? { shares } : { all: true }));
      fs.renameSync(`${planFile}.tmp`, planFile);
      try {
        return await output;
      } finally {
        fs.rmSync(planFile, { force: true });
      }
    },
    abandon: () => stop.abort(),
  };
};

/**
 * The site prerendered again from new data with the app the last full build compiled
 * (`refresh.mjs`), then finished as Evidence's CLI finishes a build. The environment is the one
 * Evidence gives `vite build`.
 */
export const refreshFromCompiledApp = async (workDir: string, started: StartedPrerender, log: (line: string) => void, workers?: number) => {
  const template = path.join(workDir, TEMPLATE);
  const prerendered = path.join(template, '.svelte-kit', 'output', 'prerendered');
  const routes = pageRoutes(path.join(workDir, 'pages'));
  const previous = prerenderedFrom(workDir);
  // Until this refresh succeeds, the prerendered pages are of no known data.
  setPrerenderedFrom(workDir, undefined);
  const staticData = path.join(template, 'static', 'data');
  const changed = previous ? changedSources(previous, sourceDigests(staticData)) : undefined;
  // Rows compared only against the very data the pages were made from: a source's kept copy is
  // used only if its digest is the one the pages were made from (others count as changed everywhere).
  const kept = path.join(workDir, KEPT_DATA);
  const keptDigests = sourceDigests(kept);
  const compared = Date.now();
  const keys = changed ? await changedKeys(routes, changed.filter((s) => keptDigests[s] !== undefined && keptDigests[s] === previous![s]), kept, staticData) : undefined;
  let plan = changed ? planPartialPrerender(routes, prerenderedPaths(path.join(prerendered, 'pages')), changed, keys) : undefined;
  // Pages of routes reading a changed source that are kept because their own rows did not change.
  const keptByRows = changed && keys ? planPartialPrerender(routes, prerenderedPaths(path.join(prerendered, 'pages')), changed).paths.length - plan!.paths.length : 0;
  const comparedIn = Date.now() - compared;
  const resultsBefore = referencedResults(path.join(prerendered, 'dependencies', 'api'));
  const prerenderStarted = Date.now();
  let output = await started.run(plan);
  const prerenderIn = Date.now() - prerenderStarted;
  if (plan) {
    const mismatch = paramPagesMatchLinks(routes, path.join(template, 'build'), path.join(prerendered, 'pages'));
    if (mismatch) {
      log(`  the links lead to other pages than last time (${mismatch}): every page prerendered again`);
      plan = undefined;
      output = await startPrerender(workDir, log, workers).run(undefined);
    } else {
      pruneReplacedResults(path.join(prerendered, 'dependencies', 'api'), resultsBefore);
      pruneReplacedResults(path.join(template, 'build', 'api'), resultsBefore);
      log(`  ${plan.paths.length} page(s) of ${plan.routes.length} route(s) read the ${changed!.length} changed source(s) and were prerendered again` +
        `${changed!.length ? ` (${changed!.slice(0, 8).join(', ')}${changed!.length > 8 ? ', …' : ''})` : ''}; the others are kept` +
        `, among them ${keptByRows} parameter page(s) reading a changed source only through their own rows, none of which changed` +
        ` (rows compared in ${(comparedIn / 1000).toFixed(1)} s; prerender and adapter ${(prerenderIn / 1000).toFixed(1)} s)`);
    }
  }
  if (!plan) log('  every page prerendered again');
  finishLikeEvidence(workDir);
  return output;
};

