/**
 * The static site: Evidence run offline over a database, in a work folder assembled from the
 * site's Evidence project (`site/`: `evidence.config.yaml`, `sources/`, `pages/`), then checked and published.
 *
 * Evidence alone exits 0 on a broken page query and needs the internet for Parquet; this module
 * fails on any query error and writes the Arrow twins the patched clients read; the build
 * publishes the finished site with its database as one release (`publish/release.ts`).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Bool, type DataType, Field, Float64, Schema, Table, TimestampMillisecond, Utf8, tableToIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node/arrow1.js';
import { PROJECT_ROOT, PSEUDONYM_MIN_GROUP } from '../config.js';
import { openDatabase } from '../db/duckdb.js';
import { endOrphansIn, spawnInGroup } from '../process/children.js';
import { adoptSharedApp, compiledAppKey, describePhases, finishLikeEvidence, forgetCompiledApp, hasCompiledApp, prerenderedFrom, recordCompiledApp, setPrerenderedFrom, shareCompiledApp, SOURCE, TEMPLATE } from './compiled-app.js';
import { changedKeys, changedSources, keepSourceData, pageRoutes, paramPagesMatchLinks, planPartialPrerender, prerenderedPaths, pruneReplacedResults, referencedResults, sourceDigests, splitPlan, type PartialPlan } from './partial-prerender.js';
import { lightenSite } from './lighten.js';
import { SITE_CONFIG, SITE_PAGES, SITE_SOURCES } from './project.js';
import { recordedSourceInputs, recordSourceInputs, sourceInputDigests, sourcesToRun, tablesReadBySources } from './source-runs.js';
import { describePseudonymised, writePseudonymisedMarts } from './pseudonymise.js';

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

/**
 * Where Evidence's project is assembled for a data folder: inside the repository, because
 * Evidence's Vite build resolves its packages from the node_modules above it.
 */
export const siteWorkDir = (dataDir: string) =>
  path.join(PROJECT_ROOT, '.site-work', createHash('sha1').update(path.resolve(dataDir)).digest('hex').slice(0, 10));

export class SiteError extends Error {
  override name = 'SiteError';
}

/** Where the work folder keeps the source data its pages were prerendered from. */
const KEPT_DATA = 'prerendered-data';

/** Report sources may read marts only (`read`: the tables each reads): the site ships their results to every visitor. */
const checkSourcesReadMartsOnly = (read: Map<string, string[]>) => {
  for (const [name, tables] of read) {
    const outside = tables.filter((t) => !t.startsWith('marts.'));
    if (outside.length) throw new SiteError(`site/sources/${SOURCE}/${name.slice(SOURCE.length + 1)}.sql reads ${outside.join(', ')}: report sources may read marts only.`);
  }
};

const assemble = (workDir: string, databasePath: string) => {
  fs.mkdirSync(workDir, { recursive: true });
  for (const stale of ['pages', 'sources', 'build']) fs.rmSync(path.join(workDir, stale), { recursive: true, force: true });
  fs.copyFileSync(SITE_CONFIG, path.join(workDir, 'evidence.config.yaml'));
  // Evidence's Tailwind config looks for component sources in ../../node_modules of its template.
  const modules = path.join(workDir, 'node_modules');
  if (!fs.existsSync(modules)) fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), modules, 'dir');
  fs.writeFileSync(path.join(workDir, 'evidence.settings.json'), JSON.stringify({ send_anonymous_usage_stats: 'no' }));
  fs.cpSync(SITE_PAGES, path.join(workDir, 'pages'), { recursive: true });
  fs.cpSync(SITE_SOURCES, path.join(workDir, 'sources'), { recursive: true });
  // Evidence resolves the database file relative to the source's folder.
  const sourceDir = path.join(workDir, 'sources', SOURCE);
  const relative = path.relative(sourceDir, databasePath);
  fs.writeFileSync(path.join(sourceDir, 'connection.yaml'), `name: ${SOURCE}\ntype: duckdb\noptions:\n  filename: ${JSON.stringify(relative)}\n`);
};

/** The environment Evidence runs in: ours, less any Evidence path override, telemetry off. */
export const evidenceEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', DO_NOT_TRACK: '1' };
  for (const key of Object.keys(env)) if (/^EVIDENCE_(DATA|BUILD)_/.test(key)) delete env[key];
  return env;
};

/**
 * Runs the Evidence CLI in the work folder with no telemetry; resolves with its output. Evidence
 * starts Vite and its workers: they run in their own process group, ended with the run.
 */
export const evidence = (workDir: string, args: string[], log: (line: string) => void, env: NodeJS.ProcessEnv = evidenceEnv()) =>
  runNode(workDir, [path.join(PROJECT_ROOT, 'node_modules/@evidence-dev/evidence/cli.js'), ...args], env, log);

export const runNode = (cwd: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void, signal?: AbortSignal) =>
  new Promise<string>((resolve, reject) => {
    const child = spawnInGroup(process.execPath, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal ? { signal } : {}),
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (/✔|Finished|Error|error|failed/i.test(line) && line.trim()) log(`    ${line.trim()}`);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new SiteError(`${args.map((a) => path.basename(a)).join(' ')} exited with ${code}:\n${output.slice(-4000)}`))));
  });

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
  const args = [path.join(PROJECT_ROOT, 'pipelines/site/refresh.mjs'), path.join(PROJECT_ROOT, 'node_modules/@sveltejs/kit'), planFile, String(workers)];
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
const refreshFromCompiledApp = async (workDir: string, started: StartedPrerender, log: (line: string) => void, workers?: number) => {
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

/** Evidence's own markers of a failed query, in its console output or in a prerendered page. */
export const QUERY_ERROR = /Error in Query|Error running query|Query failed|Catalog Error|Binder Error|Parser Error|Conversion Error/;

export const findQueryErrors = (output: string, buildDir: string): string[] => {
  const problems = output.split('\n').filter((line) => QUERY_ERROR.test(line)).map((line) => `build output: ${line.trim()}`);
  const pages = fs.readdirSync(buildDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name));
  for (const page of pages) {
    const html = fs.readFileSync(page, 'utf8');
    const match = QUERY_ERROR.exec(html);
    if (match) problems.push(`${path.relative(buildDir, page)}: ${html.slice(match.index, match.index + 200).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')}`);
  }
  return problems;
};

const EVIDENCE_TYPES: Record<string, () => DataType> = {
  number: () => new Float64(),
  string: () => new Utf8(),
  date: () => new TimestampMillisecond(),
  boolean: () => new Bool(),
};

/** An Arrow IPC stream with no rows and the columns Evidence recorded for a source. */
const emptyArrow = (schemaFile: string): Uint8Array => {
  const columns = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as { name: string; evidenceType: string }[];
  const fields = columns.map((c) => {
    const type = EVIDENCE_TYPES[c.evidenceType];
    if (!type) throw new SiteError(`${schemaFile}: unknown Evidence type "${c.evidenceType}" for column ${c.name}`);
    return new Field(c.name, type(), true);
  });
  return tableToIPC(new Table(new Schema(fields)), 'stream');
};

/**
 * Before the build, beside every source's data file in Evidence's static folder, its Arrow IPC
 * twin: what the patched build-time client loads. A source with no rows has no Parquet file
 * (Evidence writes none), so its twin is an empty table with the source's columns: pages then show
 * "no data", not a crash.
 */
export const writeSourceTwins = (dataDir: string) => {
  if (!fs.existsSync(dataDir)) return { sources: 0, empty: [] as string[] };
  const schemas = fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.schema.json'));
  const empty: string[] = [];
  for (const entry of schemas) {
    const base = path.join(entry.parentPath, entry.name.slice(0, -'.schema.json'.length));
    const parquet = `${base}.parquet`;
    if (fs.existsSync(parquet)) {
      fs.writeFileSync(`${base}.arrow`, readParquet(fs.readFileSync(parquet)).intoIPCStream());
    } else {
      fs.writeFileSync(`${base}.arrow`, emptyArrow(path.join(entry.parentPath, entry.name)));
      empty.push(path.basename(base));
    }
  }
  return { sources: schemas.length, empty };
};

/**
 * After the build, the twins the browser loads: Evidence moves each Parquet file into a folder
 * named after its content hash, and the pages ask for the twin there. The twin written before the
 * build (`writeSourceTwins`, from that same file) is moved beside it, so the site ships each table
 * once; one missing is made again from the Parquet file. Empty sources keep the twin written before
 * the build (their manifest entry has no hash).
 */
export const placeBrowserTwins = (buildDataDir: string) => {
  if (!fs.existsSync(buildDataDir)) return;
  const parquets = fs.readdirSync(buildDataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.parquet'));
  for (const entry of parquets) {
    const file = path.join(entry.parentPath, entry.name);
    const twin = file.replace(/\.parquet$/, '.arrow');
    const before = path.join(path.dirname(entry.parentPath), path.basename(twin));
    if (fs.existsSync(before)) fs.renameSync(before, twin);
    else fs.writeFileSync(twin, readParquet(fs.readFileSync(file)).intoIPCStream());
  }
};

/**
 * Evidence's `sources` step: every report source, or (`onlyChanged`) only those whose SQL or marts
 * changed since their data files were written (`source-runs.ts`); the others keep their files.
 */
const runReportSources = async (workDir: string, databasePath: string, onlyChanged: boolean, log: (line: string) => void) => {
  const sourcesDir = path.join(workDir, 'sources', SOURCE);
  // One parse of the sources' SQL: the marts-only check first (before a fingerprint reads a table
  // that may not exist), then the digests.
  const db = await openDatabase(databasePath, { readOnly: true });
  let current: Record<string, string>;
  try {
    const read = await tablesReadBySources(db, sourcesDir, SOURCE);
    checkSourcesReadMartsOnly(read);
    current = await sourceInputDigests(db, sourcesDir, SOURCE, read);
  } finally {
    db.close();
  }
  const toRun = onlyChanged ? sourcesToRun(recordedSourceInputs(workDir), current, path.join(workDir, TEMPLATE, 'static', 'data')) : Object.keys(current);
  // Until Evidence has written them, the data files are of no known inputs.
  recordSourceInputs(workDir, undefined);
  if (!toRun.length) {
    log('  no report source reads a mart that changed: their data files are kept');
  } else {
    const all = toRun.length === Object.keys(current).length;
    if (!all) log(`  ${toRun.length} of ${Object.keys(current).length} report source(s) read a mart that changed and are run again (${toRun.slice(0, 8).join(', ')}${toRun.length > 8 ? ', …' : ''})`);
    const output = await evidence(workDir, ['sources', '--strict', ...(all ? [] : ['--queries', toRun.join(',')])], log);
    if (QUERY_ERROR.test(output)) throw new SiteError(`A report source query failed:\n${output.slice(-4000)}`);
  }
  recordSourceInputs(workDir, current);
};

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
  assemble(options.workDir, siteDatabase);
  const key = compiledAppKey();
  // A data-only refresh's prerender starts now: it loads the app while the report sources run.
  const own = hasCompiledApp(options.workDir, key);
  const reuse = options.reuseCompiledApp !== false && (own || adoptSharedApp(options.workDir, key));
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
  }
  const buildDir = path.join(options.workDir, 'build');
  const errors = findQueryErrors(buildOutput, buildDir);
  if (errors.length) throw new SiteError(`${errors.length} query error(s) in the report pages:\n${errors.slice(0, 20).map((e) => `  ${e}`).join('\n')}`);
  placeBrowserTwins(path.join(buildDir, 'data'));
  // The pages now in the work folder were made from this data: the next refresh starts from them.
  setPrerenderedFrom(options.workDir, sourceDigests(path.join(options.workDir, TEMPLATE, 'static', 'data')));
  keepSourceData(path.join(options.workDir, TEMPLATE, 'static', 'data'), path.join(options.workDir, KEPT_DATA));
  const light = await lightenSite(buildDir, path.join(options.workDir, 'precompressed'));
  if (!light.removed.length) log('  note: no duckdb-mvp wasm found in the site (Evidence may have changed how it ships DuckDB-WASM)');
  log(`  ${light.removed.length} file(s) of DuckDB-WASM's MVP variant removed; ${light.compressed} file(s) precompressed (.br, .gz; ${light.fresh} new), ` +
    `${(light.bytes / 2 ** 20).toFixed(1)} MiB → ${(light.brotliBytes / 2 ** 20).toFixed(1)} MiB with Brotli`);
  return buildDir;
};
