/**
 * Run in each prerender worker of a data-only refresh (`refresh.mjs`) before kit's prerender starts
 * (patches/@sveltejs+kit: BI_PRERENDER_HOOK). The refresh is started while the report sources are
 * still being written, so that what does not depend on the data is ready when they are:
 *   1. the compiled server and every page's modules are loaded, and DuckDB-WASM is started;
 *   2. then the worker waits for its plan (BI_PRERENDER_PLAN), which the pipeline writes once the
 *      data files are written and it knows which pages read data that changed;
 *   3. the routes out of its share of the plan are not prerendered (kit fails on a prerenderable
 *      route it did not visit); the share's paths are the entries (`refresh-config.mjs`).
 * The data (the sources' manifest and files) is read only when the first page is rendered, after.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

/**
 * The plan, once the pipeline has written it (renamed into place whole). Should the pipeline end
 * first (this process then has another parent), no plan will come.
 */
export const readPlan = async (file) => {
  const parent = process.ppid;
  while (!fs.existsSync(file)) {
    if (process.ppid !== parent) throw new Error(`the pipeline that started this prerender ended before it wrote ${file}`);
    await sleep(10);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
};

/**
 * This worker's part of the plan (BI_PRERENDER_SHARE, 0 by default): 'all' (every page: the first
 * worker only), or its share of the paths, none for a worker with no share.
 * @returns {'all' | { routes: string[], paths: string[] }}
 */
export const planShare = (plan) => {
  const index = Number(process.env.BI_PRERENDER_SHARE ?? 0);
  if (plan.all) return index === 0 ? 'all' : { routes: [], paths: [] };
  return plan.shares[index] ?? { routes: [], paths: [] };
};

/**
 * @param {{ out: string, manifest_path: string, metadata: { routes: Map<string, { prerender?: boolean | 'auto' }> } }} opts
 *   kit's prerender options
 * @returns the routes' metadata this worker prerenders with
 */
export async function beforePrerender({ out, manifest_path, metadata }) {
  const { manifest } = await import(pathToFileURL(manifest_path).href);
  await import(pathToFileURL(`${out}/server/internal.js`).href);
  await import(pathToFileURL(`${out}/server/index.js`).href);
  await Promise.all(manifest._.nodes.map((node) => node()));
  // The module the compiled pages query through (the same instance: same resolved file).
  const { initDB } = await import('@evidence-dev/universal-sql/client-duckdb');
  await initDB();

  const plan = await readPlan(process.env.BI_PRERENDER_PLAN);
  const share = planShare(plan);
  if (share === 'all') return metadata;
  const routes = new Map([...metadata.routes].map(([id, route]) =>
    [id, route.prerender === true && !share.routes.includes(id) ? { ...route, prerender: false } : route]));
  return { ...metadata, routes };
}
