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
import { notReaderWords } from './helpers/reader-words.js';

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
  SELECT 'montants ' || extract, extract_label FROM marts.money_accounting
  UNION ALL
  SELECT 'rapprochement par période ' || period_type || ' ' || period_start, text FROM marts.revenue_tie_out,
    unnest([period_label, status_label, explanation]) AS t(text)`;

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

describe('the reasons shown on the data-quality page', () => {
  // The fixture company with one bad row of each everyday kind added, loaded as a user's files are:
  // the reasons come from the loader itself, not from a list written here.
  let built: Built;
  beforeAll(async () => {
    const messy = company();
    const add = (extract: string, row: Record<string, unknown>) => messy[extract]!.push(row);
    add('accounts', { ...messy.accounts![0]!, account_name: 'Doublon' }); // duplicate key
    add('accounts', { ...messy.accounts![1]!, account_id: 'A7', segment: 'Platine' }); // not an accepted value (flagged)
    add('contacts', { ...messy.contacts![0]!, contact_id: 'C7', created_at: '2099-01-01' }); // in the future
    add('activities', { ...messy.activities![0]!, activity_id: 'T7', duration_minutes: 'vingt' }); // wrong type
    add('opportunities', { ...messy.opportunities![0]!, opportunity_id: 'O7', account_id: 'A9' }); // unknown reference
    add('opportunities', { ...messy.opportunities![0]!, opportunity_id: 'O8', closed_at: '2023-09-01' }); // rule: closed before created
    add('opportunities', { ...messy.opportunities![0]!, opportunity_id: 'O9', amount: -5 }); // negative
    add('campaigns', { ...messy.campaigns![0]!, campaign_id: 'K7', end_date: '2023-08-01' }); // rule: ends before it starts
    add('invoices', { ...messy.invoices![0]!, invoice_id: 'F7', currency: 'USD' }); // no exchange rate
    add('invoices', { ...messy.invoices![0]!, invoice_id: 'F8', currency: 'euro' }); // not ISO 4217
    add('invoices', { ...messy.invoices![0]!, invoice_id: 'F9' });
    add('invoice_lines', { ...messy.invoice_lines![0]!, invoice_id: 'F9', quantity: -2 }); // rule; its invoice held out whole
    add('invoice_lines', { ...messy.invoice_lines![0]!, invoice_id: 'F9', line_number: 2 });
    built = await buildModelsOn(messy);
  });
  afterAll(() => built?.db.close());

  it('are French reader words, for every kind of reject and flag the load gave', async () => {
    const rows = await built.db.query<{ reason: string }>(`
      SELECT reason FROM marts.data_quality_rejects WHERE reason IS NOT NULL
      UNION SELECT unnest(reasons) FROM marts.data_quality_records`);
    const english = await built.db.query<{ reason: string }>(`SELECT DISTINCT reason FROM (SELECT reason FROM audit.rejects UNION ALL SELECT reason FROM audit.flags)`);
    // Every kind added above came through (a template this macro does not know would show English).
    expect(english.length).toBeGreaterThanOrEqual(11);
    expect(rows.length).toBeGreaterThanOrEqual(11);
    expect(rows.map((r) => ({ reason: r.reason, words: notReaderWords(r.reason) })).filter((r) => r.words.length)).toEqual([]);
    // Never the value: the bad cells of the rows above are not in what is published.
    const published = JSON.stringify(rows);
    for (const value of ['Platine', 'vingt', '2099', 'A9', 'euro"', '-5']) expect(published).not.toContain(value);
  });

  it('cover every rule of the contract and every reason the reader of CSV files writes', async () => {
    const ruleReasons = EXTRACTS.flatMap((e) => [...(e.rules ?? []), ...(e.crossRules ?? [])].map((r) => r.reason));
    // As pipelines/load/csv-scan.ts and load-extracts.ts write them (a record the CSV reader cannot take).
    const recordReasons = [
      'malformed record: quote opened on line 12 is never closed (the rest of the file would have become one field)',
      'malformed record: quote opened on line 12 is not closed properly (a quote in the middle of a field must be doubled: "")',
      'malformed record: record of 5,000,001 bytes, over the 1,048,576 a record may hold (a field this long is usually a quote never closed or a binary value)',
      'malformed record: bytes that are not valid UTF-8 (the file is UTF-8 elsewhere): re-export the file as UTF-8',
      'more fields than the header has columns (9): a delimiter inside a value that is not quoted? The extra value is shown',
      'short record: 13 fields where the header has 14 columns: a value left out shifts the next ones into the wrong columns. Complete the record (an empty value still needs its delimiter), or, if only its last values are missing, set padShortRecords: true under files.opportunities in extracts.yaml',
      'not in the reference list: product_line "GTX Ultra" matches no row of products (loaded as written)',
      'short record: 11 fields where the header has 14 columns: read with its last 3 field(s) missing (currency, original_amount, original_currency) as unknown (padShortRecords in extracts.yaml)',
      'missing required value',
      'wrong type: expected a date-time like 2024-03-31 14:30:00, got "hier"',
      'wrong type: expected true or false, got "oui"',
      'value 7 above the maximum of 5',
    ];
    const reasons = [...ruleReasons, ...recordReasons];
    expect(ruleReasons.length).toBeGreaterThan(10);
    const rows = await built.db.query<{ reason: string; label: string }>(
      `SELECT reason, reason_label(reason) AS label FROM unnest([${reasons.map((r) => `'${r.replaceAll("'", "''")}'`).join(', ')}]) AS t(reason)`);
    expect(rows.filter((r) => r.label === r.reason || notReaderWords(r.label).length > 0)).toEqual([]);
  });
});
