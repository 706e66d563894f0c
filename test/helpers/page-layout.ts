/**
 * What a reader sees wrong on a page, measured in the browser (issue 13's defects): elements wider
 * than the page's column, markdown written literally inside alerts, counts of deals with decimals.
 * (No named functions inside `evaluate`: the test runner's transform would rename them.)
 */
import type { Page } from 'playwright-core';

/**
 * Tables and charts that reach past the page's main column. A table may be wider than the column
 * only inside its own horizontal scroll box that stays within the column, and then its first column
 * must stay in view (sticky) while the rest scrolls. The page itself must never scroll sideways.
 */
export const overflowing = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    const viewport = window.innerWidth;
    if (document.documentElement.scrollWidth > viewport + 1) found.push(`page ${document.documentElement.scrollWidth}px wide in a ${viewport}px window`);
    const column = document.querySelector('article') ?? document.querySelector('main');
    if (!column) return ['no main column'];
    const right = column.getBoundingClientRect().right + 1;
    for (const chart of column.querySelectorAll('[_echarts_instance_]')) {
      const r = chart.getBoundingClientRect();
      if (r.width > 0 && r.right > right) found.push(`chart ${Math.round(r.width)}px ends at ${Math.round(r.right)} > column ${Math.round(right)}`);
    }
    for (const table of column.querySelectorAll('table')) {
      const r = table.getBoundingClientRect();
      if (r.width === 0 || r.right <= right) continue;
      let box: HTMLElement | null = table.parentElement;
      while (box && box !== column && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
      const head = (table.querySelector('th, td') as HTMLElement | null)?.innerText.trim().slice(0, 30) ?? '';
      if (!box || box === column || box.getBoundingClientRect().right > right) {
        found.push(`table "${head}" ${Math.round(r.width)}px ends at ${Math.round(r.right)} > column ${Math.round(right)}, not in a scroll box within the column`);
        continue;
      }
      const first = [...table.querySelectorAll('tr')].find((tr) => !tr.closest('thead'))?.firstElementChild ?? table.querySelector('tr > :first-child');
      if (first && getComputedStyle(first).position !== 'sticky') found.push(`table "${head}" scrolls sideways without keeping its first column in view`);
    }
    return found;
  });

/** Markdown syntax shown as text inside an alert (a link or bold markup the page did not render). */
export const markdownInAlerts = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[role="alert"]')]
      .map((a) => (a as HTMLElement).innerText)
      .filter((t) => /\*\*|\]\(|__\w/.test(t))
      .map((t) => t.slice(0, 80)));

/**
 * Cells of table columns that count deals and show a fraction ("12,5 affaires"). A column counts
 * deals when its title names deals (affaires, gagnées, perdues, propositions) and none of a money,
 * rate, average, duration or weighting word; its cells must then be whole numbers.
 */
export const fractionalDealCounts = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    const counts = /affaires|gagnées|perdues|propositions/i;
    const notCounts = /€|%|taux|moyen|pondér|part|\bCA\b|valeur|montant|jour|durée|délai|cycle|marge|coût|par |\//i;
    for (const table of document.querySelectorAll('table')) {
      // The titles are on the header's last row (Evidence puts an empty row above them).
      const rows = table.querySelectorAll('thead tr');
      const headers = rows.length ? [...rows[rows.length - 1]!.children].map((th) => (th as HTMLElement).innerText.trim()) : [];
      headers.forEach((title, i) => {
        if (!counts.test(title) || notCounts.test(title)) return;
        // Body rows (Evidence writes them straight into the table, with no tbody).
        for (const row of [...table.querySelectorAll('tr')].filter((tr) => !tr.closest('thead'))) {
          const cell = row.children[i] as HTMLElement | undefined;
          const text = cell?.innerText.trim() ?? '';
          if (/\d[,.]\d/.test(text)) { found.push(`"${title}": ${text}`); break; }
        }
      });
    }
    return found;
  });
