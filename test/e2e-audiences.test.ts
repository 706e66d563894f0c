/**
 * One site per audience, on the sample company: one build (the full site, then seven audiences
 * prerendered from its compiled app) and every file of every audience's site searched for what
 * that audience must not see — the ids and names of the sellers outside it, in file names, in
 * every file's bytes (the .br and .gz twins decompressed), and in every cell of the data files
 * (Parquet read back by DuckDB, Arrow by apache-arrow). Who is outside is worked out here from the
 * published database's raw sellers, not from the filter's code.
 *
 * One site build serves every check, and e2e-site too: the shared sample build, made once per test
 * run (test/helpers/shared-build.ts; the audiences are in test/helpers/sample-audiences.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, PSEUDONYM_MIN_GROUP } from '../pipelines/config.js';
import { literal, openDatabase } from '../pipelines/db/duckdb.js';
import { matchesGlob } from '../pipelines/audiences/audiences-config.js';
import { ROOT_REDIRECT_MARKER } from '../pipelines/audiences/audience-sites.js';
import { OTHER_TEAMS } from '../pipelines/audiences/pseudonymise.js';
import { AUDIENCES } from './helpers/sample-audiences.js';
import { sharedSampleBuild } from './helpers/shared-build.js';
import { checkPseudonymLabels } from './helpers/pseudonym-labels.js';
import { chartsDrawn, evidenceErrors, launchBrowser, openOffline, sitePages } from './helpers/site-browser.js';
import { serveStatic } from './helpers/static-server.js';

let dataDir: string;
let siteDir: string;
let output: string;
let sellers: { seller_id: string; seller_name: string; team: string; role: string }[];

beforeAll(async () => {
  // The shared sample build (`npm run build -- --as-of 2026-11-22 --publish-config` with AUDIENCES,
  // made once per test run and shared with e2e-site: test/helpers/shared-build.ts), read in place.
  ({ dataDir, siteDir, output } = await sharedSampleBuild());
  // Timings for BENCHMARKS.md (the site step, then each audience).
  console.log(output.split('\n').filter((l) => /build site|audience|Published/.test(l)).join('\n'));
  const db = await openDatabase(path.join(dataDir, 'warehouse.duckdb'), { readOnly: true });
  try {
    sellers = await db.query('SELECT seller_id, seller_name, team, role FROM raw.sellers ORDER BY seller_id');
  } finally {
    db.close();
  }
}, 1_800_000);

const filesOf = (dir: string) =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));

/** Every text cell of an Arrow IPC file. */
const arrowStrings = (bytes: Buffer): string[] => {
  const table = tableFromIPC(bytes);
  const out: string[] = [];
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name);
    if (column) for (const v of column) if (typeof v === 'string') out.push(v);
  }
  return out;
};

/** What a file holds, as text a search can read: bytes (decompressed twins), plus data cells. */
const readable = async (file: string, db: Awaited<ReturnType<typeof openDatabase>>): Promise<string> => {
  let bytes = fs.readFileSync(file);
  let name = file;
  if (name.endsWith('.br')) [bytes, name] = [zlib.brotliDecompressSync(bytes), name.slice(0, -3)];
  else if (name.endsWith('.gz')) [bytes, name] = [zlib.gunzipSync(bytes), name.slice(0, -3)];
  const texts = [bytes.toString('utf8')];
  if (name.endsWith('.arrow')) texts.push(...arrowStrings(bytes));
  if (file.endsWith('.parquet')) {
    const [row] = await db.query<{ v: string | null }>(`SELECT string_agg(CAST(t AS VARCHAR), '\n') AS v FROM read_parquet(${literal(file)}) t`);
    texts.push(row?.v ?? '');
  }
  return texts.join('\n');
};

/** The sellers an audience must not see: for a team, the other teams'; for a seller, everyone else; pseudonymised, all. */
const hiddenFrom = (a: (typeof AUDIENCES)[number]) =>
  a.pseudonymise ? sellers : a.seller ? sellers.filter((s) => s.seller_id !== a.seller) : a.team ? sellers.filter((s) => s.team !== a.team) : [];

/** The report sources the repository's pages matching the globs name (`warehouse.<source>`). */
const sourcesOfPages = (globs: string[]) => {
  const sources = new Set<string>();
  for (const file of filesOf(path.join(PROJECT_ROOT, 'site', 'pages')).filter((f) => f.endsWith('.md'))) {
    const route = `/${path.relative(path.join(PROJECT_ROOT, 'site', 'pages'), file).slice(0, -3).replace(/(^|\/)index$/, '')}`.replace(/\[seller\]/, 'S005').replace(/\[segment\]/, 'Or');
    if (globs.some((g) => matchesGlob(g, route) || matchesGlob(g.replace(/S0\d\d/, 'S005'), route))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bwarehouse\.(\w+)/gi)) sources.add(m[1]!.toLowerCase());
    }
  }
  return sources;
};

describe('one site per audience (publish.yaml)', () => {
  it('builds each audience from the compiled app, and the full site as before', () => {
    expect(sellers.length).toBe(20);
    expect(output).toMatch(/Published .* and the site/);
    for (const a of AUDIENCES) expect(output).toContain(`audience ${a.name}:`);
    // The pseudonymised copy, made once, says how far the labels were pooled: the smallest groups
    // are the three managers, and the three SDRs, each pooled across the three teams.
    expect(output).toContain(`pseudonymised audiences: 20 seller(s) pseudonymised; team × role labels hold at least ${PSEUDONYM_MIN_GROUP} sellers (team and role where possible, smallest 3)`);
    expect(fs.existsSync(path.join(siteDir, 'sellers', 'S005.html')) || fs.existsSync(path.join(siteDir, 'sellers', 'S005', 'index.html'))).toBe(true);
  });

  for (const audience of AUDIENCES) {
    it(`${audience.name}: only its pages, only the data files of their sources`, () => {
      const dir = path.join(siteDir, 'audiences', audience.name);
      const files = filesOf(dir);
      // Its root page when the front page is not among its pages: a redirect to its first page (checked below).
      const isRootRedirect = (f: string) => path.relative(dir, f) === 'index.html' && fs.readFileSync(f, 'utf8').includes(ROOT_REDIRECT_MARKER);
      const pages = files.filter((f) => f.endsWith('.html') && !isRootRedirect(f)).map((f) => `/${path.relative(dir, f).replace(/(^|\/)index\.html$/, '').replace(/\.html$/, '')}`);
      expect(pages.length).toBeGreaterThan(0);
      for (const page of pages) expect(audience.pages.some((g) => matchesGlob(g, page)), `${audience.name} holds ${page}`).toBe(true);
      // Data files: one folder per report source under data/warehouse/, only of the sources its pages name.
      const sources = new Set(fs.readdirSync(path.join(dir, 'data', 'warehouse')));
      const allowed = sourcesOfPages(audience.pages);
      expect([...sources].filter((s) => !allowed.has(s))).toEqual([]);
      expect(files.some((f) => f.includes(`${path.sep}prerendered_queries${path.sep}`))).toBe(true);
      // The sidebar (Evidence's pages manifest) names only the audience's pages.
      const hrefs: string[] = [];
      const walk = (node: { href?: string; children: Record<string, never> }) => {
        if (node.href) hrefs.push(node.href);
        for (const child of Object.values(node.children)) walk(child);
      };
      walk(JSON.parse(fs.readFileSync(path.join(dir, 'api', 'pagesManifest.json'), 'utf8')));
      expect(hrefs.filter((h) => !audience.pages.some((g) => matchesGlob(g, h)))).toEqual([]);
      if (audience.name === 'direction') expect(pages.filter((p) => p.startsWith('/sellers'))).toEqual([]);
      if (audience.seller) expect(pages.sort()).toEqual([`/sellers/${audience.seller}`, '/team']);
      if (audience.team) {
        const own = sellers.filter((s) => s.team === audience.team).map((s) => `/sellers/${s.seller_id}`).sort();
        expect(pages.filter((p) => /^\/sellers\/./.test(p)).sort()).toEqual(own);
      }
      // Pseudonymised: every seller's page, each named by its pseudonymous key, none by a seller id.
      if (audience.pseudonymise) {
        const sellerPages = pages.filter((p) => /^\/sellers\/./.test(p));
        expect(sellerPages).toHaveLength(sellers.length);
        for (const page of sellerPages) expect(page).toMatch(/^\/sellers\/vendeur-\d{2}$/);
      }
    });

    it(`${audience.name}: every link of every page opens a page of the audience's site, its root included`, () => {
      const dir = path.join(siteDir, 'audiences', audience.name);
      // A path of the site as a static server (or a reload) finds it: the page's .html, or its folder's index.html.
      const opens = (href: string) => {
        const p = decodeURIComponent(href.split(/[?#]/)[0]!).replace(/\/$/, '');
        return [`${p}.html`, `${p}/index.html`, p === '' ? 'index.html' : ''].some((f) => f && fs.existsSync(path.join(dir, f)));
      };
      expect(opens('/'), `${audience.name} has a root page`).toBe(true);
      const dead: string[] = [];
      let links = 0;
      for (const file of filesOf(dir).filter((f) => f.endsWith('.html'))) {
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/<a\b[^>]*?\shref="(\/[^"]*)"/g)) {
          const href = m[1]!.replace(/&amp;/g, '&');
          links++;
          if (!opens(href)) dead.push(`${path.relative(dir, file)} → ${href}`);
        }
      }
      expect(links).toBeGreaterThan(0);
      expect([...new Set(dead)]).toEqual([]);
    });

    it(`${audience.name}: no file holds the id or name of a seller outside it`, async () => {
      const dir = path.join(siteDir, 'audiences', audience.name);
      const hidden = hiddenFrom(audience);
      const visible = sellers.filter((s) => !hidden.includes(s));
      const ids = new RegExp(`\\b(${sellers.map((s) => s.seller_id).join('|')})\\b`, 'g');
      const leaks: string[] = [];
      const seen = new Set<string>();
      const db = await openDatabase(':memory:');
      try {
        for (const file of filesOf(dir)) {
          const where = path.relative(dir, file);
          const text = `${where}\n${await readable(file, db)}`;
          for (const m of text.matchAll(ids)) {
            if (hidden.some((s) => s.seller_id === m[0])) leaks.push(`${where}: seller id ${m[0]}`);
            else seen.add(m[0]);
          }
          for (const s of sellers) {
            if (!text.includes(s.seller_name)) continue;
            if (hidden.includes(s)) leaks.push(`${where}: seller name ${s.seller_name}`);
            else seen.add(s.seller_name);
          }
        }
      } finally {
        db.close();
      }
      expect([...new Set(leaks)].slice(0, 20)).toEqual([]);
      // The search read real content: a filtered site shows its own sellers, by id and name.
      if (audience.seller || audience.team) for (const s of visible) expect(seen.has(s.seller_id) && seen.has(s.seller_name), `${s.seller_id} in ${audience.name}`).toBe(true);
    });
  }

  it('direction-pseudo: its pages show pseudonyms, and every team × role beside a seller is held by enough sellers', async () => {
    const dir = path.join(siteDir, 'audiences', 'direction-pseudo');
    const html = (route: string) => fs.readFileSync(fs.existsSync(path.join(dir, `${route}.html`)) ? path.join(dir, `${route}.html`) : path.join(dir, route, 'index.html'), 'utf8');
    const pseudonyms = (text: string) => new Set(text.match(/Vendeur \d{2}/g) ?? []);
    // The list's prerendered page names every seller by pseudonym; each seller's page its own (the
    // team and alerts pages fill their tables in the browser: see the browser test below).
    expect(pseudonyms(html('/sellers')).size).toBe(sellers.length);
    const sellerPages = sitePages(dir).filter((p) => p.startsWith('/sellers/'));
    expect(sellerPages).toHaveLength(sellers.length);
    for (const page of sellerPages) expect(html(page), page).toContain(`Vendeur ${page.slice(-2)}`);
    // The sample has sellers alone in their team and role (each team's manager and SDR), whom a
    // pseudonym beside their team and role would name: their labels are pooled.
    const raw = new Map<string, number>();
    for (const s of sellers) raw.set(`${s.team} × ${s.role}`, (raw.get(`${s.team} × ${s.role}`) ?? 0) + 1);
    expect([...raw.values()].filter((n) => n < PSEUDONYM_MIN_GROUP).length).toBeGreaterThan(0);
    const { groups, problems, checked } = await checkPseudonymLabels(dir, filesOf(dir), PSEUDONYM_MIN_GROUP);
    expect(groups.reduce((n, g) => n + g.n, 0)).toBe(sellers.length);
    expect(problems).toEqual([]);
    expect(groups.some((g) => g.team === OTHER_TEAMS)).toBe(true);
    // Seller-level data files of its pages (revenue, quotas, performance, pay…) were compared.
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('a seller pack, a manager site and the pseudonymised site, each served as its own root, show their pages in a browser with no error', async () => {
    const browser = await launchBrowser();
    const report: Record<string, string[]> = {};
    const shown: Record<string, number> = {};
    let visited = 0;
    try {
      for (const name of ['seller-s005', 'managers-nord-est', 'direction-pseudo']) {
        const dir = path.join(siteDir, 'audiences', name);
        const server = await serveStatic(dir);
        // The pseudonymised site: its pages but one seller's (20 alike).
        // Its root, when the front page is not among its pages, leads to its first page (a redirect, visited apart).
        const rootRedirect = fs.readFileSync(path.join(dir, 'index.html'), 'utf8').includes(ROOT_REDIRECT_MARKER);
        const urls = sitePages(dir).filter((u, i, all) => (name !== 'direction-pseudo' || !u.startsWith('/sellers/') || u === all.find((v) => v.startsWith('/sellers/'))) && !(rootRedirect && u === '/'));
        try {
          if (rootRedirect) {
            const { page, problems, blocked } = await openOffline(browser, server.url, '/');
            await page.waitForURL((u) => u.pathname !== '/', { timeout: 10_000 }).catch(() => {});
            const landed = new URL(page.url()).pathname.replace(/\/$/, '');
            if (!urls.includes(landed) || problems.length || blocked.length) report[`${name}/`] = [`root led to ${landed}`, ...problems, ...blocked];
            await page.close();
          }
          for (const url of urls) {
            const { page, problems, blocked } = await openOffline(browser, server.url, url);
            await page.waitForSelector('[_echarts_instance_]', { timeout: 10_000 }).catch(() => {});
            const markers = await evidenceErrors(page);
            const empty = (await chartsDrawn(page)).filter((c) => c.drawn < 5 && !c.canvas);
            const issues = [...problems, ...markers.map((m) => `shows "${m}"`), ...(empty.length ? [`${empty.length} empty chart(s)`] : []), ...blocked.map((u) => `requested ${u}`)];
            if (issues.length) report[`${name}${url}`] = issues;
            if (name === 'direction-pseudo') shown[url] = new Set((await page.locator('article').innerText()).match(/Vendeur \d{2}/g) ?? []).size;
            visited++;
            await page.close();
          }
        } finally {
          await server.close();
        }
      }
    } finally {
      await browser.close();
    }
    expect(report).toEqual({});
    // The seller's two pages, the manager's front, team, seller list and six sellers' pages…, and
    // the pseudonymised list, one seller's page, team and alerts pages…
    expect(visited).toBeGreaterThanOrEqual(2 + 9 + 4);
    // … each showing pseudonyms once drawn: the list all of them, the team page its rankings' and
    // tables', the alerts page the sellers a seller-level alert is about.
    expect(Object.keys(shown).sort()).toEqual(['/alerts', '/sellers', expect.stringMatching(/^\/sellers\/vendeur-\d{2}$/), '/team']);
    expect(shown['/sellers']).toBe(20);
    for (const [url, n] of Object.entries(shown)) expect(n, url).toBeGreaterThan(0);
  }, 300_000);
});
