/**
 * The site is safe to open whatever the extracts call things: a small sample company whose seller,
 * team, account, product line and campaign names carry script payloads is built into a site, and
 * every page is read in an offline Chromium — loaded, every chart's tooltips shown (ECharts
 * `showTip` on every series and the mouse moved over the chart), charts, dropdowns and tabs
 * clicked. No payload may run, no element it describes may be created, and the names must be
 * shown as the text they are ("Nord & Est <img …>"), not mangled.
 *
 * One site build serves every check (a few minutes: Evidence bundles the site with Vite).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { literal, openDatabase } from '../pipelines/db/duckdb.js';
import { generateSample } from '../pipelines/sample/generate.js';
import { siteWorkDir } from '../pipelines/site/build-site.js';
import { tempDir } from './helpers/load.js';
import { launchBrowser, openOffline, sitePages } from './helpers/site-browser.js';
import { serveStatic } from './helpers/static-server.js';

const run = promisify(execFile);

/** Each would set window.__xss if the browser parsed it as markup. */
const PAYLOADS = ['<img src=x onerror=window.__xss=1>', '<script>window.__xss=1</script>', '"><svg onload=window.__xss=1>'];

let dataDir: string;
let siteDir: string;
let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
/** The names as loaded (real text the reader must see). */
let sellerNames: string[];
let teamNames: string[];

/**
 * Appends a payload to every value of `column` in the Parquet extract `file` (the same value
 * always gets the same payload, so keys and references still match across extracts).
 */
const poison = async (dir: string, file: string, columns: string[]) => {
  const db = await openDatabase(':memory:');
  try {
    const source = path.join(dir, `${file}.parquet`);
    const target = path.join(dir, `${file}.poisoned.parquet`);
    const payloads = `[${PAYLOADS.map(literal).join(', ')}]`;
    const replace = columns.map((c) => `CASE WHEN ${c} IS NULL THEN NULL ELSE ${c} || ' ' || list_element(${payloads}, 1 + CAST(hash(${c}) % 3 AS INTEGER)) END AS ${c}`);
    await db.exec(`COPY (SELECT * REPLACE (${replace.join(', ')}) FROM read_parquet(${literal(source)})) TO ${literal(target)} (FORMAT parquet)`);
    fs.renameSync(target, source);
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dataDir = tempDir('bi-e2e-xss-');
  siteDir = path.join(dataDir, 'site');
  const extracts = path.join(dataDir, 'extracts');
  await generateSample({ outDir: extracts, scale: 0.3, seed: 42, format: 'parquet', threads: 2 });
  await poison(extracts, 'sellers', ['seller_name', 'team']);
  await poison(extracts, 'accounts', ['account_name']);
  await poison(extracts, 'campaigns', ['campaign_name']);
  for (const file of ['opportunities', 'invoice_lines', 'subscriptions']) await poison(extracts, file, ['product_line']);
  await run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/cli.ts'), 'build', '--extracts', extracts, '--as-of', '2026-11-22'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BI_DATA_DIR: dataDir, BI_SITE_DIR: siteDir },
    maxBuffer: 64 * 1024 * 1024,
  });
  const db = await openDatabase(path.join(dataDir, 'warehouse.duckdb'), { readOnly: true });
  try {
    sellerNames = (await db.query<{ v: string }>('SELECT seller_name AS v FROM raw.sellers')).map((r) => r.v);
    teamNames = (await db.query<{ v: string }>('SELECT DISTINCT team AS v FROM raw.sellers')).map((r) => r.v);
  } finally {
    db.close();
  }
  server = await serveStatic(siteDir);
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  if (dataDir) fs.rmSync(siteWorkDir(dataDir), { recursive: true, force: true });
  await browser?.close();
  await server?.close();
});

/** Whether a payload ran, or an element it describes exists in the page. */
const ran = (page: Page) =>
  page.evaluate(() => (window as unknown as { __xss?: number }).__xss === 1
    || [...document.querySelectorAll('img[src="x"], svg[onload], [onerror]')].length > 0);

/**
 * Shows every chart's tooltip for each series at up to `points` data indexes through ECharts'
 * own `showTip` action (the chart instances Evidence registers on window), and returns the text
 * of the tooltips shown.
 */
const showEveryTooltip = (page: Page, points = 6) =>
  page.evaluate(async (max) => {
    const charts = Object.values((window as unknown as Record<symbol, Record<string, unknown>>)[Symbol.for('__evidence-chart-window-debug__')] ?? {}) as {
      getOption: () => { series?: { data?: unknown[] }[] };
      dispatchAction: (a: object) => void;
      getDom: () => HTMLElement;
      isDisposed: () => boolean;
    }[];
    const texts: string[] = [];
    for (const chart of charts) {
      if (chart.isDisposed()) continue;
      const series = chart.getOption().series ?? [];
      for (let s = 0; s < series.length; s++) {
        const n = series[s]?.data?.length ?? 0;
        const step = Math.max(1, Math.floor(n / max));
        for (let i = 0; i < n; i += step) {
          chart.dispatchAction({ type: 'showTip', seriesIndex: s, dataIndex: i });
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          const text = chart.getDom().innerText.trim();
          if (text) texts.push(text);
        }
      }
      chart.dispatchAction({ type: 'hideTip' });
    }
    return { charts: charts.length, texts };
  }, points);

/** Moves the mouse over a grid of points of every chart, as a reader hovering would. */
const hoverCharts = async (page: Page) => {
  for (const chart of await page.locator('[_echarts_instance_]').all()) {
    await chart.scrollIntoViewIfNeeded().catch(() => {});
    const box = await chart.boundingBox();
    if (!box) continue;
    for (const fx of [0.1, 0.3, 0.5, 0.7, 0.9]) for (const fy of [0.3, 0.6, 0.85]) await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.6);
  }
};

/** Opens every dropdown (their options list data values) and every tab / button group option. */
const clickInputs = async (page: Page) => {
  for (const button of await page.locator('main button[aria-haspopup], main [role="combobox"]').all()) {
    if (!(await button.isVisible())) continue;
    await button.click({ timeout: 2000 }).catch(() => {});
    await page.waitForTimeout(200);
    await page.keyboard.press('Escape');
  }
};

describe('a site built from names carrying script payloads', () => {
  it('loads the names as they are (the payloads reach the site)', () => {
    for (const payload of PAYLOADS) expect(sellerNames.some((n) => n.endsWith(payload)), payload).toBe(true);
    expect(teamNames.length).toBeGreaterThan(1);
  });

  it('runs no payload on load, on tooltip or hover, or on click, on any page; names show as text', async () => {
    const pages = sitePages(siteDir);
    expect(pages.length).toBeGreaterThan(10);
    const report: Record<string, string[]> = {};
    const tooltips: string[] = [];
    const shown: string[] = [];
    let charts = 0;
    for (const url of pages) {
      const { page, problems } = await openOffline(browser, server.url, url);
      const injected: string[] = [];
      // An <img src=x> that made it into the DOM asks the server for /x even when it runs nothing.
      page.on('request', (request) => { if (/\/x$/.test(new URL(request.url()).pathname)) injected.push(request.url()); });
      page.on('dialog', (dialog) => { injected.push(`dialog: ${dialog.message()}`); void dialog.dismiss(); });
      await page.waitForSelector('[_echarts_instance_]', { timeout: 10_000 }).catch(() => {});
      await page.waitForTimeout(800);
      const issues: string[] = [];
      if (await ran(page)) issues.push('payload ran on load');
      const tips = await showEveryTooltip(page);
      charts += tips.charts;
      tooltips.push(...tips.texts);
      if (await ran(page)) issues.push('payload ran in a tooltip');
      await hoverCharts(page);
      if (await ran(page)) issues.push('payload ran on hover or click');
      await clickInputs(page);
      if (await ran(page)) issues.push('payload ran on opening an input');
      shown.push(await page.evaluate(() => document.body.innerText));
      issues.push(...injected.map((u) => `injected element requested ${u}`), ...problems.filter((p) => /__xss|onerror|onload/.test(p)));
      if (issues.length) report[url] = issues;
      await page.close();
    }
    expect(report).toEqual({});
    // The checks above saw charts and tooltips, and the tooltips showed the names as text.
    expect(charts).toBeGreaterThan(20);
    const tooltipText = tooltips.join('\n');
    for (const team of teamNames) expect(tooltipText, `team "${team}" in a tooltip`).toContain(team);
    const pageText = shown.join('\n');
    for (const name of sellerNames) expect(pageText, `seller "${name}" on a page`).toContain(name);
    for (const payload of PAYLOADS) expect(tooltipText, payload).toContain(payload);
  }, 1_200_000);
});
