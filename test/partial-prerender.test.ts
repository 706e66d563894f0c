/**
 * Which pages a data-only refresh prerenders again (pipelines/site/refresh/partial-prerender.ts), on a
 * small project of pages written here: the routes and sources are read from the page files, the
 * previously prerendered paths from a folder of index.html files, as SvelteKit lays them out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  changedKeys, changedSources, keepSourceData, pageRoutes, paramScopedSources, paramPagesMatchLinks, planPartialPrerender, prerenderedPaths, pruneReplacedResults, referencedResults, sourceDigests, splitPlan,
} from '../pipelines/site/refresh/partial-prerender.js';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { tempDir } from './helpers/load.js';

const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};

/** Pages: a front page reading kpis, a sellers list reading sellers and one page per seller reading seller_revenue. */
const project = () => {
  const dir = tempDir('bi-partial-');
  const pages = path.join(dir, 'pages');
  write(path.join(pages, 'index.md'), '```sql kpis\nselect * from warehouse.kpis\n```\n');
  write(path.join(pages, 'sellers/index.md'), '```sql sellers\nselect * from warehouse.sellers\n```\n');
  write(path.join(pages, 'sellers/[seller].md'), '```sql rev\nselect * from Warehouse.Seller_Revenue where seller_id = ${sql(params.seller)}\n```\n');
  write(path.join(pages, 'glossary.md'), '# Glossaire\n');
  const out = path.join(dir, 'prerendered');
  for (const p of ['', 'sellers', 'sellers/S1', 'sellers/S2', 'glossary']) {
    write(path.join(out, p, 'index.html'), p === 'sellers' ? '<a href="/sellers/S1/">1</a><a href="/sellers/S2">2</a>' : '<a href="/">home</a>');
  }
  return { dir, pages, out };
};

describe('partial prerender plan', () => {
  it('reads routes and the sources each page names (case-insensitive)', () => {
    const { pages } = project();
    const routes = pageRoutes(pages);
    expect(routes.map((r) => [r.id, [...r.sources]]).sort()).toEqual([
      ['/', ['warehouse.kpis']],
      ['/glossary', []],
      ['/sellers', ['warehouse.sellers']],
      ['/sellers/[seller]', ['warehouse.seller_revenue']],
    ]);
  });

  it('prerenders again only the pages reading a changed source, every page of a parameterised route', () => {
    const { pages, out } = project();
    const routes = pageRoutes(pages);
    const paths = prerenderedPaths(out);
    expect(paths).toEqual(['/', '/glossary/', '/sellers/', '/sellers/S1/', '/sellers/S2/']);
    expect(planPartialPrerender(routes, paths, ['warehouse.seller_revenue'])).toEqual({ routes: ['/sellers/[seller]'], paths: ['/sellers/S1/', '/sellers/S2/'] });
    // The static route /sellers is not taken for /sellers/S1/, nor the other way round.
    expect(planPartialPrerender(routes, paths, ['warehouse.sellers'])).toEqual({ routes: ['/sellers'], paths: ['/sellers/'] });
    expect(planPartialPrerender(routes, paths, [])).toEqual({ routes: [], paths: [] });
  });

  it('finds changed sources by the digest of their data files, empty sources by their Arrow twin', () => {
    const { dir } = project();
    const data = path.join(dir, 'static-data');
    write(path.join(data, 'warehouse/kpis/kpis.parquet'), 'a');
    write(path.join(data, 'warehouse/sellers/sellers.parquet'), 'b');
    write(path.join(data, 'warehouse/empty/empty.arrow'), 'c');
    const before = sourceDigests(data);
    expect(Object.keys(before)).toEqual(['warehouse.empty', 'warehouse.kpis', 'warehouse.sellers']);
    write(path.join(data, 'warehouse/kpis/kpis.parquet'), 'a2');
    fs.rmSync(path.join(data, 'warehouse/sellers'), { recursive: true });
    expect(changedSources(before, sourceDigests(data))).toEqual(['warehouse.kpis', 'warehouse.sellers']);
  });

  it('says when the links lead to other parameter pages than were prerendered', () => {
    const { pages, out } = project();
    const routes = pageRoutes(pages);
    expect(paramPagesMatchLinks(routes, out, out)).toBeUndefined();
    // A new seller linked from the list, never prerendered: the refresh must prerender everything.
    write(path.join(out, 'sellers', 'index.html'), '<a href="/sellers/S1/">1</a><a href="/sellers/S2/">2</a><a href="/sellers/S3/">3</a>');
    expect(paramPagesMatchLinks(routes, out, out)).toMatch(/\/sellers\/\[seller\]: 1 linked page\(s\) not prerendered \(\/sellers\/S3\/\)/);
  });

  it('removes the results only the re-rendered pages pointed at, keeps the unreferenced ones', () => {
    const { dir } = project();
    const api = path.join(dir, 'api');
    write(path.join(api, 'r1/p/all-queries.json'), JSON.stringify({ a: 'old', b: 'same' }));
    for (const name of ['old', 'same', 'firstpass']) write(path.join(api, 'prerendered_queries', `${name}.arrow`), name);
    const before = referencedResults(api);
    // The page was prerendered again: `a` has a new result.
    write(path.join(api, 'r1/p/all-queries.json'), JSON.stringify({ a: 'new', b: 'same' }));
    write(path.join(api, 'prerendered_queries', 'new.arrow'), 'new');
    expect(pruneReplacedResults(api, before)).toBe(1);
    expect(fs.readdirSync(path.join(api, 'prerendered_queries')).sort()).toEqual(['firstpass.arrow', 'new.arrow', 'same.arrow']);
  });

  it('tells the sources a parameter page reads only through its own rows', () => {
    const page = (...queries: string[]) => queries.map((q, i) => `\`\`\`sql q${i}\n${q}\n\`\`\`\n`).join('');
    const own = "select * from warehouse.cac_by_seller\nwhere seller_id = ${sql(params.seller)}\norder by year";
    expect([...paramScopedSources(page(own), 'seller')]).toEqual([['warehouse.cac_by_seller', 'seller_id']]);
    // An alias, and further conditions joined by `and`, keep it scoped.
    expect([...paramScopedSources(page("select * from warehouse.rev r where r.seller_id = ${sql(params.seller)} and r.year > 2020"), 'seller')]).toEqual([['warehouse.rev', 'seller_id']]);
    // Each of these may read other sellers' rows: not scoped.
    for (const q of [
      'select max(year) from warehouse.cac_by_seller', // no filter
      "select * from warehouse.cac_by_seller where seller_id = ${sql(params.seller)} or year = 2024", // `or`
      "select * from warehouse.cac_by_seller r left join warehouse.x l on l.seller_id = r.seller_id where r.seller_id = ${sql(params.seller)}", // join before the where
      "select * from warehouse.cac_by_seller r where l.seller_id = ${sql(params.seller)}", // another table's column
      "select * from warehouse.cac_by_seller where team_id = ${sql(params.team)}", // another parameter
    ]) expect(paramScopedSources(page(q), 'seller').has('warehouse.cac_by_seller'), q).toBe(false);
    // Scoped in one query but not in another of the same page: not scoped.
    expect(paramScopedSources(page(own, 'select count(*) from warehouse.cac_by_seller'), 'seller').size).toBe(0);
    // Named outside a SQL block too: not scoped.
    expect(paramScopedSources(`${page(own)}\nwarehouse.cac_by_seller\n`, 'seller').size).toBe(0);
  });

  it('prerenders again only the parameter pages whose own rows changed', () => {
    const { pages, out } = project();
    const routes = pageRoutes(pages);
    const paths = prerenderedPaths(out);
    const keys = (...sellers: string[]) => new Map([['warehouse.seller_revenue', new Map([['seller_id', new Set(sellers)]])]]);
    expect(planPartialPrerender(routes, paths, ['warehouse.seller_revenue'], keys('S2'))).toEqual({ routes: ['/sellers/[seller]'], paths: ['/sellers/S2/'] });
    // No seller's rows changed (say a row of a seller with no page): the route is left alone.
    expect(planPartialPrerender(routes, paths, ['warehouse.seller_revenue', 'warehouse.kpis'], keys('S9'))).toEqual({ routes: ['/'], paths: ['/'] });
    // Rows unknown for a changed source: every page of the route.
    expect(planPartialPrerender(routes, paths, ['warehouse.seller_revenue'], new Map()).paths).toEqual(['/sellers/S1/', '/sellers/S2/']);
  });

  it('finds the sellers whose rows of a source changed, comparing the kept data with the new', async () => {
    const { dir, pages } = project();
    const routes = pageRoutes(pages);
    const data = path.join(dir, 'static-data');
    const kept = path.join(dir, 'kept');
    fs.mkdirSync(path.join(data, 'warehouse/seller_revenue'), { recursive: true });
    const file = path.join(data, 'warehouse/seller_revenue/seller_revenue.parquet');
    const db = await openDatabase(':memory:');
    try {
      const write = (rows: string) => db.exec(`COPY (FROM (VALUES ${rows}) t(seller_id, year, revenue)) TO '${file}' (FORMAT parquet)`);
      await write("('S1', 2024, 10.5), ('S2', 2024, 20.0), ('S3', 2024, 7.0), ('S3', 2024, 7.0)");
      keepSourceData(data, kept);
      expect(fs.existsSync(path.join(kept, 'warehouse/seller_revenue/seller_revenue.parquet'))).toBe(true);
      // S2's revenue changes by one unit; one of S3's two identical rows goes; S4 appears; S1 is unchanged.
      await write("('S1', 2024, 10.5), ('S2', 2024, 21.0), ('S3', 2024, 7.0), ('S4', 2025, 1.0)");
    } finally {
      db.close();
    }
    const keys = await changedKeys(routes, ['warehouse.seller_revenue'], kept, data);
    expect([...keys.get('warehouse.seller_revenue')!.get('seller_id')!].sort()).toEqual(['S2', 'S3', 'S4']);
    // A source no route reads by its parameter is not compared.
    expect((await changedKeys(routes, ['warehouse.kpis'], kept, data)).size).toBe(0);
  });
});

describe('prerender shares', () => {
  it('deals the pages in turn over the shares, each with the routes of its pages', () => {
    const { pages } = project();
    const routes = pageRoutes(pages);
    const plan = { routes: ['/', '/sellers', '/sellers/[seller]'], paths: ['/sellers/S1/', '/', '/sellers/', '/sellers/S2/', '/sellers/S3'] };
    // Ordered by route then path: /, /sellers/, /sellers/S1/, /sellers/S2/, /sellers/S3 (no slash: a plan may omit it);
    // every share starts with the front page, as a full build's prerender does.
    expect(splitPlan(plan, routes, 2)).toEqual([
      { routes: ['/', '/sellers/[seller]'], paths: ['/', '/sellers/S1/', '/sellers/S3'] },
      { routes: ['/', '/sellers', '/sellers/[seller]'], paths: ['/', '/sellers/', '/sellers/S2/'] },
    ]);
    // Even when the front page's data did not change (the page is the same, rendered first).
    expect(splitPlan({ routes: ['/sellers/[seller]'], paths: ['/sellers/S2/'] }, routes, 1)).toEqual([{ routes: ['/', '/sellers/[seller]'], paths: ['/', '/sellers/S2/'] }]);
    // Never more shares than pages; a route of the plan with no page stays with the first share.
    expect(splitPlan({ routes: ['/', '/glossary'], paths: ['/'] }, routes, 4)).toEqual([{ routes: ['/', '/glossary'], paths: ['/'] }]);
  });
});
