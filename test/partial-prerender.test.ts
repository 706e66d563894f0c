/**
 * Which pages a data-only refresh prerenders again (pipelines/site/partial-prerender.ts), on a
 * small project of pages written here: the routes and sources are read from the page files, the
 * previously prerendered paths from a folder of index.html files, as SvelteKit lays them out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  changedSources, pageRoutes, paramPagesMatchLinks, planPartialPrerender, prerenderedPaths, pruneReplacedResults, referencedResults, sourceDigests,
} from '../pipelines/site/partial-prerender.js';
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
  write(path.join(pages, 'sellers/[seller].md'), '```sql rev\nselect * from Warehouse.Seller_Revenue where seller_id = \'${params.seller}\'\n```\n');
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
});
