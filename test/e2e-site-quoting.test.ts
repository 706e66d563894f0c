/**
 * The site reads whatever the data calls things: a small sample company whose seller ids (HubSpot
 * and the Maven CRM sample use the person's name as seller id), seller names, teams, account and
 * campaign names carry apostrophes, quotes, ampersands, semicolons, non-Latin scripts and emoji is
 * built into a site (the build itself fails on a query error: before site/components/sql.js, "Anne D'Arcy"
 * stopped it), then every page is opened in an offline Chromium and every option of every dropdown
 * picked: no console error, no query error, and the team "Provence-Alpes-Côte d'Azur" shows its
 * own figures (read from the marts, not from the page's sources).
 *
 * Segments stay the contract's tiers (Or, Argent, Bronze): the contract accepts no other value.
 * One site build serves every check (a few minutes: Evidence bundles the site with Vite).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { ident, literal, openDatabase } from '../pipelines/db/duckdb.js';
import { generateSample } from '../pipelines/sample/generate.js';
import { siteWorkDir } from '../pipelines/site/build-site.js';
import { tempDir } from './helpers/load.js';
import { bigValue, launchBrowser, openDropdown, openOffline, sitePages } from './helpers/site-browser.js';
import { serveStatic } from './helpers/static-server.js';

const run = promisify(execFile);

const PACA = "Provence-Alpes-Côte d'Azur";
/** The sample's three teams, renamed. */
const TEAMS: Record<string, string> = {
  'Sud & Ouest': PACA,
  'Nord & Est': 'Équipe "Nord" & l\'Est 🚀',
  'Île-de-France': '東京・大阪 Île-de-France',
};
/**
 * Seller ids (and names) given to the sample's sellers in id order: the person's name as id, as
 * HubSpot exports have it. Characters a URL path cannot carry as such (`/`, `?`, `#`, `%`, `\`)
 * are left out: a seller id is also the seller page's address.
 */
const SELLER_IDS = [
  "Anne D'Arcy",
  'Jean "Jojo" Dupont',
  'Smith & Fils',
  '山田 太郎',
  "Zoé 🚀 O'Neil",
  'Ἀθηνᾶ Παππᾶ',
  'محمد علي',
  "x' OR '1'='1",
  "O''Brien",
  "'; DROP TABLE sellers; --",
  'Élodie D’Aubigné',
  'Иван Петров',
];
/** Appended to every account and campaign name. */
const NAME_SUFFIX = ` — L'Atelier "Chez Zoé" & Fils; 東京 🍰 C:\\ventes`;

/** A seller-id column of an extract (the pseudonymisation's rule: pipelines/audiences/pseudonymise.ts). */
const isSellerKey = (column: string) => /(^|_)seller_id$/.test(column) || column === 'manager_id';

let dataDir: string;
let siteDir: string;
let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let sellerIds: string[];

/** Rewrites the Parquet extracts in `dir`: seller ids and names, teams, account and campaign names. */
const rename = async (dir: string) => {
  const db = await openDatabase(':memory:');
  try {
    const sellers = await db.query<{ id: string }>(`SELECT seller_id AS id FROM read_parquet(${literal(path.join(dir, 'sellers.parquet'))}) ORDER BY seller_id`);
    expect(sellers.length).toBeGreaterThanOrEqual(SELLER_IDS.length);
    const ids = SELLER_IDS.map((to, i) => `(${literal(sellers[i]!.id)}, ${literal(to)})`).join(', ');
    await db.exec(`CREATE TABLE seller_map AS FROM (VALUES ${ids}) t(old, new)`);
    await db.exec(`CREATE TABLE team_map AS FROM (VALUES ${Object.entries(TEAMS).map(([a, b]) => `(${literal(a)}, ${literal(b)})`).join(', ')}) t(old, new)`);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.parquet'))) {
      const source = path.join(dir, file);
      const columns = (await db.query<{ name: string }>(`SELECT name FROM parquet_schema(${literal(source)}) WHERE num_children IS NULL OR num_children = 0`)).map((r) => r.name);
      const replace: string[] = [];
      const mapped = (column: string, map: string) =>
        `coalesce((SELECT new FROM ${map} WHERE old = t.${ident(column)}), t.${ident(column)}) AS ${ident(column)}`;
      for (const c of columns) {
        if (isSellerKey(c)) replace.push(mapped(c, 'seller_map'));
        else if (c === 'team') replace.push(mapped(c, 'team_map'));
        else if (file === 'sellers.parquet' && c === 'seller_name') replace.push(`coalesce((SELECT new FROM seller_map WHERE old = t.seller_id), t.seller_name) AS seller_name`);
        else if (c === 'account_name' || c === 'campaign_name') replace.push(`t.${ident(c)} || ${literal(NAME_SUFFIX)} AS ${ident(c)}`);
      }
      if (!replace.length) continue;
      const target = `${source}.renamed`;
      await db.exec(`COPY (SELECT * REPLACE (${replace.join(', ')}) FROM read_parquet(${literal(source)}) t) TO ${literal(target)} (FORMAT parquet)`);
      fs.renameSync(target, source);
    }
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dataDir = tempDir('bi-e2e-quoting-');
  siteDir = path.join(dataDir, 'site');
  const extracts = path.join(dataDir, 'extracts');
  await generateSample({ outDir: extracts, scale: 0.3, seed: 42, format: 'parquet', threads: 2 });
  await rename(extracts);
  await run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/cli.ts'), 'build', '--extracts', extracts, '--as-of', '2026-11-22'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BI_DATA_DIR: dataDir, BI_SITE_DIR: siteDir },
    maxBuffer: 64 * 1024 * 1024,
  });
  const db = await openDatabase(path.join(dataDir, 'warehouse.duckdb'), { readOnly: true });
  try {
    sellerIds = (await db.query<{ v: string }>('SELECT seller_id AS v FROM raw.sellers ORDER BY 1')).map((r) => r.v);
  } finally {
    db.close();
  }
  server = await serveStatic(siteDir);
  browser = await launchBrowser();
}, 1_200_000);

afterAll(async () => {
  if (dataDir) fs.rmSync(siteWorkDir(dataDir), { recursive: true, force: true });
  await browser?.close();
  await server?.close();
});

/**
 * A known defect of the dropdowns' list library, not of the SQL: cmdk-sv 0.0.12
 * (`cmdk/components/CommandInput.svelte`) looks the picked option up with
 * `querySelector(`[data-cmdk-item][data-value="${value}"]`)`, unescaped, so a value holding a double
 * quote throws "is not a valid selector" after the pick (the pick itself and the page's queries go
 * through). Its fix is a patch of cmdk-sv (CSS.escape), outside the pages; this test names it and
 * lets no other page error through.
 */
/**
 * A chart redrawn while the previous pick's redraw is still running (picks follow each other within
 * milliseconds here) can throw inside ECharts' own series code: seen twice in two full runs on
 * /activity and /team, never on a re-run of the same picks. It names no value and reaches no query;
 * it is counted and printed, not taken for a quoting failure (any other page error is).
 */
const ECHARTS_REDRAW_RACE = /^page error: Cannot read properties of (undefined|null) \(reading '(map|coordinateSystem)'\)$/;

const CMDK_UNESCAPED_VALUE = /^page error: Failed to execute 'querySelector' on 'Element': '\[data-cmdk-item\]\[data-value=".*"\]' is not a valid selector\.$/;

/** Evidence's query error markers in the rendered text of a page. */
const queryErrors = (page: Page) =>
  page.evaluate(() => {
    const text = document.body.innerText;
    return ['Error in Query', 'Query failed', 'Parser Error', 'Catalog Error', 'Binder Error', 'Conversion Error', 'syntax error'].filter((m) => text.includes(m));
  });

/** The dropdowns of a page, by their title (aria-label). */
const dropdowns = async (page: Page) => {
  const titles: string[] = [];
  for (const button of await page.locator('main button[role="combobox"][aria-label]').all()) {
    if (await button.isVisible()) titles.push((await button.getAttribute('aria-label')) ?? '');
  }
  return titles;
};

/** The options' labels of the dropdown titled `title`. */
const optionsOf = async (page: Page, title: string) => {
  await openDropdown(page, title);
  const options = await page.getByRole('option').allInnerTexts();
  await page.keyboard.press('Escape');
  await page.getByRole('option').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
  return options.map((o) => o.trim()).filter(Boolean);
};

/** Picks `option` in the dropdown titled `title` and lets the page's queries run. */
const pick = async (page: Page, title: string, option: string) => {
  await openDropdown(page, title);
  await page.getByRole('option', { name: option, exact: true }).click();
  if (await page.getByRole('option').count()) await page.keyboard.press('Escape');
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(600);
};

describe('a site built from names carrying quotes, ampersands, non-Latin scripts and emoji', () => {
  it('loads the names as they are and prerenders a page for every seller', () => {
    for (const id of SELLER_IDS) expect(sellerIds, id).toContain(id);
    const pages = sitePages(siteDir);
    for (const id of SELLER_IDS) expect(pages, `page of ${id}`).toContain(`/sellers/${id}`);
  });

  it('every page opens with no console or query error; a seller page shows its seller', async () => {
    const report: Record<string, string[]> = {};
    for (const url of sitePages(siteDir)) {
      const { page, problems } = await openOffline(browser, server.url, url);
      await page.waitForTimeout(500);
      const issues = [...problems, ...(await queryErrors(page))];
      const seller = SELLER_IDS.find((id) => url === `/sellers/${id}`);
      if (seller && !(await page.locator('h2').allInnerTexts()).includes(seller)) issues.push(`no heading "${seller}"`);
      if (issues.length) report[url] = issues;
      await page.close();
    }
    expect(report).toEqual({});
  }, 900_000);

  it('every option of every dropdown can be picked with no console or query error', async () => {
    const report: Record<string, string[]> = {};
    const cmdk = new Set<string>();
    const races: string[] = [];
    let picked = 0;
    for (const url of sitePages(siteDir).filter((u) => !u.startsWith('/sellers/') && !u.startsWith('/segments/'))) {
      const { page, problems } = await openOffline(browser, server.url, url);
      for (const title of await dropdowns(page)) {
        for (const option of await optionsOf(page, title)) {
          const seen = problems.length;
          await pick(page, title, option);
          picked++;
          const errors = await queryErrors(page);
          for (const problem of problems.slice(seen)) {
            if (CMDK_UNESCAPED_VALUE.test(problem)) cmdk.add(problem);
            else if (ECHARTS_REDRAW_RACE.test(problem)) races.push(`${url} ${title} = ${option}: ${problem}`);
            else errors.push(problem);
          }
          if (errors.length) (report[url] ??= []).push(`${title} = ${option}: ${errors.join(', ')}`);
        }
      }
      await page.close();
    }
    expect(report).toEqual({});
    expect(picked).toBeGreaterThan(20);
    // Only the values with a double quote, and the dropdowns still picked them (checked above).
    for (const problem of cmdk) expect(problem).toMatch(/data-value=".*".*".*"\]'/);
    if (cmdk.size) console.log(`known defect of cmdk-sv 0.0.12 (not SQL): ${[...cmdk].join('; ')}`);
    if (races.length) console.log(`ECharts redraw race after quick picks (not SQL): ${races.join('; ')}`);
  }, 1_200_000);

  it(`the team "${PACA}" shows its own figures on the front page, /revenue and /team`, async () => {
    const db = await openDatabase(path.join(dataDir, 'warehouse.duckdb'), { readOnly: true });
    let won: number;
    let revenue: number;
    try {
      won = (await db.query<{ v: number }>(`SELECT CAST(won_deals AS INTEGER) AS v FROM marts.flash_figures WHERE period_type = 'month' AND is_current AND team = ${literal(PACA)}`))[0]!.v;
      const lastYear = `SELECT period_start, period_end FROM marts.calendar WHERE period_type = 'year' AND is_last_complete_year`;
      revenue = (await db.query<{ v: number }>(`SELECT sum(revenue) AS v FROM marts.revenue_and_margin r, (${lastYear}) y
        WHERE r.month BETWEEN y.period_start AND y.period_end AND team = ${literal(PACA)}`))[0]!.v;
    } finally {
      db.close();
    }
    expect(revenue).toBeGreaterThan(0);

    const front = await openOffline(browser, server.url, '/');
    const company = await bigValue(front.page, 'Affaires gagnées');
    await pick(front.page, 'Équipe', PACA);
    await expect.poll(() => bigValue(front.page, 'Affaires gagnées'), { timeout: 60_000 }).toBe(won);
    expect(await front.page.locator('main').innerText()).toContain(`${PACA} — `);
    expect(front.problems).toEqual([]);
    console.log(`front page, won deals of the month: company ${company}, ${PACA} ${won}`);
    await front.page.close();

    const rev = await openOffline(browser, server.url, '/revenue');
    await pick(rev.page, 'Équipe', PACA);
    await expect.poll(() => bigValue(rev.page, "Chiffre d'affaires total"), { timeout: 60_000 }).toBe(Math.round(revenue));
    expect(rev.problems).toEqual([]);
    await rev.page.close();

    const team = await openOffline(browser, server.url, '/team');
    await pick(team.page, 'Équipe', PACA);
    await expect.poll(() => team.page.locator('main').innerText(), { timeout: 60_000 }).toMatch(new RegExp(`${PACA} — Exercice \\d{4}.*commerciaux avec du chiffre d'affaires`));
    expect(await queryErrors(team.page)).toEqual([]);
    expect(team.problems).toEqual([]);
    await team.page.close();
  }, 600_000);
});
