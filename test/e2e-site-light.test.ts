/**
 * Fast to refresh, end to end on the sample company (`npm run build` twice, then a full Evidence
 * build of the refreshed database):
 *
 * full build → one value of marketing_spend changed → rebuild: the report sources reading a mart
 *    the change reached run again, and the site step re-renders the pages from the new data with the
 *    app the first build compiled (no Vite; two prerender workers), and gives the same
 *    site as a full Evidence build of the same database, page for page and data file for data file
 *    (the same database: a second database build may differ in the last bits of DOUBLE sums, which
 *    DuckDB adds in parallel — the incremental database is checked by test/incremental.test.ts).
 * The cold load's weight of the front page is measured by test/e2e-site.test.ts.
 *
 * Three builds: run it alone, under `flock /work/wt/site.lock`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeOneValue } from '../pipelines/bench/workspace.js';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { buildSite, siteWorkDir } from '../pipelines/site/build-site.js';
import { readParquet } from 'parquet-wasm/node/arrow1.js';
import { tempDir } from './helpers/load.js';

const run = promisify(execFile);

let dataDir: string;
let siteDir: string;
let before: string; // the first full build's site (old data)
let refreshed: string; // the data-only refresh (new data)
let full: string; // a full build of the new data
let refreshOutput: string;

const build = async (env: NodeJS.ProcessEnv = {}) =>
  (await run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/cli.ts'), 'build'], {
    cwd: PROJECT_ROOT,
    // A fixed reference day, not --as-of: a rewound company is reloaded and rebuilt whole (its
    // extracts' rewinds read each other), and this test is of the refresh of one changed value.
    env: { ...process.env, BI_DATA_DIR: dataDir, BI_SITE_DIR: siteDir, BI_REFERENCE_DAY: '2026-11-22', ...env },
    maxBuffer: 64 * 1024 * 1024,
  })).stdout;

/** A copy of the published site (the stable path is a symlink into the release, pruned later). */
const keep = (name: string) => {
  const copy = path.join(dataDir, name);
  fs.cpSync(fs.realpathSync(siteDir), copy, { recursive: true });
  return copy;
};

beforeAll(async () => {
  dataDir = tempDir('bi-light-');
  siteDir = path.join(dataDir, 'site');
  await build();
  before = keep('site-before');
  await changeOneValue(path.join(dataDir, 'sample', 'scale-1-seed-42'), 'marketing_spend');
  // Two prerender workers whatever the machine's load: their pages, shared, must be a full build's.
  refreshOutput = await build({ BI_PRERENDER_WORKERS: '2' });
  refreshed = keep('site-refreshed');
  // A full Evidence build (Vite compile, prerender) of a copy of the database the refresh published.
  const database = path.join(dataDir, 'same-data.duckdb');
  fs.copyFileSync(fs.realpathSync(path.join(dataDir, 'warehouse.duckdb')), database);
  full = await buildSite({ databasePath: database, workDir: siteWorkDir(path.join(dataDir, 'full')), reuseCompiledApp: false });
}, 1_800_000);

afterAll(async () => {
  if (dataDir) for (const dir of [dataDir, path.join(dataDir, 'full')]) fs.rmSync(siteWorkDir(dir), { recursive: true, force: true });
});

/** Every file of a site but the precompressed twins (derived from the others). */
const filesOf = (dir: string) =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/\.(br|gz)$/.test(e.name))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

/**
 * What differs between any two builds of the same pages and data, replaced by placeholders:
 * - melt-ui's element ids (`id`, `aria-controls`, … of dropdowns and popovers) are random at each
 *   render (nanoid, 10 characters);
 * - the compiled app's build id: SvelteKit's `__sveltekit_<hash of the version>` global and the
 *   content hashes Vite puts in `_app/immutable/` file names (the refreshed site keeps the first
 *   build's compiled app; a full build compiles it again).
 */
const normalisedPage = (html: string) =>
  html
    .replace(/\b(id|aria-controls|aria-labelledby|aria-describedby|for)="[A-Za-z0-9_-]{10}"/g, '$1="ID"')
    .replace(/__sveltekit_[a-z0-9]+/g, '__sveltekit_X')
    .replace(/(_app\/immutable\/[^"'\s]*?)\.[A-Za-z0-9_-]{8}\.(js|css|wasm)/g, '$1.HASH.$2')
    .replace(/"version":\s*"\d+"/g, '"version":"X"');

const appFileName = (file: string) => file.replace(/\.[A-Za-z0-9_-]{8}\.(js|css|wasm)$/, '.HASH.$1');

/**
 * The rows of an Arrow IPC stream, in order, as text (the bytes under a null are left undefined by
 * Arrow, so equal tables may differ in bytes).
 */
const rowsOf = (ipc: Uint8Array) =>
  tableFromIPC(ipc).toArray().map((row) => JSON.stringify(row.toJSON(), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)));
const arrowRows = (file: string) => rowsOf(fs.readFileSync(file));
const tableRows = (file: string) => (file.endsWith('.parquet') ? rowsOf(readParquet(fs.readFileSync(file)).intoIPCStream()) : arrowRows(file));

/**
 * Equal tables: the same rows, in the same order — or in another order when the source query has
 * no ORDER BY (DuckDB returns its rows in the order its threads finish; a page that shows them
 * sorts them itself). Returns why not, or undefined.
 */
const sameTable = (a: string[], b: string[]) => {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort()) ? undefined : `${a.length} vs ${b.length} rows, not the same`;
};

/** A data file's path without the folder named after its MD5 (compared by content below). */
const withoutDigest = (file: string) => file.replace(/\/[0-9a-f]{32}\//, '/');

describe('a data-only refresh', () => {
  it('re-renders the pages without compiling the app', () => {
    expect(refreshOutput).toMatch(/data-only refresh/);
    // One campaign's spend reaches the CAC of the sellers its leads went to, not all of them: the
    // other sellers' pages are kept (their equality with a full build is checked below).
    expect(Number(/among them (\d+) parameter page\(s\) reading a changed source only through their own rows/.exec(refreshOutput)?.[1])).toBeGreaterThan(0);
    expect(refreshOutput).toMatch(/page\(s\) prerendered by 2 workers side by side/);
    // Only the report sources reading a mart the change reached were run again (the others' files
    // are kept: their equality with a full build's is checked below).
    const sources = /(\d+) of (\d+) report source\(s\) read a mart that changed/.exec(refreshOutput);
    expect(Number(sources?.[1])).toBeGreaterThan(0);
    expect(Number(sources?.[1])).toBeLessThan(Number(sources?.[2]));
    // The value changed a data file: the refresh did publish new data.
    expect(fs.readFileSync(path.join(refreshed, 'data/manifest.json'), 'utf8')).not.toBe(fs.readFileSync(path.join(before, 'data/manifest.json'), 'utf8'));
  });

  it('gives the same pages as a full build of the same data', () => {
    const pages = filesOf(full).filter((f) => f.endsWith('.html'));
    expect(filesOf(refreshed).filter((f) => f.endsWith('.html'))).toEqual(pages);
    expect(pages.length).toBeGreaterThan(10);
    const differing = pages.filter((page) =>
      normalisedPage(fs.readFileSync(path.join(refreshed, page), 'utf8')) !== normalisedPage(fs.readFileSync(path.join(full, page), 'utf8')));
    expect(differing).toEqual([]);
  });

  it('gives the same data files as a full build: the same files, the same rows', () => {
    const data = filesOf(full).filter((f) => f.startsWith('data/'));
    const byName = (files: string[]) => new Map(files.map((f) => [withoutDigest(f), f]));
    const mine = byName(filesOf(refreshed).filter((f) => f.startsWith('data/')));
    const theirs = byName(data);
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    expect(data.filter((f) => f.endsWith('.parquet')).length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const [name, file] of theirs) {
      const a = path.join(refreshed, mine.get(name)!);
      const b = path.join(full, file);
      if (fs.readFileSync(a).equals(fs.readFileSync(b))) continue;
      if (/\.(parquet|arrow)$/.test(name)) {
        const why = sameTable(tableRows(a), tableRows(b));
        if (why) problems.push(`${name}: ${why}`);
      } else if (name === 'data/manifest.json') {
        // Its lists are in the order the sources step's parallel queries finished: compared sorted.
        const entries = (f: string) => {
          const { renderedFiles } = JSON.parse(fs.readFileSync(f, 'utf8')) as { renderedFiles: Record<string, string[]> };
          return JSON.stringify(Object.entries(renderedFiles).sort().map(([k, files]) => [k, files.map(withoutDigest).sort()]));
        };
        if (entries(a) !== entries(b)) problems.push(name);
      } else problems.push(name);
    }
    expect(problems).toEqual([]);
  });

  it('gives every page the same prerendered query results and the same endpoints', () => {
    const api = filesOf(full).filter((f) => f.startsWith('api/') && !f.startsWith('api/prerendered_queries/'));
    expect(filesOf(refreshed).filter((f) => f.startsWith('api/') && !f.startsWith('api/prerendered_queries/'))).toEqual(api);
    const problems: string[] = [];
    for (const file of api) {
      if (!file.endsWith('all-queries.json')) {
        if (!fs.readFileSync(path.join(refreshed, file)).equals(fs.readFileSync(path.join(full, file)))) problems.push(file);
        continue;
      }
      // Each page's queries point at result files named after their bytes: compared by their rows.
      const a = JSON.parse(fs.readFileSync(path.join(refreshed, file), 'utf8')) as Record<string, string>;
      const b = JSON.parse(fs.readFileSync(path.join(full, file), 'utf8')) as Record<string, string>;
      if (JSON.stringify(Object.keys(a).sort()) !== JSON.stringify(Object.keys(b).sort())) problems.push(`${file}: other queries`);
      for (const [name, hash] of Object.entries(a)) {
        const rows = (dir: string, h: string | undefined) => arrowRows(path.join(dir, 'api/prerendered_queries', `${h}.arrow`));
        const why = sameTable(rows(refreshed, hash), rows(full, b[name]));
        if (why) problems.push(`${file}: ${name}: ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('ships the same compiled app files, by name', () => {
    const app = (dir: string) => filesOf(dir).filter((f) => f.startsWith('_app/')).map(appFileName).sort();
    expect(app(refreshed)).toEqual(app(full));
  });
});
