/**
 * End to end on an export nobody shaped for us: the public Maven CRM sample (opportunities,
 * accounts, products, sales teams; no activities, marketing or billing), mapped with the built-in
 * `maven-crm` mapping, built into a site and read in an offline browser. The site must show what
 * the CRM allows — revenue booked from won deals, win rates, pipeline, concentration — with the
 * figures worked out from the raw CSV files independently, and mark the rest unavailable: no
 * error, no fake zero.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { siteWorkDir } from '../pipelines/site/build-site.js';
import { openDatabase, type Database } from '../pipelines/db/duckdb.js';
import { serveStatic } from './helpers/static-server.js';
import { tempDir } from './helpers/load.js';
import { bigValue, bigValueTitles, evidenceErrors, launchBrowser, openOffline, sitePages } from './helpers/site-browser.js';

const run = promisify(execFile);
const MAVEN = path.join(PROJECT_ROOT, 'test/fixtures/exports/maven-crm');
const PIPELINE = `read_csv('${MAVEN}/sales_pipeline.csv', all_varchar = true)`;

let dataDir: string;
let siteDir: string;
let buildOutput: string;
let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let raw: Database;

beforeAll(async () => {
  dataDir = tempDir('bi-e2e-maven-');
  siteDir = path.join(dataDir, 'site');
  const result = await run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/cli.ts'), 'build',
    '--extracts', MAVEN, '--mapping', 'maven-crm', '--as-of', '2026-11-22'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BI_DATA_DIR: dataDir, BI_SITE_DIR: siteDir },
    maxBuffer: 64 * 1024 * 1024,
  });
  buildOutput = result.stdout;
  server = await serveStatic(siteDir);
  browser = await launchBrowser();
  raw = await openDatabase(':memory:');
}, 900_000);

afterAll(async () => {
  // Evidence's work folder for this run's data folder lives in the repository: don't leave it behind.
  if (dataDir) fs.rmSync(siteWorkDir(dataDir), { recursive: true, force: true });
  raw?.close();
  await browser?.close();
  await server?.close();
});

const warehouse = () => openDatabase(path.join(dataDir, 'warehouse.duckdb'), { readOnly: true });
const open = (url: string) => openOffline(browser, server.url, url);

describe('npm run build -- --extracts maven-crm --mapping maven-crm', () => {
  it('builds the site from the three extracts the CRM gives, the others declared not provided', async () => {
    expect(buildOutput).toMatch(/Published .*warehouse\.duckdb and the site/);
    // Dropped in with no settings file: the neutral defaults, said on the run with the fiscal year
    // they mean, and the settings that matter most named with the file to write.
    expect(buildOutput).toMatch(/These figures follow the default settings \(réglages par défaut\): no kpi-settings\.yaml/);
    expect(buildOutput).toContain('fiscal year: calendar.fiscalYearFirstMonth (now 1: January → December)');
    expect(buildOutput).toContain('npm run init -- --extracts');
    const db = await warehouse();
    try {
      const loads = await db.query<{ extract: string; status: string; rows_rejected: number }>(
        `SELECT extract, status, rows_rejected FROM audit.load_summary WHERE status = 'loaded' ORDER BY extract`);
      expect(loads).toEqual([
        { extract: 'accounts', status: 'loaded', rows_rejected: 0 },
        { extract: 'opportunities', status: 'loaded', rows_rejected: 0 },
        { extract: 'sellers', status: 'loaded', rows_rejected: 0 },
      ]);
      expect(await db.query('SELECT test FROM audit.data_tests WHERE failures > 0')).toEqual([]);
      // Calendar years: the sample's 31/12/2017 is in fiscal year 2017 (its fourth quarter), not "T1 ex. 2018".
      expect(await db.query(`SELECT label FROM marts.calendar WHERE period_type IN ('quarter', 'year') AND DATE '2017-12-31' BETWEEN period_start AND period_end ORDER BY period_type`))
        .toEqual([{ label: 'T4 ex. 2017' }, { label: 'Exercice 2017' }]);
      expect(await db.query(`SELECT DISTINCT source FROM marts.settings_in_use`)).toEqual([{ source: 'defaults' }]);
    } finally {
      db.close();
    }
  });

  it('books revenue, concentration and win rates by manager as the raw CSV gives them', async () => {
    const [expected] = await raw.query<{ won: number; top_agent_share: number }>(`
      WITH won AS (SELECT sales_agent, sum(CAST(close_value AS BIGINT)) AS v FROM ${PIPELINE} WHERE deal_stage = 'Won' GROUP BY 1)
      SELECT sum(v) AS won, round(max(v) / sum(v), 6) AS top_agent_share FROM won`);
    const byManager = await raw.query<{ manager: string; rate: number }>(`
      SELECT t.manager, round(count(*) FILTER (WHERE p.deal_stage = 'Won') / count(*), 6) AS rate
      FROM ${PIPELINE} p JOIN '${MAVEN}/sales_teams.csv' t USING (sales_agent)
      WHERE p.deal_stage IN ('Won', 'Lost') GROUP BY 1 ORDER BY 1`);
    const db = await warehouse();
    try {
      const [revenue] = await db.query<{ v: number }>('SELECT sum(revenue) AS v FROM marts.revenue_and_margin');
      expect(revenue!.v).toBe(expected!.won);
      expect(await db.query(`SELECT DISTINCT revenue_basis FROM intermediate.int_revenue_lines`)).toEqual([{ revenue_basis: 'booked' }]);
      // Every deal closed in 2017: the year's best agent share is the whole sample's.
      const [top] = await db.query<{ share: number }>(`SELECT round(max(revenue_share), 6) AS share FROM marts.seller_revenue
        WHERE period_type = 'year' AND period_start = DATE '2017-01-01'`);
      expect(top!.share).toBe(expected!.top_agent_share);
      const managers = await db.query<{ manager: string; rate: number }>(`SELECT manager_id AS manager,
          round(sum(proposals_won) / sum(proposals_decided), 6) AS rate FROM marts.proposal_win_rate GROUP BY 1 ORDER BY 1`);
      expect(managers).toEqual(byManager);
      expect(managers).toHaveLength(6);
      expect(await db.query(`SELECT kpi FROM marts.kpi_glossary WHERE kpi IN ('Gross margin', 'Meeting no-show rate', 'Churn rate') AND NOT available ORDER BY kpi`))
        .toEqual([{ kpi: 'Churn rate' }, { kpi: 'Gross margin' }, { kpi: 'Meeting no-show rate' }]);
    } finally {
      db.close();
    }
  });
});

describe('the maven site in a browser with no internet', () => {
  it('opens every page with no error, and marks what the CRM cannot tell as unavailable', async () => {
    // Every page but the per-seller and per-segment scorecards, which share one template: the
    // first of each stands for the others (the sample-company test opens them all).
    const all = sitePages(siteDir);
    const scorecards = (prefix: string) => all.filter((p) => p.startsWith(prefix));
    const pages = [...all.filter((p) => !/^\/(sellers|segments)\/./.test(p)), ...scorecards('/sellers/').slice(0, 1), ...scorecards('/segments/').slice(0, 1)];
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.filter((p) => /^\/(sellers|segments)\/./.test(p))).toHaveLength(2);
    const report: Record<string, string[]> = {};
    for (const url of pages) {
      const { page, problems, blocked } = await open(url);
      const issues = [...problems, ...(await evidenceErrors(page)).map((m) => `shows "${m}"`), ...blocked.map((u) => `requested ${u}`)];
      if (issues.length) report[url] = issues;
      await page.close();
    }
    expect(report).toEqual({});

    const { page } = await open('/activity');
    expect(await page.getByText('indicateur indisponible').count()).toBeGreaterThan(3);
    await page.close();

    // The pages say which convention they follow: default settings, calendar year.
    const { page: front } = await open('/');
    await expect.poll(() => front.getByText('Réglages par défaut').count()).toBeGreaterThan(0);
    expect(await front.getByText('année civile', { exact: false }).count()).toBeGreaterThan(0);
    await front.close();
  }, 900_000);

  it('shows the booked revenue, says it is booked, and shows no margin rather than a zero', async () => {
    const [expected] = await raw.query<{ won: number }>(`SELECT sum(CAST(close_value AS BIGINT)) AS won FROM ${PIPELINE} WHERE deal_stage = 'Won'`);
    const { page, problems } = await open('/revenue');
    expect(await bigValue(page, "Chiffre d'affaires total")).toBe(expected!.won);
    await expect.poll(() => page.getByText('Facturation non fournie').count()).toBeGreaterThan(0);
    // The margin figures are left out, not shown as 0 €.
    const titles = await bigValueTitles(page);
    expect(titles).toContain("Chiffre d'affaires total");
    expect(titles).not.toContain('Marge brute');
    expect(titles).not.toContain('Taux de marge brute');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the open pipeline at list price and the win rate by manager', async () => {
    const [expected] = await raw.query<{ open: number }>(`SELECT sum(CAST(p.sales_price AS BIGINT)) AS open
      FROM ${PIPELINE} d JOIN '${MAVEN}/products.csv' p ON p.product = replace(d.product, 'GTXPro', 'GTX Pro')
      WHERE d.deal_stage IN ('Prospecting', 'Engaging')`);
    const { page, problems } = await open('/funnel');
    await page.waitForSelector('[_echarts_instance_]', { timeout: 20_000 });
    expect(await bigValue(page, 'Pipeline ouvert')).toBe(expected!.open);
    // The win-rate-by-manager table names every manager of sales_teams.csv.
    const managers = await raw.query<{ manager: string }>(`SELECT DISTINCT manager FROM '${MAVEN}/sales_teams.csv' ORDER BY 1`);
    expect(managers).toHaveLength(6);
    for (const { manager } of managers) expect(await page.getByRole('cell', { name: manager, exact: true }).count(), manager).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows seller concentration from booked revenue, and no variable pay simulated without objectives', async () => {
    const { page, problems } = await open('/team');
    await expect.poll(() => page.getByText("commerciaux avec du chiffre d'affaires", { exact: false }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByText('Pas de simulation possible', { exact: false }).count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
