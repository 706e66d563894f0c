/**
 * Vendor exports carry their own money: currency columns, the CRM's own conversions, credit notes,
 * product rows and deals without a company, through the built-in mappings, the loader and the
 * models. Fixtures follow the vendors' documented layouts (Salesforce "Amount Currency" /
 * "Amount (converted)" pairs, help article 000382314; HubSpot "Currency" and "Amount in company
 * currency"; Stripe Dashboard exports). Every expected figure is worked out by hand from the
 * fixture rows, in the comments; every run also checks money read = loaded + held out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHeldOut, HeldOutError, moneyAccounts } from '../pipelines/load/held-out.js';
import { closeMapped, mapAndLoad } from './helpers/map-and-load.js';
import { exportsFolder, expectReconciled, type Mapped } from './helpers/mapped.js';

afterAll(closeMapped);

/** Per extract and currency, the money read equals the money loaded plus the money held out, to the cent. */
const expectMoneyAccounted = async (m: Mapped) => {
  const rows = await m.db.query<{ extract: string; currency: string; amount_read: number; amount_loaded: number; amount_held_out: number }>(
    `SELECT extract, currency, amount_read, amount_loaded, amount_held_out FROM audit.money ORDER BY extract, currency`);
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(Math.round(r.amount_loaded * 100) + Math.round(r.amount_held_out * 100), `${r.extract} ${r.currency}`).toBe(Math.round(r.amount_read * 100));
};

const moneyOf = (m: Mapped, extract: string) => m.db.query(
  `SELECT currency, amount_read, amount_loaded, amount_held_out FROM audit.money WHERE extract = '${extract}' ORDER BY currency`);

const wonRevenue = async (m: Mapped) =>
  (await m.db.query<{ won: number | null }>(`SELECT sum(amount) AS won FROM staging.stg_opportunities WHERE is_won`))[0]!.won;

describe('salesforce, multi-currency org', () => {
  // Opportunities report with "Amount Currency" beside "Amount":
  //   006M000001 won  EUR 48,000.00  closed 2024-02        006M000004 won  USD  5,000.00  closed 2024-04
  //   006M000002 won  USD 20,000.00  closed 2024-03        006M000005 open EUR 15,000.00  (not closed)
  //   006M000003 won  GBP 10,000.00  closed 2024-04        006M000006 lost GBP  8,000.00  closed 2024-03
  it('without rates: the foreign deals are held out with their currency and month, never summed as euros; the run stops', async () => {
    const m = await mapAndLoad(exportsFolder('salesforce-multicurrency'), 'salesforce');
    expectReconciled(m);
    // Only the EUR won deal is revenue: 48,000.00 (summing the amounts as euros would give 83,000.00).
    expect(await wonRevenue(m)).toBe(48000);
    expect((await m.rejects('opportunities')).map((r) => [r.value, r.reason])).toEqual([
      ['USD', 'no exchange rate for USD in 2024-03 (add it to fx_rates, or under currency.rates in extracts.yaml)'],
      ['GBP', 'no exchange rate for GBP in 2024-04 (add it to fx_rates, or under currency.rates in extracts.yaml)'],
      ['USD', 'no exchange rate for USD in 2024-04 (add it to fx_rates, or under currency.rates in extracts.yaml)'],
      ['GBP', 'no exchange rate for GBP in 2024-03 (add it to fx_rates, or under currency.rates in extracts.yaml)'],
    ]);
    // Read = loaded + held out per currency: EUR 48,000 + 15,000 = 63,000 loaded; USD 20,000 + 5,000
    // = 25,000 and GBP 10,000 + 8,000 = 18,000 held out.
    expect(await moneyOf(m, 'opportunities')).toEqual([
      { currency: 'EUR', amount_read: 63000, amount_loaded: 63000, amount_held_out: 0 },
      { currency: 'GBP', amount_read: 18000, amount_loaded: 0, amount_held_out: 18000 },
      { currency: 'USD', amount_read: 25000, amount_loaded: 0, amount_held_out: 25000 },
    ]);
    await expectMoneyAccounted(m);
    // The held-out gate stops the run, naming the currencies and months without a rate.
    const stop = checkHeldOut(m.db, { maxShare: 0.005, accept: false }, await moneyAccounts(m.db));
    await expect(stop).rejects.toThrow(HeldOutError);
    await expect(stop).rejects.toThrow(/4 held-out amount\(s\) could not be valued[\s\S]*no exchange rate for USD in 2024-03[\s\S]*no exchange rate for GBP in 2024-04/);
  });

  it('with an fx_rates file: each deal converted at its close month\'s rate, its own amount and currency kept', async () => {
    const dir = exportsFolder('salesforce-multicurrency');
    fs.writeFileSync(path.join(dir, 'fx_rates.csv'), 'currency,month,rate\nUSD,2024-03-01,0.92\nUSD,2024-04-01,0.93\nGBP,2024-03-01,1.17\nGBP,2024-04-01,1.16\n');
    const m = await mapAndLoad(dir, 'salesforce');
    expectReconciled(m);
    expect(await m.rejects('opportunities')).toEqual([]);
    // Won: 48,000.00 + 20,000 × 0.92 (18,400.00) + 10,000 × 1.16 (11,600.00) + 5,000 × 0.93 (4,650.00) = 82,650.00.
    expect(await wonRevenue(m)).toBe(82650);
    expect(await m.db.query(`SELECT opportunity_id, amount, amount_original, currency, converted_by_crm FROM staging.stg_opportunities WHERE opportunity_id = '006M000002'`))
      .toEqual([{ opportunity_id: '006M000002', amount: 18400, amount_original: 20000, currency: 'USD', converted_by_crm: false }]);
    await expectMoneyAccounted(m);
    expect(await checkHeldOut(m.db, { maxShare: 0.005, accept: false }, await moneyAccounts(m.db))).toMatchObject({ share: 0 });
  });

  it('with the converted columns: Salesforce\'s own conversion is the reporting amount, no rate needed, the original kept', async () => {
    // The same deals with "Amount (converted) Currency" EUR and "Amount (converted)": won
    // 48,000.00 + 18,420.00 + 11,630.00 + 4,640.00 = 82,690.00, the report's own total of the
    // converted column over the won rows.
    const m = await mapAndLoad(exportsFolder('salesforce-converted'), 'salesforce');
    expectReconciled(m);
    expect(await m.rejects('opportunities')).toEqual([]);
    expect(await wonRevenue(m)).toBe(82690);
    expect(await m.db.query(`SELECT opportunity_id, amount, amount_original, currency, converted_by_crm FROM staging.stg_opportunities
        WHERE opportunity_id IN ('006M000001', '006M000003') ORDER BY 1`)).toEqual([
      { opportunity_id: '006M000001', amount: 48000, amount_original: 48000, currency: 'EUR', converted_by_crm: true },
      { opportunity_id: '006M000003', amount: 11630, amount_original: 10000, currency: 'GBP', converted_by_crm: true },
    ]);
    // All six amounts read in EUR, loaded: 48,000 + 18,420 + 11,630 + 4,640 + 15,000 + 9,352 = 107,042.00.
    expect(await moneyOf(m, 'opportunities')).toEqual([{ currency: 'EUR', amount_read: 107042, amount_loaded: 107042, amount_held_out: 0 }]);
    await expectMoneyAccounted(m);
    // Converted by Salesforce, by own currency: GBP 10,000 + 8,000 = 18,000; USD 20,000 + 5,000 = 25,000.
    expect((await moneyAccounts(m.db)).find((a) => a.extract === 'opportunities')!.convertedByCrm).toEqual(['18000.00 GBP', '25000.00 USD']);
  });
});

describe('salesforce Data Export, multi-currency org', () => {
  it('CurrencyIsoCode is each deal\'s currency: converted at load with the company\'s rates', async () => {
    // Opportunity.csv with CurrencyIsoCode: Opp01 won 48,000.00 EUR; Opp02 won 12,000.50 USD closed
    // 2024-04; Opp03 lost 8,000.00 GBP closed 2024-03; Opp04 open 15,000.00 EUR; Opp05 won 9,000.00 EUR.
    const dir = exportsFolder('salesforce-data-export-multicurrency');
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'currency:\n  reporting: EUR\n  rates: { USD: { "2024-04": 0.92 }, GBP: { "2024-03": 1.17 } }\n');
    const m = await mapAndLoad(dir, 'salesforce');
    expectReconciled(m);
    expect(await m.rejects('opportunities')).toEqual([]);
    // Won: 48,000.00 + 12,000.50 × 0.92 (11,040.46) + 9,000.00 = 68,040.46.
    expect(await wonRevenue(m)).toBe(68040.46);
    expect(await m.db.query(`SELECT amount, amount_original, currency FROM staging.stg_opportunities WHERE opportunity_id = '0065g00000Opp02AAA'`))
      .toEqual([{ amount: 11040.46, amount_original: 12000.5, currency: 'USD' }]);
    await expectMoneyAccounted(m);
  });
});

describe('salesforce "Opportunities with Products" report', () => {
  it('one row per product is one deal: its amount counted once; rows that contradict each other are duplicates', async () => {
    // 006P000001 (60,000.00, won) on three product rows: 40,000 + 15,000 + 5,000 = 60,000, the
    // deal's Amount, repeated on each row; 006P000002 (9,000.00, won) on one row; 006P000003 on two
    // rows that disagree (open Negotiation/Review, then Closed Lost): a duplicate.
    const m = await mapAndLoad(exportsFolder('salesforce-products'), 'salesforce');
    expectReconciled(m);
    const opportunities = m.result.extracts.find((e) => e.extract === 'opportunities')!;
    // 6 rows + the 2 footer lines (confidential, copyright; the blank line is no record) filtered;
    // the 2 repeated product rows of 006P000001 merged: 8 = 4 written + 2 filtered + 2 merged.
    expect(opportunities).toMatchObject({ rowsIn: 8, rowsFiltered: 2, rowsMerged: 2, rowsWritten: 4, rowsRejected: 0 });
    // Won = 60,000.00 + 9,000.00 = 69,000.00 (not 3 × 60,000 + 9,000 = 189,000.00).
    expect(await wonRevenue(m)).toBe(69000);
    // The copy rejected is the report's line 7 (header on line 1), the second 006P000003 row.
    const rejects = await m.db.query<{ value: string; export_line: number; reason: string }>(
      `SELECT value, export_line, reason FROM audit.rejects WHERE extract = 'opportunities'`);
    expect(rejects.map((r) => [r.value, r.export_line])).toEqual([['opportunity_id=006P000003', 7]]);
    expect(rejects[0]!.reason).toMatch(/^duplicate key \(opportunity_id=006P000003\): first seen on row \d+, which is kept$/);
    // Read 60,000 + 9,000 + 12,000 + 12,000 = 93,000.00: loaded 81,000.00, the contradicting copy held out 12,000.00.
    expect(await moneyOf(m, 'opportunities')).toEqual([{ currency: 'EUR', amount_read: 93000, amount_loaded: 81000, amount_held_out: 12000 }]);
    await expectMoneyAccounted(m);
  });
});

describe('hubspot, multi-currency portal', () => {
  it('"Amount in company currency" is the reporting amount, in the portal\'s currency told from the deals; Amount and Currency kept', async () => {
    // Deals (Amount, Currency, Amount in company currency):
    //   9101 won  48,000 EUR → 48,000     9104 lost 8,000 USD → 7,360
    //   9102 won  20,000 USD → 18,400     9105 open 15,000 EUR → 15,000
    //   9103 won  10,000 GBP → 11,600
    // EUR is the one currency whose deals all have Amount = Amount in company currency: the portal's.
    // Won revenue = 48,000 + 18,400 + 11,600 = 78,000.00, with no fx_rates file.
    const m = await mapAndLoad(exportsFolder('hubspot-multicurrency'), 'hubspot');
    expectReconciled(m);
    expect(m.result.rejects).toEqual([]);
    expect(await m.rejects('opportunities')).toEqual([]);
    expect(await wonRevenue(m)).toBe(78000);
    expect(await m.db.query(`SELECT opportunity_id, amount, amount_original, currency, converted_by_crm FROM staging.stg_opportunities
        WHERE opportunity_id IN ('9102', '9103') ORDER BY 1`)).toEqual([
      { opportunity_id: '9102', amount: 18400, amount_original: 20000, currency: 'USD', converted_by_crm: true },
      { opportunity_id: '9103', amount: 11600, amount_original: 10000, currency: 'GBP', converted_by_crm: true },
    ]);
    // All read in EUR: 48,000 + 18,400 + 11,600 + 7,360 + 15,000 = 100,360.00, all loaded.
    expect(await moneyOf(m, 'opportunities')).toEqual([{ currency: 'EUR', amount_read: 100360, amount_loaded: 100360, amount_held_out: 0 }]);
    await expectMoneyAccounted(m);
    // The run's money table says which amounts the portal converted: GBP 10,000; USD 20,000 + 8,000 = 28,000.
    expect((await moneyAccounts(m.db)).find((a) => a.extract === 'opportunities')!.convertedByCrm).toEqual(['10000.00 GBP', '28000.00 USD']);
  });

  it('when no currency of the export can be the portal\'s, the converted deals are rejected with the reason, not read in a guessed currency', async () => {
    const dir = exportsFolder('hubspot-multicurrency');
    const deals = path.join(dir, 'hubspot-multicurrency', 'hubspot-crm-exports-all-deals-2024-06-30.csv');
    // Keep only the USD and GBP deals: none has Amount = Amount in company currency.
    fs.writeFileSync(deals, fs.readFileSync(deals, 'utf8').split('\n').filter((l) => !/,EUR,/.test(l)).join('\n'));
    const m = await mapAndLoad(dir, 'hubspot');
    expect(m.result.rejects.map((r) => [r.row_number, r.column_name])).toEqual([[1, 'currency'], [2, 'currency'], [3, 'currency']]);
    expect(m.result.rejects[0]!.reason).toMatch(/the portal's company currency cannot be told from the export/);
  });
});

describe('hubspot deals without an associated company', () => {
  it('are loaded on the placeholder account "(non attribué)", flagged, with their money', async () => {
    // 9201 won 48,000 (Acier du Nord); 9202 won 3,500, no company; 9203 open 12,000, no company;
    // 9204 open 15,000 (Boulangeries Réunies). Won = 48,000 + 3,500 = 51,500.00, the export's total
    // of its won deals; nothing rejected.
    const m = await mapAndLoad(exportsFolder('hubspot-no-company'), 'hubspot');
    expectReconciled(m);
    expect(await m.rejects('opportunities')).toEqual([]);
    expect((await m.flags('opportunities')).map((f) => [f.row_number, f.column_name, f.reason])).toEqual([
      [2, 'account_id', 'missing value (loaded as unknown)'],
      [3, 'account_id', 'missing value (loaded as unknown)'],
    ]);
    expect(await wonRevenue(m)).toBe(51500);
    expect(await m.db.query(`SELECT account_id, is_account_unknown, sum(amount) AS amount, count(*) AS deals FROM staging.stg_opportunities GROUP BY ALL ORDER BY 1`)).toEqual([
      { account_id: '(non attribué)', is_account_unknown: true, amount: 15500, deals: 2 },
      { account_id: '5001', is_account_unknown: false, amount: 48000, deals: 1 },
      { account_id: '5002', is_account_unknown: false, amount: 15000, deals: 1 },
    ]);
    expect(await m.db.query(`SELECT account_id, account_name, segment, is_placeholder FROM staging.stg_accounts WHERE is_placeholder`))
      .toEqual([{ account_id: '(non attribué)', account_name: 'Compte non attribué', segment: '(non renseigné)', is_placeholder: true }]);
    // The won deal without company is in the journey (the deals' mart), not dropped by its join to accounts.
    expect(await m.db.query(`SELECT sum(amount) AS won FROM intermediate.int_opportunity_journey WHERE is_won`)).toEqual([{ won: 51500 }]);
    // Read 78,500.00 = loaded 78,500.00, of which flagged 3,500 + 12,000 = 15,500.00.
    expect(await m.db.query(`SELECT amount_read, amount_loaded, amount_flagged, amount_held_out FROM audit.money WHERE extract = 'opportunities'`))
      .toEqual([{ amount_read: 78500, amount_loaded: 78500, amount_flagged: 15500, amount_held_out: 0 }]);
    await expectMoneyAccounted(m);
  });
});

describe('stripe credit notes and mixed currencies', () => {
  it('issued credit notes reduce revenue in their month, void ones are excluded; a trial is not MRR', async () => {
    const dir = exportsFolder('hubspot-partial', 'stripe-credit-notes');
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'currency:\n  reporting: EUR\n  rates: { USD: { "2024-03": 0.92, "2024-04": 0.93 } }\n');
    const m = await mapAndLoad(dir, 'hubspot,stripe');
    expectReconciled(m);
    expect(m.result.rejects).toEqual([]);
    expect(await m.rejects('invoices')).toEqual([]);
    expect(await m.rejects('invoice_lines')).toEqual([]);
    // The void credit note is filtered by the mapping, counted, with its line.
    expect(m.result.extracts.find((e) => e.extract === 'invoices')).toMatchObject({ rowsIn: 6, rowsFiltered: 1, rowsWritten: 5 });
    expect(await m.db.query(`SELECT invoice_id, document_type, invoice_date, currency FROM raw.invoices WHERE document_type = 'credit_note' ORDER BY 1`)).toEqual([
      { invoice_id: 'cn_R001', document_type: 'credit_note', invoice_date: '2024-03-15', currency: 'EUR' },
      { invoice_id: 'cn_R002', document_type: 'credit_note', invoice_date: '2024-04-02', currency: 'USD' },
    ]);
    // Each credit note credits its Subtotal on one line, on the product of the invoice it credits.
    expect(await m.db.query(`SELECT invoice_id, product_line, quantity, net_amount FROM raw.invoice_lines WHERE invoice_id LIKE 'cn_%' ORDER BY 1`)).toEqual([
      { invoice_id: 'cn_R001', product_line: 'ERP', quantity: -1, net_amount: -1000 },
      { invoice_id: 'cn_R002', product_line: 'Support', quantity: -1, net_amount: -500 },
    ]);
    // Revenue in EUR by month:
    //   2024-02: in_3001 10,000.00
    //   2024-03: in_3002 5,000 USD × 0.92 = 4,600.00 + in_3003 1,200 + 800 = 2,000.00 − cn_R001 1,000.00 = 5,600.00
    //   2024-04: cn_R002 −500 USD × 0.93 = −465.00
    // Total 10,000 + 5,600 − 465 = 15,135.00 (the void cn_R003, 300.00, not deducted).
    expect(await m.db.query(`SELECT strftime(invoice_date, '%Y-%m') AS month, sum(revenue) AS revenue FROM intermediate.int_revenue_lines GROUP BY 1 ORDER BY 1`)).toEqual([
      { month: '2024-02', revenue: 10000 }, { month: '2024-03', revenue: 5600 }, { month: '2024-04', revenue: -465 },
    ]);
    // The reconciliation counts them: billed total = lines read in the reporting currency.
    expect(await m.db.query(`SELECT model_figure, billing_figure, status FROM marts.reconciliation WHERE check_name = 'revenue_total'`))
      .toEqual([{ model_figure: 15135, billing_figure: 15135, status: 'pass' }]);
    // Read per currency: EUR 10,000 + 2,000 − 1,000 = 11,000.00; USD 5,000 − 500 = 4,500.00; all loaded.
    expect(await moneyOf(m, 'invoice_lines')).toEqual([
      { currency: 'EUR', amount_read: 11000, amount_loaded: 11000, amount_held_out: 0 },
      { currency: 'USD', amount_read: 4500, amount_loaded: 4500, amount_held_out: 0 },
    ]);
    await expectMoneyAccounted(m);
    // sub_R2 is trialing: filtered (counted), so MRR is sub_R1's 1,200.00 only.
    expect(m.result.extracts.find((e) => e.extract === 'subscriptions')).toMatchObject({ rowsIn: 2, rowsFiltered: 1, rowsWritten: 1 });
    expect(await m.db.query(`SELECT sum(mrr) AS mrr FROM staging.stg_subscriptions WHERE end_date IS NULL`)).toEqual([{ mrr: 1200 }]);
  });
});
