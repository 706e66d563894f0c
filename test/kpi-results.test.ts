/**
 * Results marts (catalogue section 1): revenue and margin, growth, volume, basket, lifetime value and
 * segment mix, on the fixture company extended with a few invoices whose figures are worked out by
 * hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, company, type Built, type Company } from './helpers/models.js';

/**
 * The results company: the fixture company (A1 Or / ETI / Hauts-de-France, A2 Bronze / PME /
 * Bretagne, both owned by S2 of team Paris) plus A3 (Argent / Services / GE / Bretagne, no owner,
 * subscribed since 2023-06, i.e. before its first invoice: not a new customer).
 *
 *   invoice  date        account  lines (product line, code, qty × price, discount → net; cost = qty × unit cost)
 *   F0       2023-10-01  A2       Formation FOR-1 1 × 300 → 300; cost 100
 *   F1       2023-11-20  A1 (O1)  Logiciel LOG-PRO 10 × 1200 → 12000; cost 2400           (fixture)
 *   AV1      2023-12-20  A1 (O1)  credit note: Logiciel LOG-PRO −1 × 1200 → −1200; cost −240 (moved from 12-05)
 *   F2       2024-01-10  A2       Logiciel LOG-STD 2 × 500 → 1000; cost 200 / Services SRV-INST 1 × 800 → 800; cost 500
 *   F3       2024-11-04  A3       Logiciel LOG-PRO 1 × 1500 → 1500; cost 240 (no seller: 'Non attribué')
 *   F5       2024-11-28  A2       Formation FOR-1 1 × 300 → 300; cost 100
 *   F4       2024-12-06  A1       Logiciel LOG-PRO 2 × 1200, −10 % → 2160; cost 480
 *
 * Total revenue 300 + 12000 − 1200 + 1800 + 1500 + 300 + 2160 = 16860; margin 200 + 9600 − 960 +
 * 1100 + 1260 + 200 + 1680 = 13080. First day of billing 2023-10-01; last day of the data 2024-12-06
 * (F4; deals, activities and leads are all earlier).
 */
const resultsCompany = (): Company => {
  const c = company();
  c.accounts!.push({ account_id: 'A3', account_name: 'Conseil Ouest', segment: 'Argent', industry: 'Services', employees: 6000, size_band: 'GE', region: 'Bretagne', status: 'customer', owner_seller_id: null, created_at: '2023-01-10' });
  c.subscriptions!.push({ subscription_id: 'SUB3', account_id: 'A3', product_line: 'Logiciel', plan_tier: 1, start_date: '2023-06-01', end_date: null, monthly_amount: 100 });
  c.invoices!.find((i) => i.invoice_id === 'AV1')!.invoice_date = '2023-12-20';
  const invoice = (invoice_id: string, account_id: string, invoice_date: string) =>
    c.invoices!.push({ invoice_id, account_id, opportunity_id: null, invoice_date, document_type: 'invoice', currency: 'EUR' });
  const line = (invoice_id: string, line_number: number, product_line: string, product_code: string, quantity: number, unit_price: number, discount_rate: number, net_amount: number, unit_cost: number) =>
    c.invoice_lines!.push({ invoice_id, line_number, product_line, product_code, quantity, unit_price, discount_rate, net_amount, unit_cost });
  invoice('F0', 'A2', '2023-10-01');
  line('F0', 1, 'Formation', 'FOR-1', 1, 300, 0, 300, 100);
  invoice('F2', 'A2', '2024-01-10');
  line('F2', 1, 'Logiciel', 'LOG-STD', 2, 500, 0, 1000, 100);
  line('F2', 2, 'Services', 'SRV-INST', 1, 800, 0, 800, 500);
  invoice('F3', 'A3', '2024-11-04');
  line('F3', 1, 'Logiciel', 'LOG-PRO', 1, 1500, 0, 1500, 240);
  invoice('F5', 'A2', '2024-11-28');
  line('F5', 1, 'Formation', 'FOR-1', 1, 300, 0, 300, 100);
  invoice('F4', 'A1', '2024-12-06');
  line('F4', 1, 'Logiciel', 'LOG-PRO', 2, 1200, 0.1, 2160, 240);
  return c;
};

let built: Built;
beforeAll(async () => { built = await buildModelsOn(resultsCompany()); });
afterAll(() => built?.db.close());
const q = (sql: string) => built.db.query(sql);

describe('revenue_and_margin', () => {
  it('sums revenue, cost and margin per month, segment, region, product line and seller', async () => {
    expect(await q(`SELECT month, segment, region, product_line, seller_id, seller_name, team, revenue, cost, margin, margin_rate,
        invoiced_amount, credited_amount, units, orders, credit_notes, customers FROM marts.revenue_and_margin ORDER BY month, product_line`)).toEqual([
      { month: '2023-10-01', segment: 'Bronze', region: 'Bretagne', product_line: 'Formation', seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', revenue: 300, cost: 100, margin: 200, margin_rate: 200 / 300, invoiced_amount: 300, credited_amount: 0, units: 1, orders: 1, credit_notes: 0, customers: 1 },
      { month: '2023-11-01', segment: 'Or', region: 'Hauts-de-France', product_line: 'Logiciel', seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', revenue: 12000, cost: 2400, margin: 9600, margin_rate: 0.8, invoiced_amount: 12000, credited_amount: 0, units: 10, orders: 1, credit_notes: 0, customers: 1 },
      // The credit note alone: negative revenue and cost, no order.
      { month: '2023-12-01', segment: 'Or', region: 'Hauts-de-France', product_line: 'Logiciel', seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', revenue: -1200, cost: -240, margin: -960, margin_rate: 0.8, invoiced_amount: 0, credited_amount: -1200, units: -1, orders: 0, credit_notes: 1, customers: 1 },
      // F2 has lines in two product lines: one order in each.
      { month: '2024-01-01', segment: 'Bronze', region: 'Bretagne', product_line: 'Logiciel', seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', revenue: 1000, cost: 200, margin: 800, margin_rate: 0.8, invoiced_amount: 1000, credited_amount: 0, units: 2, orders: 1, credit_notes: 0, customers: 1 },
      { month: '2024-01-01', segment: 'Bronze', region: 'Bretagne', product_line: 'Services', seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', revenue: 800, cost: 500, margin: 300, margin_rate: 0.375, invoiced_amount: 800, credited_amount: 0, units: 1, orders: 1, credit_notes: 0, customers: 1 },
      { month: '2024-11-01', segment: 'Bronze', region: 'Bretagne', product_line: 'Formation', seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', revenue: 300, cost: 100, margin: 200, margin_rate: 200 / 300, invoiced_amount: 300, credited_amount: 0, units: 1, orders: 1, credit_notes: 0, customers: 1 },
      // A3 has no owner and F3 no deal: credited to no seller.
      { month: '2024-11-01', segment: 'Argent', region: 'Bretagne', product_line: 'Logiciel', seller_id: 'Non attribué', seller_name: 'Non attribué', team: 'Non attribué', revenue: 1500, cost: 240, margin: 1260, margin_rate: 0.84, invoiced_amount: 1500, credited_amount: 0, units: 1, orders: 1, credit_notes: 0, customers: 1 },
      { month: '2024-12-01', segment: 'Or', region: 'Hauts-de-France', product_line: 'Logiciel', seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', revenue: 2160, cost: 480, margin: 1680, margin_rate: 1680 / 2160, invoiced_amount: 2160, credited_amount: 0, units: 2, orders: 1, credit_notes: 0, customers: 1 },
    ].sort((a, b) => a.month.localeCompare(b.month) || a.product_line.localeCompare(b.product_line)));
    expect(await q('SELECT sum(revenue) AS revenue, sum(margin) AS margin FROM marts.revenue_and_margin')).toEqual([{ revenue: 16860, margin: 13080 }]);
  });

  it('splits revenue by industry and size band in revenue_by_customer_profile', async () => {
    // November 2024: F3 (A3, Argent / Services / GE) 1500, margin 1260; F5 (A2, Bronze / Distribution / PME) 300, margin 200.
    expect(await q(`SELECT segment, industry, size_band, region, revenue, margin, margin_rate, orders, customers
        FROM marts.revenue_by_customer_profile WHERE month = DATE '2024-11-01' ORDER BY segment`)).toEqual([
      { segment: 'Argent', industry: 'Services', size_band: 'GE', region: 'Bretagne', revenue: 1500, margin: 1260, margin_rate: 0.84, orders: 1, customers: 1 },
      { segment: 'Bronze', industry: 'Distribution', size_band: 'PME', region: 'Bretagne', revenue: 300, margin: 200, margin_rate: 200 / 300, orders: 1, customers: 1 },
    ]);
    // January 2024: F2 is one order of 1800 (two lines).
    expect(await q(`SELECT revenue, orders FROM marts.revenue_by_customer_profile WHERE month = DATE '2024-01-01'`)).toEqual([{ revenue: 1800, orders: 1 }]);
  });
});

describe('revenue_growth', () => {
  const growth = (periodType: string, periodStart: string, segment = 'Tous les segments') => q(`
    SELECT is_complete_period, observed_end, revenue, previous_period_revenue, revenue_change_pop, growth_pop,
           same_period_last_year_revenue, revenue_change_yoy, growth_yoy
    FROM marts.revenue_growth WHERE period_type = '${periodType}' AND period_start = DATE '${periodStart}' AND segment = '${segment}'`);

  it('lists every period and segment of the data window', async () => {
    // The window opens on the first event of the data (lead L1, 2023-09-12), not the first invoice:
    // months 2023-09 … 2024-12 (16), quarters 2023-Q3 … 2024-Q4 (6), years 2023 and 2024 (2,
    // calendar years: the fixture's fiscal year starts in January); × 4 segments.
    expect(await q(`SELECT period_type, count(*) AS n FROM marts.revenue_growth GROUP BY ALL ORDER BY period_type`)).toEqual([
      { period_type: 'month', n: 64 }, { period_type: 'quarter', n: 24 }, { period_type: 'year', n: 8 },
    ]);
  });

  it('compares a complete month with the previous one and with the same month last year', async () => {
    // November 2024: F3 1500 + F5 300 = 1800. October 2024: nothing billed → 0, growth undefined.
    // November 2023: F1 12000 → change −10200, growth −10200 / 12000 = −0.85.
    expect(await growth('month', '2024-11-01')).toEqual([{
      is_complete_period: true, observed_end: '2024-11-30', revenue: 1800, previous_period_revenue: 0, revenue_change_pop: 1800, growth_pop: null,
      same_period_last_year_revenue: 12000, revenue_change_yoy: -10200, growth_yoy: -0.85,
    }]);
    // November 2023 against October 2023 (F0 300): (12000 − 300) / 300 = 39; no year before the data.
    expect(await growth('month', '2023-11-01')).toEqual([{
      is_complete_period: true, observed_end: '2023-11-30', revenue: 12000, previous_period_revenue: 300, revenue_change_pop: 11700, growth_pop: 39,
      same_period_last_year_revenue: null, revenue_change_yoy: null, growth_yoy: null,
    }]);
  });

  it('compares the period in progress like for like, over the same number of days', async () => {
    // December 2024 is observed 1–6 December (F4 2160). Previous: 1–6 November 2024 = F3 1500 (F5 on
    // the 28th is left out) → +660, 660 / 1500 = 0.44. Last year: 1–6 December 2023 = 0 (AV1 is on the 20th).
    expect(await growth('month', '2024-12-01')).toEqual([{
      is_complete_period: false, observed_end: '2024-12-06', revenue: 2160, previous_period_revenue: 1500, revenue_change_pop: 660, growth_pop: 0.44,
      same_period_last_year_revenue: 0, revenue_change_yoy: 2160, growth_yoy: null,
    }]);
    // Q4 2024 is observed 1 October – 6 December (day 67): 1500 + 300 + 2160 = 3960. Q3 2024 cut to
    // 1 July – 5 September: 0. Q4 2023 cut to 1 October – 6 December 2023: F0 300 + F1 12000 = 12300
    // (the full quarter would be 11100 with AV1) → −8340, −8340 / 12300.
    expect(await growth('quarter', '2024-10-01')).toEqual([{
      is_complete_period: false, observed_end: '2024-12-06', revenue: 3960, previous_period_revenue: 0, revenue_change_pop: 3960, growth_pop: null,
      same_period_last_year_revenue: 12300, revenue_change_yoy: -8340, growth_yoy: -8340 / 12300,
    }]);
    // 2024 against 2023: 2023 starts before the first invoice (2023-10-01), so no comparison.
    expect(await growth('year', '2024-01-01')).toEqual([{
      is_complete_period: false, observed_end: '2024-12-06', revenue: 5760, previous_period_revenue: null, revenue_change_pop: null, growth_pop: null,
      same_period_last_year_revenue: null, revenue_change_yoy: null, growth_yoy: null,
    }]);
  });

  it('gives growth per segment', async () => {
    // Or, November 2024: nothing (0); November 2023: F1 12000 → change −12000, growth −1.
    expect(await growth('month', '2024-11-01', 'Or')).toEqual([{
      is_complete_period: true, observed_end: '2024-11-30', revenue: 0, previous_period_revenue: 0, revenue_change_pop: 0, growth_pop: null,
      same_period_last_year_revenue: 12000, revenue_change_yoy: -12000, growth_yoy: -1,
    }]);
  });
});

describe('sales_volume', () => {
  it('counts units per product and region, credit notes deducted', async () => {
    expect(await q(`SELECT month, product_code, region, segment, units, units_invoiced, units_credited, revenue
        FROM marts.sales_volume WHERE product_code = 'LOG-PRO' ORDER BY month`)).toEqual([
      { month: '2023-11-01', product_code: 'LOG-PRO', region: 'Hauts-de-France', segment: 'Or', units: 10, units_invoiced: 10, units_credited: 0, revenue: 12000 },
      { month: '2023-12-01', product_code: 'LOG-PRO', region: 'Hauts-de-France', segment: 'Or', units: -1, units_invoiced: 0, units_credited: 1, revenue: -1200 },
      { month: '2024-11-01', product_code: 'LOG-PRO', region: 'Bretagne', segment: 'Argent', units: 1, units_invoiced: 1, units_credited: 0, revenue: 1500 },
      { month: '2024-12-01', product_code: 'LOG-PRO', region: 'Hauts-de-France', segment: 'Or', units: 2, units_invoiced: 2, units_credited: 0, revenue: 2160 },
    ]);
    // Every unit of every line: 1 + 10 − 1 + 2 + 1 + 1 + 1 + 2 = 17.
    expect(await q('SELECT sum(units) AS units FROM marts.sales_volume')).toEqual([{ units: 17 }]);
  });
});

describe('average_basket', () => {
  it('divides revenue by orders per segment and size band', async () => {
    expect(await q('SELECT month, segment, size_band, revenue, orders, average_basket, customers FROM marts.average_basket ORDER BY month, segment')).toEqual([
      { month: '2023-10-01', segment: 'Bronze', size_band: 'PME', revenue: 300, orders: 1, average_basket: 300, customers: 1 },
      { month: '2023-11-01', segment: 'Or', size_band: 'ETI', revenue: 12000, orders: 1, average_basket: 12000, customers: 1 },
      // A month with only a credit note has no order: no basket (not −1200, not 0).
      { month: '2023-12-01', segment: 'Or', size_band: 'ETI', revenue: -1200, orders: 0, average_basket: null, customers: 1 },
      // F2: one order of two lines, 1000 + 800.
      { month: '2024-01-01', segment: 'Bronze', size_band: 'PME', revenue: 1800, orders: 1, average_basket: 1800, customers: 1 },
      { month: '2024-11-01', segment: 'Argent', size_band: 'GE', revenue: 1500, orders: 1, average_basket: 1500, customers: 1 },
      { month: '2024-11-01', segment: 'Bronze', size_band: 'PME', revenue: 300, orders: 1, average_basket: 300, customers: 1 },
      { month: '2024-12-01', segment: 'Or', size_band: 'ETI', revenue: 2160, orders: 1, average_basket: 2160, customers: 1 },
    ]);
  });
});

describe('customer_lifetime_value', () => {
  it('averages revenue and margin since the first purchase, all customers and new customers', async () => {
    // A1 (Or): first purchase F1 2023-11-20; lifetime revenue 12000 − 1200 + 2160 = 12960, margin 9600 − 960 + 1680 = 10320;
    //   first year (to 2024-11-18): 9600 − 960 = 8640, complete (ends before 2024-12-06); observed 383 days.
    // A2 (Bronze): first purchase F0 2023-10-01; lifetime 300 + 1800 + 300 = 2400, margin 200 + 1100 + 200 = 1500;
    //   first year (to 2024-09-29): 200 + 1100 = 1300, complete; observed 433 days.
    // A3 (Argent): first purchase F3 2024-11-04, 1500 / 1260; subscribed since 2023-06: not a new customer.
    expect(await q(`SELECT * FROM marts.customer_lifetime_value ORDER BY segment`)).toEqual([
      { segment: 'Argent', customers: 1, lifetime_revenue: 1500, lifetime_margin: 1260, avg_lifetime_revenue: 1500, avg_lifetime_margin: 1260,
        new_customers: 0, new_customer_lifetime_revenue: 0, new_customer_lifetime_margin: 0, avg_new_customer_lifetime_revenue: null, avg_new_customer_lifetime_margin: null,
        avg_new_customer_observed_months: null, first_year_complete_customers: 0, first_year_margin: 0, avg_first_year_margin: null },
      { segment: 'Bronze', customers: 1, lifetime_revenue: 2400, lifetime_margin: 1500, avg_lifetime_revenue: 2400, avg_lifetime_margin: 1500,
        new_customers: 1, new_customer_lifetime_revenue: 2400, new_customer_lifetime_margin: 1500, avg_new_customer_lifetime_revenue: 2400, avg_new_customer_lifetime_margin: 1500,
        avg_new_customer_observed_months: 433 / (365.25 / 12), first_year_complete_customers: 1, first_year_margin: 1300, avg_first_year_margin: 1300 },
      { segment: 'Or', customers: 1, lifetime_revenue: 12960, lifetime_margin: 10320, avg_lifetime_revenue: 12960, avg_lifetime_margin: 10320,
        new_customers: 1, new_customer_lifetime_revenue: 12960, new_customer_lifetime_margin: 10320, avg_new_customer_lifetime_revenue: 12960, avg_new_customer_lifetime_margin: 10320,
        avg_new_customer_observed_months: 383 / (365.25 / 12), first_year_complete_customers: 1, first_year_margin: 8640, avg_first_year_margin: 8640 },
      { segment: 'Tous les segments', customers: 3, lifetime_revenue: 16860, lifetime_margin: 13080, avg_lifetime_revenue: 5620, avg_lifetime_margin: 4360,
        new_customers: 2, new_customer_lifetime_revenue: 15360, new_customer_lifetime_margin: 11820, avg_new_customer_lifetime_revenue: 7680, avg_new_customer_lifetime_margin: 5910,
        avg_new_customer_observed_months: 408 / (365.25 / 12), first_year_complete_customers: 2, first_year_margin: 9940, avg_first_year_margin: 4970 },
    ]);
  });
});

describe('segment_mix_vs_plan', () => {
  it('sets each segment\'s share of the year against the target mix', async () => {
    // 2023: Or 12000 − 1200 = 10800, Bronze 300, Argent 0 → 11100. 2024: Or 2160, Argent 1500, Bronze 1800 + 300 = 2100 → 5760.
    // Targets (defaults): Or 35 %, Argent 40 %, Bronze 25 %.
    const rows = await q('SELECT year, segment, is_complete_year, revenue, year_revenue, revenue_share, target_share, share_gap FROM marts.segment_mix_vs_plan ORDER BY year, segment');
    expect(rows).toEqual([
      { year: '2023-01-01', segment: 'Argent', is_complete_year: false, revenue: 0, year_revenue: 11100, revenue_share: 0, target_share: 0.4, share_gap: -0.4 },
      { year: '2023-01-01', segment: 'Bronze', is_complete_year: false, revenue: 300, year_revenue: 11100, revenue_share: 300 / 11100, target_share: 0.25, share_gap: expect.closeTo(300 / 11100 - 0.25, 12) },
      { year: '2023-01-01', segment: 'Or', is_complete_year: false, revenue: 10800, year_revenue: 11100, revenue_share: 10800 / 11100, target_share: 0.35, share_gap: expect.closeTo(10800 / 11100 - 0.35, 12) },
      { year: '2024-01-01', segment: 'Argent', is_complete_year: false, revenue: 1500, year_revenue: 5760, revenue_share: 1500 / 5760, target_share: 0.4, share_gap: expect.closeTo(1500 / 5760 - 0.4, 12) },
      { year: '2024-01-01', segment: 'Bronze', is_complete_year: false, revenue: 2100, year_revenue: 5760, revenue_share: 2100 / 5760, target_share: 0.25, share_gap: expect.closeTo(2100 / 5760 - 0.25, 12) },
      { year: '2024-01-01', segment: 'Or', is_complete_year: false, revenue: 2160, year_revenue: 5760, revenue_share: 0.375, target_share: 0.35, share_gap: expect.closeTo(0.025, 12) },
    ]);
  });
});

describe('glossary', () => {
  it('publishes the results KPIs with their numerators and denominators', async () => {
    expect(await q(`SELECT kpi, model, unit, numerator, denominator, available FROM marts.kpi_glossary
        WHERE model IN ('marts.revenue_and_margin', 'marts.revenue_by_customer_profile', 'marts.revenue_growth', 'marts.sales_volume',
                        'marts.average_basket', 'marts.customer_lifetime_value', 'marts.segment_mix_vs_plan') ORDER BY model, kpi`)).toEqual([
      { kpi: 'Average basket', model: 'marts.average_basket', unit: 'EUR', numerator: 'revenue', denominator: 'orders', available: true },
      { kpi: 'Customer lifetime value', model: 'marts.customer_lifetime_value', unit: 'EUR', numerator: 'lifetime_revenue', denominator: 'customers', available: true },
      { kpi: 'First-year margin per new customer', model: 'marts.customer_lifetime_value', unit: 'EUR', numerator: 'first_year_margin', denominator: 'first_year_complete_customers', available: true },
      { kpi: 'Gross margin', model: 'marts.revenue_and_margin', unit: 'rate', numerator: 'margin', denominator: 'revenue', available: true },
      { kpi: 'Orders', model: 'marts.revenue_and_margin', unit: 'count', numerator: null, denominator: null, available: true },
      { kpi: 'Revenue', model: 'marts.revenue_and_margin', unit: 'EUR', numerator: null, denominator: null, available: true },
      { kpi: 'Gross margin by customer profile', model: 'marts.revenue_by_customer_profile', unit: 'rate', numerator: 'margin', denominator: 'revenue', available: true },
      { kpi: 'Revenue by customer profile', model: 'marts.revenue_by_customer_profile', unit: 'EUR', numerator: null, denominator: null, available: true },
      { kpi: 'Revenue growth (period over period)', model: 'marts.revenue_growth', unit: 'rate', numerator: 'revenue_change_pop', denominator: 'previous_period_revenue', available: true },
      { kpi: 'Revenue growth (year over year)', model: 'marts.revenue_growth', unit: 'rate', numerator: 'revenue_change_yoy', denominator: 'same_period_last_year_revenue', available: true },
      { kpi: 'Sales volume', model: 'marts.sales_volume', unit: 'count', numerator: null, denominator: null, available: true },
      { kpi: 'Segment mix vs plan', model: 'marts.segment_mix_vs_plan', unit: 'rate', numerator: 'revenue', denominator: 'year_revenue', available: true },
    ]);
  });
});

describe('without billing', () => {
  /**
   * The fixture company with billing, subscriptions and referrals left out, and three more deals:
   * O2 won on A2 (Bronze) for 3,000 on 2024-02-10, O3 lost on A1 for 5,000, O4 still open on A2.
   * Revenue is booked from the won deals: O1 12,000 (A1 Or, closed 2023-11-15) + O2 3,000 = 15,000.
   */
  const crmOnly = () => {
    const c = company();
    c.opportunities!.push(
      { opportunity_id: 'O2', account_id: 'A2', lead_id: null, owner_seller_id: 'S2', product_line: 'Service', amount: 3000, origin: 'sales', created_at: '2024-01-05', closed_at: '2024-02-10', stage: 'won', loss_reason: null },
      { opportunity_id: 'O3', account_id: 'A1', lead_id: null, owner_seller_id: 'S2', product_line: 'Logiciel', amount: 5000, origin: 'sales', created_at: '2023-12-01', closed_at: '2024-01-20', stage: 'lost', loss_reason: 'prix' },
      { opportunity_id: 'O4', account_id: 'A2', lead_id: null, owner_seller_id: 'S2', product_line: 'Logiciel', amount: 7000, origin: 'sales', created_at: '2024-02-01', closed_at: null, stage: 'proposal', loss_reason: null },
    );
    return c;
  };
  let built: Built;
  beforeAll(async () => {
    built = await buildModelsOn(crmOnly(), { notProvided: ['invoices', 'invoice_lines', 'subscriptions', 'referrals'] });
  }, 60_000);
  afterAll(() => built?.db.close());
  const q = (sql: string) => built.db.query(sql);

  it('books revenue from the won deals at their close date, with no cost, margin or units', async () => {
    expect(await q(`SELECT invoice_date, account_id, segment, seller_id, revenue, cost, margin, quantity, revenue_basis
      FROM intermediate.int_revenue_lines ORDER BY invoice_date`)).toEqual([
      { invoice_date: '2023-11-15', account_id: 'A1', segment: 'Or', seller_id: 'S2', revenue: 12000, cost: null, margin: null, quantity: null, revenue_basis: 'booked' },
      { invoice_date: '2024-02-10', account_id: 'A2', segment: 'Bronze', seller_id: 'S2', revenue: 3000, cost: null, margin: null, quantity: null, revenue_basis: 'booked' },
    ]);
    expect(await q(`SELECT month, segment, sum(revenue) AS revenue, sum(margin) AS margin, sum(orders) AS orders
      FROM marts.revenue_and_margin GROUP BY ALL ORDER BY month`)).toEqual([
      { month: '2023-11-01', segment: 'Or', revenue: 12000, margin: null, orders: 1 },
      { month: '2024-02-01', segment: 'Bronze', revenue: 3000, margin: null, orders: 1 },
    ]);
    // Units are known from invoice lines only: no row rather than a zero.
    expect(await q('SELECT count(*) AS n FROM marts.sales_volume')).toEqual([{ n: 0 }]);
    // Margin of a period is unknown, not zero; revenue is there.
    expect(await q(`SELECT revenue, margin FROM marts.revenue_growth
      WHERE period_type = 'year' AND period_start = DATE '2024-01-01' AND segment = 'Tous les segments'`)).toEqual([{ revenue: 3000, margin: null }]);
  });

  it('reconciles revenue to the won deals instead of billing', async () => {
    expect(await q(`SELECT check_name, status, model_figure, billing_figure FROM marts.reconciliation
      WHERE check_name IN ('revenue_total', 'revenue_vs_bookings') ORDER BY check_name`)).toEqual([
      { check_name: 'revenue_total', status: 'not_applicable', model_figure: null, billing_figure: null },
      { check_name: 'revenue_vs_bookings', status: 'pass', model_figure: 15000, billing_figure: 15000 },
    ]);
  });

  it('publishes revenue KPIs as booked, and margin and billing-only KPIs as unavailable', async () => {
    const reason = 'extractions non fournies (ou vides) : Lignes de facture, Factures';
    expect(await q(`SELECT kpi, available, unavailable_reason, revenue_basis, basis_note IS NOT NULL AS noted FROM marts.kpi_glossary
      WHERE kpi IN ('Revenue', 'Average basket', 'Gross margin', 'Customer lifetime value', 'Sales volume', 'Revenue by seller') ORDER BY kpi`)).toEqual([
      { kpi: 'Average basket', available: true, unavailable_reason: null, revenue_basis: 'booked', noted: true },
      { kpi: 'Customer lifetime value', available: false, unavailable_reason: reason, revenue_basis: null, noted: false },
      { kpi: 'Gross margin', available: false, unavailable_reason: reason, revenue_basis: null, noted: false },
      { kpi: 'Revenue', available: true, unavailable_reason: null, revenue_basis: 'booked', noted: true },
      { kpi: 'Revenue by seller', available: true, unavailable_reason: null, revenue_basis: 'booked', noted: true },
      { kpi: 'Sales volume', available: false, unavailable_reason: reason, revenue_basis: null, noted: false },
    ]);
    // Margin-based marts publish no figure rather than zeros.
    expect(await q('SELECT count(*) AS n FROM marts.customer_lifetime_value')).toEqual([{ n: 0 }]);
  });
});
