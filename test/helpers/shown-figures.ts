/**
 * Every figure a published site shows as it is first served (prerendered, no script run): each
 * BigValue and each table cell, with the words a reader reads it by — its label (the BigValue's
 * title, the column's header) and its subject (the page's entity, the row's leading words). Two
 * figures with the same label and subject on two pages are, to a reader, the same figure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { BIG_VALUE_TITLE, sitePages } from './site-browser.js';

export interface ShownFigure {
  /** The page's address, e.g. '/segments/Or'. */
  page: string;
  /** The BigValue's title or the column's header. */
  label: string;
  /**
   * What the figure is about: 'entreprise' on a company-wide page, or what its title names after ' — ';
   * the entity on an entity's page (a segment, a seller); for a table cell, the row's leading words
   * after that entity.
   */
  subject: string;
  /** The text shown, spaces made plain. */
  value: string;
}

/** Pages about one entity: their figures are that entity's, named by the page's heading. */
const ENTITY_PAGE = /^\/(segments|sellers)\/[^/]+$/;

const plain = (s: string) => s.replace(/[\u00a0\u202f\s]+/g, ' ').trim();

/** The file a page address is served from (a folder's index.html, or the address with .html). */
const pageFile = (siteDir: string, address: string) => {
  const index = path.join(siteDir, address, 'index.html');
  return fs.existsSync(index) ? index : path.join(siteDir, `${address}.html`);
};

export const shownFigures = async (browser: Browser, siteDir: string): Promise<ShownFigure[]> => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const figures: ShownFigure[] = [];
  try {
    // Each page as the other site tests list them; the audiences' sites are sites of their own.
    for (const address of sitePages(siteDir).filter((p) => !p.startsWith('/audiences/'))) {
      await page.goto(pathToFileURL(pageFile(siteDir, address)).href);
      const heading = plain((await page.locator('h1').first().textContent()) ?? '');
      // 'Segment Or — fiche segment' is about Or; 'Nadia Durand — fiche commercial' about her.
      const subject = ENTITY_PAGE.test(address) ? heading.split(' — ')[0]!.replace(/^Segment /, '') : 'entreprise';
      const bigValues = await page.locator(BIG_VALUE_TITLE).evaluateAll((titles) => titles.map((title) => {
        const box = title.parentElement!;
        // The figure is the first run of text after the title (a comparison follows it, after spacing).
        const rest = (box.textContent ?? '').replace(title.textContent ?? '', '').trim();
        return { label: title.textContent ?? '', value: rest.split(/\s{2,}/)[0] ?? '' };
      }));
      for (const b of bigValues) {
        // On a company page, 'CAC / marge … — Or' is the figure 'CAC / marge …' of Or.
        const [label, about] = subject === 'entreprise' ? plain(b.label).split(' — ') : [plain(b.label)];
        figures.push({ page: address, label: label!, subject: about ?? subject, value: plain(b.value) });
      }
      const tables = await page.locator('table').evaluateAll((tables) => tables.map((table) => ({
        headers: [...table.querySelectorAll('thead th')].map((th) => th.textContent ?? ''),
        rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      })));
      for (const table of tables) {
        const rows = table.rows.map((r) => r.map(plain));
        // A row is named by its first cell (a seller, a segment, a period); where that repeats in the
        // table (a segment by size band), by its leading words up to the first figure.
        const firsts = rows.map((r) => r[0] ?? '');
        const repeats = new Set(firsts.filter((f, i) => firsts.indexOf(f) !== i));
        for (const cells of rows) {
          // DataTable's head carries hidden cells first: the visible headers are the last ones.
          const headers = table.headers.slice(table.headers.length - cells.length).map(plain);
          let keyEnd = 1;
          if (repeats.has(cells[0]!)) while (keyEnd < cells.length && cells[keyEnd] && !/\d/.test(cells[keyEnd]!)) keyEnd++;
          const rowKey = cells.slice(0, keyEnd).join(' / ');
          if (!rowKey) continue;
          for (let i = 1; i < cells.length; i++) {
            if (!/\d/.test(cells[i]!) || !headers[i]) continue;
            figures.push({ page: address, label: headers[i]!, subject: subject === 'entreprise' ? rowKey : `${subject} / ${rowKey}`, value: cells[i]! });
          }
        }
      }
    }
  } finally {
    await context.close();
  }
  return figures;
};

/** The figures, grouped by what a reader reads them by (label and subject, case aside), kept where they are on two pages or more. */
export const figuresOnSeveralPages = (figures: ShownFigure[]) => {
  const groups = new Map<string, ShownFigure[]>();
  for (const f of figures) {
    const key = `${f.label.toLowerCase()} | ${f.subject.toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups].filter(([, shown]) => new Set(shown.map((f) => f.page)).size > 1);
};
