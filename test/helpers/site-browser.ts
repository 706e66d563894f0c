/**
 * Reading a published site the way a reader on an intranet would: a static server on 127.0.0.1
 * and Chromium with every other host blocked, plus the helpers the end-to-end tests judge pages by.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

/** Every page of a built site, as URL paths. */
export const sitePages = (siteDir: string): string[] =>
  fs.readdirSync(siteDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.relative(siteDir, path.join(e.parentPath, e.name)))
    .filter((p) => !/^(api|settings|explore|_app)\b/.test(p) && !/(^|\/)(404|fallback)\.html$/.test(p))
    .map((p) => `/${p.replace(/(^|\/)index\.html$/, '').replace(/\.html$/, '')}`)
    .sort();

/** Opens a page with every request outside 127.0.0.1 aborted; collects what went wrong. */
export const openOffline = async (browser: Browser, baseUrl: string, url: string, load: { waitUntil?: 'networkidle' | 'load'; timeout?: number } = {}) => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const target = route.request().url();
    if (new URL(target).hostname === '127.0.0.1' || target.startsWith('data:') || target.startsWith('blob:')) return route.continue();
    blocked.push(target);
    return route.abort();
  });
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A dev server never goes network-idle (its live-reload socket): its pages are waited for by load.
  await page.goto(`${baseUrl}${url}`, { waitUntil: load.waitUntil ?? 'networkidle', timeout: load.timeout ?? 30_000 });
  await page.waitForTimeout(500);
  return { page, problems, blocked };
};

/** Evidence's own error markers in the rendered text of a page. */
export const evidenceErrors = (page: Page) =>
  page.evaluate(() => {
    const text = document.body.innerText;
    return ['Error in Query', 'Query failed', 'Catalog Error', 'Binder Error', 'No Results', 'Aucun résultat'].filter((marker) => text.includes(marker));
  });

/** The charts of a page and whether each one drew something. */
export const chartsDrawn = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[_echarts_instance_]')].map((el) => {
      const drawn = el.querySelectorAll('path, rect, circle, text').length;
      const canvas = el.querySelector('canvas');
      return { drawn, canvas: canvas ? canvas.width * canvas.height > 0 : false };
    }));

/** The text shown by the BigValue titled `title` (first line under the title). */
export const bigValueText = (page: Page, title: string) =>
  page.evaluate((t) => {
    const label = [...document.querySelectorAll('p, span, div')].find((e) => e.childElementCount <= 1 && e.textContent?.trim() === t);
    let node = label?.parentElement;
    while (node && !/\d/.test(node.innerText.replace(t, ''))) node = node.parentElement;
    return node?.innerText.replace(t, '').trim().split('\n')[0] ?? '';
  }, title);

/** The figure shown by the BigValue titled `title`, as a number (French formatting undone). */
export const bigValue = async (page: Page, title: string) =>
  Number((await bigValueText(page, title)).replace(/[^\d,-]/g, '').replace(',', '.'));

/** The element holding a BigValue's title (Evidence's BigValue markup); its figure follows it. */
export const BIG_VALUE_TITLE = 'p.text-sm.align-top.leading-none';

/** The titles of the BigValue figures a page shows. */
export const bigValueTitles = (page: Page) =>
  page.locator(BIG_VALUE_TITLE).evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));

/**
 * Opens the dropdown titled `title`. A click before the page has hydrated opens nothing (the
 * prerendered button has no handler yet): it is tried again until its options show.
 */
export const openDropdown = async (page: Page, title: string) => {
  const button = page.locator(`main button[role="combobox"][aria-label=${JSON.stringify(title)}]`);
  for (let attempt = 0; ; attempt++) {
    await button.click();
    try {
      await page.getByRole('option').first().waitFor({ timeout: 3000 });
      return;
    } catch (error) {
      if (attempt >= 10) throw error;
      await page.keyboard.press('Escape');
    }
  }
};

/** Picks `option` in the dropdown titled `title` (opened as openDropdown does). */
export const pickOption = async (page: Page, title: string, option: string) => {
  await openDropdown(page, title);
  await page.getByRole('option', { name: option, exact: true }).click();
};
