/**
 * Money in several currencies: converted into the reporting currency at the rate of its month, from
 * the fx_rates extract first, then extracts.yaml (a month's rate, then one rate for every month);
 * the original amount and currency kept; an amount with no rate held out, never summed as euros.
 *
 * The fixture company, worked by hand:
 *   F1 (invoice, 2023-11-20) in USD, 12 000: fx_rates gives USD 2023-11 = 0.9 → 10 800.00 EUR
 *   AV1 (credit note, 2023-12-05) in USD, −1 200: no December row in fx_rates, extracts.yaml's
 *       USD rate for every month 0.95 → −1 140.00 EUR
 *   SUB1 (2023-12-01) 450 GBP a month: extracts.yaml GBP 2023-12 = 1.15 → 517.50 EUR
 *   O1 (closed 2023-11-15) 12 000 in "usd" (lower case, read as USD): 0.9 → 10 800.00 EUR
 *   revenue = 10 800 − 1 140 = 9 660.00 EUR; cost converted the same way: 2 400 × 0.9 − 240 × 0.95 = 1 932.00
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, company, type Built } from './helpers/models.js';
import { writeCompany } from './helpers/csv.js';
import { loadFolder, tempDir } from './helpers/load.js';

const RATES = 'currency:\n  reporting: EUR\n  rates: { USD: 0.95, GBP: { "2023-12": 1.15 } }\n';

const multiCurrency = () => {
  const c = company();
  for (const invoice of c.invoices!) invoice.currency = 'USD';
  c.subscriptions![0]!.currency = 'GBP';
  c.opportunities![0]!.currency = 'usd';
  c.fx_rates = [{ currency: 'USD', month: '2023-11-01', rate: 0.9 }];
  return c;
};

describe('currencies', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(multiCurrency(), { extractsYaml: RATES }); });
  afterAll(() => built?.db.close());
  const q = (sql: string) => built.db.query(sql);

  it('converts each amount at its month\'s rate, fx_rates first, and keeps the original', async () => {
    expect(await q(`SELECT invoice_id, revenue, revenue_original, cost, currency FROM staging.stg_invoice_lines ORDER BY invoice_id`)).toEqual([
      { invoice_id: 'AV1', revenue: -1140, revenue_original: -1200, cost: -228, currency: 'USD' },
      { invoice_id: 'F1', revenue: 10800, revenue_original: 12000, cost: 2160, currency: 'USD' },
    ]);
    expect(await q(`SELECT mrr, mrr_original, currency FROM staging.stg_subscriptions`)).toEqual([{ mrr: 517.5, mrr_original: 450, currency: 'GBP' }]);
    expect(await q(`SELECT amount, amount_original, currency FROM staging.stg_opportunities`)).toEqual([{ amount: 10800, amount_original: 12000, currency: 'USD' }]);
    expect(await q(`SELECT sum(revenue) AS revenue, sum(cost) AS cost FROM marts.revenue_and_margin`)).toEqual([{ revenue: 9660, cost: 1932 }]);
    expect(await q(`SELECT currency, month, rate, source FROM audit.fx_rates ORDER BY currency, month NULLS LAST`)).toEqual([
      { currency: 'EUR', month: null, rate: 1, source: 'reporting currency' },
      { currency: 'GBP', month: '2023-12-01', rate: 1.15, source: 'extracts.yaml' },
      { currency: 'USD', month: '2023-11-01', rate: 0.9, source: 'fx_rates' },
      { currency: 'USD', month: null, rate: 0.95, source: 'extracts.yaml' },
    ]);
  });

  it('reconciles the marts with the files in the reporting currency, to the cent', async () => {
    expect(await q(`SELECT check_name, model_figure, billing_figure, status FROM marts.reconciliation WHERE check_name IN ('revenue_total', 'money_invoice_lines')`)).toEqual([
      { check_name: 'revenue_total', model_figure: 9660, billing_figure: 9660, status: 'pass' },
      { check_name: 'money_invoice_lines', model_figure: 9660, billing_figure: 9660, status: 'pass' },
    ]);
    expect(await q(`SELECT currency, amount_read, amount_loaded_reporting FROM marts.money_accounting WHERE extract = 'invoice_lines'`)).toEqual([
      { currency: 'USD', amount_read: 10800, amount_loaded_reporting: 9660 },
    ]);
  });
});

describe('an amount with no rate', () => {
  it('is held out with its reason and its invoice, never summed as euros; a code that is not ISO 4217 is rejected', async () => {
    const c = company();
    c.invoices![0]!.currency = 'CHF';
    c.subscriptions![0]!.currency = 'EURO';
    const dir = tempDir();
    writeCompany(dir, c);
    const loaded = await loadFolder(dir);
    try {
      expect((await loaded.rejects()).map((r) => [r.extract, r.column_name, r.value, r.reason])).toEqual([
        ['invoice_lines', 'invoice_id', 'F1', 'unknown reference: invoice_id "F1" is not a loaded invoices row'],
        ['invoices', 'currency', 'CHF', 'no exchange rate for CHF in 2023-11 (add it to fx_rates, or under currency.rates in extracts.yaml)'],
        ['subscriptions', 'currency', 'EURO', '"EURO" is not an ISO 4217 currency code (e.g. EUR, USD, GBP)'],
      ]);
      // The CHF line is held out with its amount in CHF, and no value in euros.
      expect(await loaded.db.query(`SELECT currency, amount_read, amount_held_out, amount_held_out_reporting, rows_held_out_unconverted
          FROM audit.money WHERE extract = 'invoice_lines' ORDER BY currency`)).toEqual([
        { currency: 'CHF', amount_read: 12000, amount_held_out: 12000, amount_held_out_reporting: 0, rows_held_out_unconverted: 1 },
        { currency: 'EUR', amount_read: -1200, amount_held_out: 0, amount_held_out_reporting: 0, rows_held_out_unconverted: 0 },
      ]);
    } finally {
      loaded.db.close();
    }
  });
});

