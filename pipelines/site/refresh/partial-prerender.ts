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
import { ident, literal, openDatabase } from '../../db/duckdb.js';
import { SOURCE } from '../evidence/compiled-app.js';

/**
 * Keeps the report sources' Parquet files the pages were just prerendered from (`keepDir`), for the
 * next refresh to tell which rows changed (`changedKeys`).
 */
export const keepSourceData = (staticDataDir: string, keepDir: string) => {
  fs.rmSync(keepDir, { recursive: true, force: true });
  const root = path.join(staticDataDir, SOURCE);
  if (fs.existsSync(root)) fs.cpSync(root, path.join(keepDir, SOURCE), { recursive: true });
};

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
  /**
   * For a route with one parameter: the sources every query of the page reads only through
   * `from warehouse.<source> [alias] where [alias.]<column> = ${sql(params.<param>)}` (no `or` in that
   * where clause), with that column. A page of such a route reads only the source's rows of its own
   * parameter value, so a change of other rows leaves it as it was.
   */
  scoped: Map<string, string>;
  /** The route's parameter and its place among the path's segments. */
  param?: { name: string; index: number };
}

const SQL_BLOCK = /```sql[^\n]*\n([\s\S]*?)```/g;

/** The sources of a page every mention of which is filtered on the route's parameter (see PageRoute.scoped). */
export const paramScopedSources = (text: string, param: string): Map<string, string> => {
  const column = new Map<string, string | null>();
  const mentions = (t: string) => [...t.matchAll(/\bwarehouse\.(\w+)/gi)].map((m) => `${SOURCE}.${m[1]!.toLowerCase()}`);
  const inBlocks: string[] = [];
  for (const [, sql] of text.matchAll(SQL_BLOCK)) {
    inBlocks.push(...mentions(sql!));
    for (const m of sql!.matchAll(/\bwarehouse\.(\w+)/gi)) {
      const source = `${SOURCE}.${m[1]!.toLowerCase()}`;
      const rest = sql!.slice(m.index);
      const filter = new RegExp(`^warehouse\\.\\w+(?:\\s+(?:as\\s+)?(?!where\\b)(\\w+))?\\s+where\\s+(?:(\\w+)\\.)?(\\w+)\\s*=\\s*\\$\\{sql\\(params\\.${param}\\)\\}`, 'i').exec(rest);
      // The where clause runs to the next clause or the end of the query: an `or` there could let other rows in.
      const clause = filter ? rest.slice(filter[0].length).split(/\b(?:order\s+by|group\s+by|limit|union|\))/i)[0]! : '';
      const alias = filter?.[1]?.toLowerCase();
      const ok = filter && (filter[2] === undefined || filter[2].toLowerCase() === alias) && !/\bor\b/i.test(clause);
      const col = ok ? filter[3]!.toLowerCase() : null;
      column.set(source, column.has(source) && column.get(source) !== col ? null : col);
    }
  }
  // A mention outside the SQL blocks is one this reading did not check.
  const all = mentions(text);
  const count = (list: string[], source: string) => list.filter((s) => s === source).length;
  return new Map([...column].filter((e): e is [string, string] => e[1] !== null && count(all, e[0]) === count(inBlocks, e[0])));
};

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
      const params = segments.flatMap((s, index) => (/^\[\w+\]$/.test(s) ? [{ name: s.slice(1, -1), index }] : []));
      const param = segments.filter((s) => s.startsWith('[')).length === 1 ? params[0] : undefined;
      const scoped = param ? paramScopedSources(text, param.name) : new Map<string, string>();
      return { id, pattern, hasParams: segments.some((s) => s.startsWith('[')), sources, scoped, ...(param ? { param } : {}) };
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

/**
 * A plan split into `shares` plans of about as many pages each, for prerender workers running side
 * by side: pages are dealt in turn (a route's pages spread over the shares), each share holding the
 * routes of its pages; a route of the plan with no page to visit stays with the first share.
 *
 * Every share starts with the front page, as a full build does: the first page a prerender renders
 * lists the responses it fetched in another order (the pages manifest's endpoint is loaded on the
 * first call, so the page's own endpoint answers first). A share that started with another page
 * would give that page's bytes, not a full build's; the front page, rendered first by every share,
 * is the same in all of them and the same as a full build's (written by each, identical).
 */
export const splitPlan = (plan: PartialPlan, routes: PageRoute[], shares: number): PartialPlan[] => {
  const n = Math.max(1, Math.min(shares, plan.paths.length));
  const split = Array.from({ length: n }, () => ({ routes: new Set<string>(), paths: [] as string[] }));
  // Paths as SvelteKit writes them end with a slash; a plan may give them without.
  const idOf = (p: string) => routeOf(routes, p.endsWith('/') ? p : `${p}/`)?.id;
  const ordered = [...plan.paths].sort((a, b) => (idOf(a) ?? '').localeCompare(idOf(b) ?? '') || a.localeCompare(b));
  ordered.forEach((p, i) => {
    const share = split[i % n]!;
    share.paths.push(p);
    const id = idOf(p);
    if (id !== undefined && plan.routes.includes(id)) share.routes.add(id);
  });
  for (const id of plan.routes) if (!split.some((s) => s.routes.has(id))) split[0]!.routes.add(id);
  if (routes.some((r) => r.id === '/')) {
    for (const share of split) {
      share.paths = ['/', ...share.paths.filter((p) => p !== '/')];
      share.routes.add('/');
    }
  }
  return split.map((s) => ({ routes: [...s.routes].sort(), paths: s.paths }));
};

/**
 * Per changed source and column, the values of that column whose rows changed (`source` →
 * `column` → values); a source missing here counts as changed everywhere.
 */
export type ChangedKeys = Map<string, Map<string, Set<string>>>;

/**
 * The routes reading a changed source, and their pages prerendered last time. With `keys`, a page
 * of a parameterised route reading a changed source only through its own parameter's rows
 * (PageRoute.scoped) is prerendered again only if rows of its parameter value changed.
 */
export const planPartialPrerender = (routes: PageRoute[], previousPaths: string[], changed: string[], keys: ChangedKeys = new Map()): PartialPlan => {
  const affected = routes.filter((r) => [...r.sources].some((s) => changed.includes(s)));
  const ids = new Set(affected.map((r) => r.id));
  const pathAffected = (route: PageRoute, urlPath: string) => {
    if (!route.param) return true;
    const value = decodeURIComponent(urlPath.split('/').filter(Boolean)[route.param.index] ?? '');
    return [...route.sources].filter((s) => changed.includes(s)).some((s) => {
      const column = route.scoped.get(s);
      const values = column === undefined ? undefined : keys.get(s)?.get(column);
      return values === undefined || values.has(value);
    });
  };
  const paths = previousPaths.filter((p) => {
    const route = routeOf(routes, p);
    return route !== undefined && ids.has(route.id) && pathAffected(route, p);
  });
  // A parameterised route none of whose pages changed is left alone (kit fails on a prerenderable route it did not visit).
  for (const route of affected) if (route.param && previousPaths.some((p) => routeOf(routes, p) === route) && !paths.some((p) => routeOf(routes, p) === route)) ids.delete(route.id);
  return { routes: [...ids].sort(), paths };
};

/**
 * For each of `changed` (sources whose kept copy is the data the pages were made from) some route reads only by its parameter's rows, the values of that column
 * whose rows differ between the data the pages were made from (`beforeDir`) and the new data
 * (`afterDir`), both Evidence static data folders; compared in DuckDB, row for row (EXCEPT ALL both ways).
 * A source whose file is missing on either side (no rows: Arrow twin only) is left out: changed everywhere.
 */
export const changedKeys = async (routes: PageRoute[], changed: string[], beforeDir: string, afterDir: string): Promise<ChangedKeys> => {
  const wanted = new Map<string, Set<string>>();
  for (const route of routes) for (const [source, column] of route.scoped) if (changed.includes(source)) wanted.set(source, (wanted.get(source) ?? new Set()).add(column));
  const keys: ChangedKeys = new Map();
  if (!wanted.size) return keys;
  const db = await openDatabase(':memory:');
  try {
    for (const [source, columns] of wanted) {
      const query = source.slice(SOURCE.length + 1);
      const file = (dir: string) => path.join(dir, SOURCE, query, `${query}.parquet`);
      if (!fs.existsSync(file(beforeDir)) || !fs.existsSync(file(afterDir))) continue;
      const [before, after] = [file(beforeDir), file(afterDir)].map((f) => `read_parquet(${literal(f)})`);
      const byColumn = new Map<string, Set<string>>();
      for (const column of columns) {
        const rows = await db.query(`SELECT DISTINCT CAST(${ident(column)} AS VARCHAR) AS v FROM ((FROM ${before} EXCEPT ALL FROM ${after}) UNION ALL (FROM ${after} EXCEPT ALL FROM ${before}))`);
        byColumn.set(column, new Set(rows.map((r) => String(r.v))));
      }
      keys.set(source, byColumn);
    }
  } finally {
    db.close();
  }
  return keys;
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
