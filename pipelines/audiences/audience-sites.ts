/**
 * One static site per audience (publish configuration, `audiences/audiences-config.ts`), made from
 * the Evidence app the full site step compiled — not compiled again per audience. For each:
 *
 *   1. its pages: the full site's pages matching its globs (its seller pages: the sellers it sees);
 *   2. its data: the report sources those pages name, run by Evidence over a filtered copy of the
 *      marts they read (`audience-data.ts`): no other source's data file is written;
 *   3. its site: those pages alone prerendered with the compiled app (`refresh.mjs`, given only
 *      them), in a work folder hard-linked to the compiled app's, then finished, checked and
 *      precompressed like the full site.
 *
 * The sites land in `<site>/audiences/<name>/` and are published with the release. Each must be
 * served as the root of its own host name (the app's links are absolute): see docs/audiences.md
 *
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { PROJECT_ROOT } from '../config.js';
import { openDatabase } from '../db/duckdb.js';
import { expandAudiences, matchesGlob, readPublishConfig, type Audience } from './audiences-config.js';
import { writeAudienceMarts, visibleSellers } from './audience-data.js';
import { evidence, findQueryErrors, QUERY_ERROR, SiteError } from '../site/evidence/cli.js';
import { finishLikeEvidence, SOURCE, TEMPLATE } from '../site/evidence/compiled-app.js';
import { declareFrench } from '../site/finish/document-language.js';
import { lightenSite } from '../site/finish/lighten.js';
import { placeBrowserTwins, writeSourceTwins } from '../site/finish/twins.js';
import { pageRoutes, prerenderedPaths } from '../site/refresh/partial-prerender.js';
import { startPrerender } from '../site/refresh/prerender.js';
import { tablesReadBySources } from '../site/evidence/source-runs.js';
import { describePseudonymised, writePseudonymisedMarts } from './pseudonymise.js';

/** Folder of the audiences' sites inside the built site (and so inside the release). */
export const AUDIENCES_FOLDER = 'audiences';

export interface AudiencesOptions {
  /** The candidate database (closed), holding staging.stg_sellers and the marts. */
  databasePath: string;
  /** The full site's work folder, holding the compiled app and its prerendered pages. */
  workDir: string;
  /** The built full site: the audiences go into `<siteDir>/audiences/`. */
  siteDir: string;
  configFile: string;
  pseudonymMinGroup: number;
  log?: (line: string) => void;
}

export interface AudienceSite {
  name: string;
  pages: number;
  sources: number;
  sellers: number;
  bytes: number;
  seconds: number;
}

const sizeOf = (dir: string) =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).reduce((n, e) => n + fs.statSync(path.join(e.parentPath, e.name)).size, 0);

/** Mirrors a folder with hard links, skipping the relative paths `skip` names (files are replaced, never rewritten in place, downstream). */
export const linkTree = (from: string, to: string, skip: (relative: string) => boolean, root = from) => {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (skip(path.relative(root, source))) continue;
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target, skip, root);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else fs.linkSync(source, target);
  }
};

/** Marks the root page of an audience without the front page (tests tell it from a real page by it). */
export const ROOT_REDIRECT_MARKER = 'data-audience-root';

/**
 * An audience's root when its pages leave out the front page (a seller's pack): its address, the
 * sidebar's home link and a reload of it lead to the audience's first page instead of a 404.
 */
const writeRootPage = (buildDir: string, first: string) => {
  // Pages are files named after their path (`/sellers/S005` → sellers/S005.html): no trailing slash.
  const target = JSON.stringify(first.replace(/(.)\/$/, '$1')).slice(1, -1).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  fs.writeFileSync(path.join(buildDir, 'index.html'), `<!doctype html>
<html lang="fr" ${ROOT_REDIRECT_MARKER}>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url=${target}"><title>Pilotage commercial</title></head>
<body><p>Ce site commence à la page <a href="${target}">${target}</a>.</p></body>
</html>
`);
};

/** The full site's pages under a route with a `[seller]` parameter are keyed by seller id (sources/warehouse/sellers.sql). */
const isSellerRoute = (routeId: string) => /\[seller\]/.test(routeId);

/**
 * An audience's Evidence project: the full site's compiled app hard-linked, with none of its data,
 * prerendered pages or query results; only the report sources the audience's pages read, over
 * the audience's database.
 */
const assembleAudience = (workDir: string, dir: string, sources: string[], databasePath: string, routes: string[]) => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const file of ['evidence.config.yaml', 'evidence.settings.json']) fs.copyFileSync(path.join(workDir, file), path.join(dir, file));
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const sourceDir = path.join(dir, 'sources', SOURCE);
  fs.mkdirSync(sourceDir, { recursive: true });
  for (const s of sources) fs.copyFileSync(path.join(workDir, 'sources', SOURCE, `${s}.sql`), path.join(sourceDir, `${s}.sql`));
  fs.writeFileSync(path.join(sourceDir, 'connection.yaml'), `name: ${SOURCE}\ntype: duckdb\noptions:\n  filename: ${JSON.stringify(path.relative(sourceDir, databasePath))}\n`);
  const prerendered = path.join('.svelte-kit', 'output', 'prerendered');
  // The app's page files (src/pages/<route>/+page.md) only for the audience's routes: the pages
  // manifest the sidebar is drawn from is read from them when the pages are prerendered.
  const pageFile = new RegExp(`^src\\${path.sep}pages\\${path.sep}(.*)\\+page\\.md$`);
  const otherPage = (rel: string) => {
    const m = pageFile.exec(rel);
    return m !== null && !m[1]!.split(path.sep).join('/').startsWith('api/') && !routes.includes(`/${m[1]!.split(path.sep).join('/').replace(/\/$/, '')}`);
  };
  // The project's pages folder likewise: the app's endpoints list their entries from it.
  const pagesDir = path.join(workDir, 'pages');
  fs.cpSync(pagesDir, path.join(dir, 'pages'), {
    recursive: true,
    filter: (source) => !source.endsWith('.md') || routes.includes(`/${path.relative(pagesDir, source).slice(0, -3).split(path.sep).filter((s) => s !== 'index').join('/')}`),
  });
  linkTree(path.join(workDir, TEMPLATE), path.join(dir, TEMPLATE), (rel) =>
    otherPage(rel) || [path.join('static', 'data'), prerendered, 'build', '.evidence-queries', path.join('.svelte-kit', 'output', 'client', 'data')].includes(rel));
  // Route-level entries the full build recorded (each page's `api/<route>/evidencemeta.json`)
  // are visited by every prerender: only the audience's stay, in a metadata file of its own.
  const metadataFile = path.join(dir, TEMPLATE, '.svelte-kit', 'output', 'server', 'metadata.v8');
  const metadata = v8.deserialize(fs.readFileSync(metadataFile)) as { routes: Map<string, { entries?: string[] }> };
  for (const route of metadata.routes.values()) {
    route.entries = route.entries?.filter((e) => {
      const meta = /^\/api(\/.*)?\/evidencemeta\.json$/.exec(e);
      return !meta || routes.includes(meta[1] ?? '/');
    });
  }
  fs.rmSync(metadataFile);
  fs.writeFileSync(metadataFile, v8.serialize(metadata));
  // The app's own endpoints' output (pages manifest, formatting settings, each page's query text)
  // as the full build prerendered them; query results and pages are prerendered again below.
  const api = path.join(workDir, TEMPLATE, prerendered, 'dependencies');
  fs.cpSync(api, path.join(dir, TEMPLATE, prerendered, 'dependencies'), {
    recursive: true,
    filter: (source) => {
      const rel = path.relative(path.join(api, 'api'), source);
      if (rel.startsWith('..') || rel === '') return true;
      const first = rel.split(path.sep)[0]!;
      return first !== 'prerendered_queries' && !/^[0-9a-f]{32}$/.test(first);
    },
  });
  // The app's other prerendered files (its service worker, web manifest): as the full build made them.
  const pages = path.join(workDir, TEMPLATE, prerendered, 'pages');
  fs.mkdirSync(path.join(dir, TEMPLATE, prerendered, 'pages'), { recursive: true });
  for (const entry of fs.readdirSync(pages, { withFileTypes: true })) {
    if (entry.isFile() && !entry.name.endsWith('.html')) fs.copyFileSync(path.join(pages, entry.name), path.join(dir, TEMPLATE, prerendered, 'pages', entry.name));
  }
  const customization = path.join(workDir, '.evidence', 'customization');
  if (fs.existsSync(customization)) fs.cpSync(customization, path.join(dir, '.evidence', 'customization'), { recursive: true });
};

/** Builds every audience's site into `<siteDir>/audiences/<name>/`; throws SiteError on any problem. */
export const buildAudienceSites = async (options: AudiencesOptions): Promise<AudienceSite[]> => {
  const log = options.log ?? (() => {});
  const config = readPublishConfig(options.configFile);
  const meta = await openDatabase(options.databasePath, { readOnly: true });
  let sellers: { seller_id: string; team: string }[];
  let marts: Map<string, string[]>;
  try {
    sellers = await meta.query<{ seller_id: string; team: string }>('SELECT seller_id, team FROM staging.stg_sellers ORDER BY seller_id');
    marts = await tablesReadBySources(meta, path.join(options.workDir, 'sources', SOURCE), SOURCE);
  } finally {
    meta.close();
  }
  const audiences = expandAudiences(config, sellers);
  const routes = pageRoutes(path.join(options.workDir, 'pages'));
  const fullPaths = prerenderedPaths(path.join(options.workDir, TEMPLATE, '.svelte-kit', 'output', 'prerendered', 'pages'));
  const root = `${options.workDir}-audiences`;
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const target = path.join(options.siteDir, AUDIENCES_FOLDER);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target);
  let pseudonymised: string | undefined;
  const built: AudienceSite[] = [];
  for (const audience of audiences) {
    const started = performance.now();
    if (audience.pseudonymise && !pseudonymised) {
      pseudonymised = path.join(root, 'pseudonymised.duckdb');
      const result = await writePseudonymisedMarts(options.databasePath, pseudonymised, options.pseudonymMinGroup).catch((e: Error) => {
        throw new SiteError(e.message);
      });
      log(`  pseudonymised audiences: ${describePseudonymised(result, options.pseudonymMinGroup)}`);
    }
    built.push(await buildOne(audience, { ...options, log }, { root, target, routes, fullPaths, sellerIds: sellers.map((x) => x.seller_id), marts, from: audience.pseudonymise ? pseudonymised! : options.databasePath, started }));
  }
  return built;
};

interface Shared {
  root: string;
  target: string;
  routes: ReturnType<typeof pageRoutes>;
  fullPaths: string[];
  sellerIds: string[];
  marts: Map<string, string[]>;
  from: string;
  started: number;
}

const buildOne = async (audience: Audience, options: AudiencesOptions & { log: (line: string) => void }, shared: Shared): Promise<AudienceSite> => {
  const { log } = options;
  const where = `audience ${audience.name} (${options.configFile})`;
  const routeOf = (p: string) => shared.routes.find((r) => !r.hasParams && r.pattern.test(p)) ?? shared.routes.find((r) => r.hasParams && r.pattern.test(p));
  // Its routes first (from the full site's pages, and every seller page for now), to know the data it needs.
  const matching = (p: string) => audience.pages.some((g) => matchesGlob(g, p));
  const candidates = shared.fullPaths.filter((p) => matching(p) && !isSellerRoute(routeOf(p)?.id ?? ''));
  // A seller route is in when a glob takes one of its pages (any seller's: which ones, the data decides below).
  const sellerRoutes = shared.routes.filter((r) => isSellerRoute(r.id) && ['x', ...shared.sellerIds].some((id) => matching(r.id.replace('[seller]', id))));
  const routeIds = new Set([...candidates.map((p) => routeOf(p)!.id), ...sellerRoutes.map((r) => r.id)]);
  if (!routeIds.size) throw new SiteError(`${where}: its pages (${audience.pages.join(', ')}) match no page of the site (pages: ${shared.fullPaths.slice(0, 12).join(' ')}…).`);
  const sources = [...new Set(shared.routes.filter((r) => routeIds.has(r.id)).flatMap((r) => [...r.sources]))].filter((s) => shared.marts.has(s)).sort();
  const martsRead = [...new Set(sources.flatMap((s) => shared.marts.get(s)!))];
  const dir = path.join(shared.root, audience.name);
  fs.mkdirSync(dir, { recursive: true });
  const database = path.join(shared.root, `${audience.name}.duckdb`);
  await writeAudienceMarts(shared.from, database, martsRead, audience.filter).catch((e: Error) => {
    throw new SiteError(`${where}: ${e.message}`);
  });
  // Seller pages: those of the sellers the audience sees, when its globs take them.
  const sellerIds = await visibleSellers(database);
  const sellerPaths = sellerRoutes.flatMap((r) => sellerIds.map((id) => r.id.replace('[seller]', id).replace(/\/?$/, '/'))).filter(matching);
  const paths = [...candidates, ...sellerPaths].sort();
  const usedRoutes = [...new Set(paths.map((p) => routeOf(p)!.id))].sort();
  assembleAudience(options.workDir, dir, sources.map((s) => s.slice(SOURCE.length + 1)), database, usedRoutes);
  // Its prerender loads the compiled app while its report sources run.
  const prerender = paths.length ? startPrerender(dir, () => {}) : undefined;
  let output = '';
  try {
    const sourcesOutput = await evidence(dir, ['sources', '--strict'], () => {});
    if (QUERY_ERROR.test(sourcesOutput)) throw new SiteError(`${where}: a report source query failed:\n${sourcesOutput.slice(-4000)}`);
    writeSourceTwins(path.join(dir, TEMPLATE, 'static', 'data'));
    if (prerender) output = await prerender.run({ routes: usedRoutes, paths });
  } catch (error) {
    prerender?.abandon();
    throw error;
  }
  finishLikeEvidence(dir);
  const buildDir = path.join(dir, 'build');
  if (!paths.includes('/')) writeRootPage(buildDir, paths[0]!);
  const errors = findQueryErrors(output, buildDir);
  if (errors.length) throw new SiteError(`${where}: ${errors.length} query error(s) in its pages:\n${errors.slice(0, 20).map((e) => `  ${e}`).join('\n')}`);
  placeBrowserTwins(path.join(buildDir, 'data'));
  declareFrench(buildDir);
  // The query text of the other pages (api/<route>/evidencemeta.json: SQL, no data) goes too.
  for (const route of shared.routes.filter((r) => !usedRoutes.includes(r.id))) {
    fs.rmSync(path.join(buildDir, 'api', ...route.id.split('/').filter(Boolean), 'evidencemeta.json'), { force: true });
  }
  await lightenSite(buildDir, path.join(options.workDir, 'precompressed'));
  const site = path.join(shared.target, audience.name);
  fs.renameSync(buildDir, site);
  const result: AudienceSite = { name: audience.name, pages: paths.length, sources: sources.length, sellers: sellerIds.length, bytes: sizeOf(site), seconds: (performance.now() - shared.started) / 1000 };
  log(`  audience ${audience.name}: ${result.pages} page(s), ${result.sources} report source(s), ${result.sellers} seller(s) visible, ` +
    `${(result.bytes / 2 ** 20).toFixed(1)} MiB, ${result.seconds.toFixed(1)} s`);
  return result;
};
