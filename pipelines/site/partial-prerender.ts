/**
 * Which pages a data-only refresh must prerender again: those reading a report source whose data
 * changed since the pages were last prerendered. A page's output depends on the app (unchanged, or
 * there would be no refresh) and on the results of its queries, which read report sources only by
 * naming them (`warehouse.<source>`, checked: report pages cannot read anything else); a page
 * naming no changed source renders as it did.
 *
 * The other pages keep what the last build prerendered. Pages whose route has a parameter
 * (`sellers/[seller]`) are found by following links: the refresh visits the ones prerendered last
 * time, and `paramPagesMatchLinks` checks afterwards that the links of the site lead to exactly
 * those; if a seller appeared or left, the caller prerenders everything again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SOURCE = 'warehouse';

/** Digest of every report source's data file (`<source>.<query>` → MD5) in Evidence's static data folder. */
export const sourceDigests = (staticDataDir: string): Record<string, string> => {
  const digests: Record<string, string> = {};
  const root = path.join(staticDataDir, SOURCE);
  if (!fs.existsSync(root)) return digests;
  for (const query of fs.readdirSync(root).sort()) {
    const base = path.join(root, query, query);
    // A source with no rows has no Parquet file, only its Arrow twin (written by the site step).
    const file = [`${base}.parquet`, `${base}.arrow`].find((f) => fs.existsSync(f));
    if (file) digests[`${SOURCE}.${query}`] = createHash('md5').update(fs.readFileSync(file)).digest('hex');
  }
  return digests;
};

export const changedSources = (before: Record<string, string>, after: Record<string, string>) =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).sort();

interface PageRoute {
  /** SvelteKit route id: `/`, `/acquisition`, `/sellers/[seller]`. */
  id: string;
  pattern: RegExp;
  hasParams: boolean;
  sources: Set<string>;
}

/** The report pages of the assembled project (`<workDir>/pages`) as routes, with the sources each names. */
export const pageRoutes = (pagesDir: string): PageRoute[] =>
  fs.readdirSync(pagesDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      const segments = path.relative(pagesDir, file).slice(0, -3).split(path.sep).filter((s) => s !== 'index');
      const id = `/${segments.join('/')}`;
      const pattern = new RegExp(`^/${segments.map((s) => (/^\[.+\]$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}${segments.length ? '/' : ''}$`);
      const text = fs.readFileSync(file, 'utf8');
      const sources = new Set([...text.matchAll(/\bwarehouse\.(\w+)/gi)].map((m) => `${SOURCE}.${m[1]!.toLowerCase()}`));
      return { id, pattern, hasParams: segments.some((s) => s.startsWith('[')), sources };
    });

/** The pages a build prerendered, as URL paths with a trailing slash (`/`, `/sellers/S013/`). */
export const prerenderedPaths = (pagesOutputDir: string): string[] =>
  !fs.existsSync(pagesOutputDir) ? [] : fs.readdirSync(pagesOutputDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === 'index.html')
    .map((e) => `/${path.relative(pagesOutputDir, e.parentPath).split(path.sep).join('/')}/`.replace(/^\/\/$/, '/'))
    .sort();

/** A route for a URL path: static routes before those with parameters. */
const routeOf = (routes: PageRoute[], urlPath: string) =>
  routes.find((r) => !r.hasParams && r.pattern.test(urlPath)) ?? routes.find((r) => r.hasParams && r.pattern.test(urlPath));

export interface PartialPlan {
  routes: string[];
  paths: string[];
}

/** The routes reading a changed source, and their pages prerendered last time. */
export const planPartialPrerender = (routes: PageRoute[], previousPaths: string[], changed: string[]): PartialPlan => {
  const affected = routes.filter((r) => [...r.sources].some((s) => changed.includes(s)));
  const ids = new Set(affected.map((r) => r.id));
  const paths = previousPaths.filter((p) => {
    const route = routeOf(routes, p);
    return route !== undefined && ids.has(route.id);
  });
  return { routes: [...ids].sort(), paths };
};

/** The links of every page of a built site, as URL paths with a trailing slash. */
const linkedPaths = (siteDir: string) => {
  const links = new Set<string>();
  for (const entry of fs.readdirSync(siteDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const html = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    for (const m of html.matchAll(/href="(\/[^"#?]*)"/g)) links.add(m[1]!.endsWith('/') ? m[1]! : `${m[1]}/`);
  }
  return links;
};

/**
 * Whether the site's pages of parameterised routes are exactly those its links lead to (what a
 * full build's crawl would have prerendered); names the difference otherwise.
 */
export const paramPagesMatchLinks = (routes: PageRoute[], siteDir: string, pagesOutputDir: string): string | undefined => {
  const links = linkedPaths(siteDir);
  const pages = prerenderedPaths(pagesOutputDir);
  for (const route of routes.filter((r) => r.hasParams)) {
    const linked = [...links].filter((l) => routeOf(routes, l) === route).sort();
    const built = pages.filter((p) => routeOf(routes, p) === route);
    if (JSON.stringify(linked) !== JSON.stringify(built)) {
      const missing = linked.filter((l) => !built.includes(l));
      const extra = built.filter((b) => !linked.includes(b));
      return `${route.id}: ${missing.length} linked page(s) not prerendered${missing.length ? ` (${missing.slice(0, 3).join(', ')})` : ''}, ${extra.length} no longer linked${extra.length ? ` (${extra.slice(0, 3).join(', ')})` : ''}`;
    }
  }
  return undefined;
};

/** The query results every page's `all-queries.json` points at, under an `api/` folder. */
export const referencedResults = (apiDir: string): Set<string> => {
  const used = new Set<string>();
  if (!fs.existsSync(apiDir)) return used;
  for (const entry of fs.readdirSync(apiDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name !== 'all-queries.json') continue;
    for (const hash of Object.values(JSON.parse(fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')) as Record<string, string>)) used.add(`${hash}.arrow`);
  }
  return used;
};

/**
 * Removes the results pages pointed at before the refresh and no longer: the old data of the pages
 * prerendered again. Results no page points at (Evidence's first, input-less pass) are kept, as a
 * full build keeps them.
 */
export const pruneReplacedResults = (apiDir: string, before: Set<string>) => {
  const now = referencedResults(apiDir);
  const dir = path.join(apiDir, 'prerendered_queries');
  let removed = 0;
  for (const name of before) {
    if (!now.has(name) && fs.existsSync(path.join(dir, name))) {
      fs.rmSync(path.join(dir, name));
      removed += 1;
    }
  }
  return removed;
};
