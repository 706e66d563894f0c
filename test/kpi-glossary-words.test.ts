/**
 * Everything a reader sees of the glossary, the reconciliation and the extracts' names on the
 * data-quality page is French, in reader words: no
 * column names (snake_case), no setting keys (`cac.marginAlertRatio`, camelCase), no model names
 * (`marts.revenue_and_margin`), no common English word. The ids stay in their own columns (kpi,
 * model, numerator, denominator, source_extracts, check_name), which pages do not display.
 *
 * Run on the fixture company as built, once with every extract and once with billing, marketing
 * spend, subscriptions and activities not provided, so that the texts shown only then (reasons a KPI
 * is unavailable, the note on revenue booked from won deals, the bookings check) are read too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACTS } from '../pipelines/contract/index.js';
import { buildModelsOn, company, type Built } from './helpers/models.js';

/** English words that are not also French words ("on", "or", "a" are). */
const ENGLISH = new Set([
  'the', 'of', 'per', 'and', 'with', 'when', 'from', 'by', 'to', 'is', 'at', 'in', 'which', 'that', 'not', 'than',
  'revenue', 'deals', 'deal', 'rate', 'count', 'customers', 'customer', 'sellers', 'seller', 'won', 'lost', 'invoice',
  'invoices', 'invoiced', 'spend', 'held', 'out', 'share', 'days', 'months', 'year', 'needs', 'rows', 'amount', 'period',
  'month', 'provided', 'margin', 'new', 'first', 'objective', 'target', 'activities', 'meetings', 'hours', 'loaded', 'read',
]);

/** What in `text` is not reader French: snake_case, camelCase or dotted keys, English words. */
export const notReaderWords = (text: string): string[] => {
  const found = new Set<string>();
  for (const key of text.match(/\b[a-z][A-Za-z]*\.[a-z][A-Za-z_]+\b/g) ?? []) found.add(key);
  for (const token of text.match(/[\p{L}\p{N}_]+/gu) ?? []) {
    if (/_/.test(token) && /\p{L}/u.test(token)) found.add(token);
    else if (/^[a-z]+[A-Z]/.test(token)) found.add(token);
    else if (ENGLISH.has(token.toLowerCase())) found.add(token);
  }
  return [...found];
};

const READER_TEXTS = `
  SELECT 'glossaire ' || kpi AS place, text FROM marts.kpi_glossary,
    unnest([label, formula, grain, numerator_label, denominator_label, array_to_string(source_labels, ', '),
            unavailable_reason, basis_note]) AS t(text)
  WHERE text IS NOT NULL
  UNION ALL
  SELECT 'rapprochement ' || check_name, text FROM marts.reconciliation, unnest([check_label, description, detail]) AS t(text)
  WHERE text IS NOT NULL
  UNION ALL
  SELECT 'qualité ' || extract, extract_label FROM marts.data_quality
  UNION ALL
  SELECT 'montants ' || extract, extract_label FROM marts.money_accounting`;

const offending = async (built: Built) => {
  const rows = await built.db.query<{ place: string; text: string }>(READER_TEXTS);
  expect(rows.length).toBeGreaterThan(100);
  return rows.map((r) => ({ place: r.place, words: notReaderWords(r.text) })).filter((r) => r.words.length > 0);
};

describe('the reader-words check', () => {
  it('catches ids, setting keys and English, and lets French through', () => {
    expect(notReaderWords('won_deals_vs_invoices')).toEqual(['won_deals_vs_invoices']);
    expect(notReaderWords('flagged when ≥ cac.marginAlertRatio (default 75 %)')).toEqual(['cac.marginAlertRatio', 'when', 'marginAlertRatio']);
    expect(notReaderWords('Revenue of the period per seller')).toEqual(['Revenue', 'of', 'the', 'period', 'per', 'seller']);
    expect(notReaderWords('see marts.data_quality_records')).toEqual(['marts.data_quality_records', 'data_quality_records']);
    expect(notReaderWords("Chiffre d'affaires du segment Or / chiffre d'affaires de l'année, 0,5 % ; Σ montants nets")).toEqual([]);
  });
});

describe('glossary and reconciliation texts, every extract provided', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(company()); });
  afterAll(() => built?.db.close());

  it('are French reader words', async () => {
    expect(await offending(built)).toEqual([]);
  });

  it('give a rate its numerator and denominator in words beside the column ids', async () => {
    expect(await built.db.query(`SELECT kpi FROM marts.kpi_glossary
      WHERE (numerator IS NULL) <> (numerator_label IS NULL) OR (denominator IS NULL) <> (denominator_label IS NULL)
         OR (unit = 'rate' AND numerator_label IS NULL)`)).toEqual([]);
  });

  it('name every extract of the contract in French', async () => {
    const names = EXTRACTS.map((e) => e.name);
    const rows = await built.db.query<{ name: string; label: string }>(
      `SELECT name, extract_label(name) AS label FROM unnest([${names.map((n) => `'${n}'`).join(', ')}]) AS t(name)`);
    expect(rows.filter((r) => r.label === r.name || notReaderWords(r.label).length > 0)).toEqual([]);
  });
});

describe('glossary and reconciliation texts, CRM without billing, spend, subscriptions or activities', () => {
  let built: Built;
  beforeAll(async () => {
    built = await buildModelsOn(company(), { notProvided: ['invoices', 'invoice_lines', 'marketing_spend', 'subscriptions', 'activities'] });
  });
  afterAll(() => built?.db.close());

  it('are French reader words, the reasons a KPI is unavailable included', async () => {
    const [unavailable] = await built.db.query<{ n: number }>(`SELECT count(*) AS n FROM marts.kpi_glossary WHERE NOT available`);
    expect(unavailable!.n).toBeGreaterThan(10);
    expect(await offending(built)).toEqual([]);
  });
});
