/**
 * Customers after the sale (catalogue section 6): churn, upsell and cross-sell, second sale within
 * 90 days and referral within 6 months, on the fixture company plus the accounts below, every
 * figure worked out by hand.
 *
 * THE CUSTOMER COMPANY (fixture: A1 Or, deal O1 invoiced 2023-11-20, subscription SUB1 Logiciel
 * tier 2 since 2023-12-01 at 450/month, valid referral R1 on 2024-02-01)
 *   Subscriptions only (no invoice), all since 2023-06-01, Logiciel unless said:
 *     B1 Or      tier 1, 100/month, ends 2024-03-31          → lost in April
 *     B2 Or      tier 1, 200/month, ends 2024-03-15          → lost in March
 *     B3 Or      tier 1, 300/month, ends 2024-02-29, then tier 2 at 500 from 2024-03-01 → upsell in March
 *     B4 Or      tier 2, 400/month, ends 2024-03-10, then tier 1 at 150 from 2024-03-11 → contraction 250
 *     B5 Bronze  tier 1, 50/month; adds Services at 80 on 2024-03-15               → cross-sell
 *     B6 Bronze  tier 1, 60/month, ends 2024-03-05; Services at 70 from 2024-03-20  → kept, cross-sell
 *     E1 Or      tier 1, 300/month since 2022-01-01, billed from 2023-12-01: a customer from before the
 *                billing extract, so never a "new customer"
 *   Invoices without subscription: A3 Argent (Formation 2023-11-15; Services + Formation 2024-03-10),
 *   A4 Argent (Logiciel 2023-01-10, more than 365 days before March 2024; Matériel 2024-03-20).
 *   April 2024 cohort (Bronze, deals owned by S2 except OD4 by S1):
 *     D1 deal OD1 2024-04-10, its second instalment 2024-05-10, subscription billing 2024-05-01 → no second sale
 *     D2 deal OD2a 2024-04-15, another deal OD2b 2024-07-14 (day 90)                            → second sale
 *     D3 deal OD3a 2024-04-20, another deal OD3b 2024-07-20 (day 91)                            → no
 *     D4 deal OD4 2024-04-25 (S1), a one-off Formation invoice without deal 2024-05-15         → second sale
 *     D5 two deals invoiced the same first day 2024-04-05                                       → no
 *   Data runs to 2024-12-31 (an admin task of S1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, company, type Built, type Company } from './helpers/models.js';

const account = (account_id: string, segment: string) => ({
  account_id, account_name: `Société ${account_id}`, segment, industry: 'Commerce', employees: 30, size_band: 'PME', region: 'Occitanie',
  status: 'customer', owner_seller_id: 'S2', created_at: '2021-06-01',
});
const sub = (subscription_id: string, account_id: string, product_line: string, plan_tier: number, start_date: string, end_date: string | null, monthly_amount: number) =>
  ({ subscription_id, account_id, product_line, plan_tier, start_date, end_date, monthly_amount });
const deal = (opportunity_id: string, account_id: string, closed_at: string, owner = 'S2') => ({
  opportunity_id, account_id, lead_id: null, owner_seller_id: owner, product_line: 'Logiciel', amount: 1000, origin: 'sales',
  created_at: '2024-03-01', closed_at, stage: 'won', loss_reason: null,
});
/** One invoice with one line per [product line, amount]. */
const invoice = (c: Company, invoice_id: string, account_id: string, opportunity_id: string | null, invoice_date: string, lines: [string, number][]) => {
  c.invoices!.push({ invoice_id, account_id, opportunity_id, invoice_date, document_type: 'invoice', currency: 'EUR' });
  lines.forEach(([product_line, net], i) => c.invoice_lines!.push({
    invoice_id, line_number: i + 1, product_line, product_code: 'X', quantity: 1, unit_price: net, discount_rate: 0, net_amount: net, unit_cost: net / 2,
  }));
};

const customerCompany = (): Company => {
  const c = company();
  c.accounts!.push(
    account('B1', 'Or'), account('B2', 'Or'), account('B3', 'Or'), account('B4', 'Or'), account('B5', 'Bronze'), account('B6', 'Bronze'),
    account('E1', 'Or'), account('A3', 'Argent'), account('A4', 'Argent'),
    account('D1', 'Bronze'), account('D2', 'Bronze'), account('D3', 'Bronze'), account('D4', 'Bronze'), account('D5', 'Bronze'),
  );
  c.subscriptions!.push(
    sub('SB1', 'B1', 'Logiciel', 1, '2023-06-01', '2024-03-31', 100),
    sub('SB2', 'B2', 'Logiciel', 1, '2023-06-01', '2024-03-15', 200),
    sub('SB3a', 'B3', 'Logiciel', 1, '2023-06-01', '2024-02-29', 300),
    sub('SB3b', 'B3', 'Logiciel', 2, '2024-03-01', null, 500),
    sub('SB4a', 'B4', 'Logiciel', 2, '2023-06-01', '2024-03-10', 400),
    sub('SB4b', 'B4', 'Logiciel', 1, '2024-03-11', null, 150),
    sub('SB5a', 'B5', 'Logiciel', 1, '2023-06-01', null, 50),
    sub('SB5b', 'B5', 'Services', 1, '2024-03-15', null, 80),
    sub('SB6a', 'B6', 'Logiciel', 1, '2023-06-01', '2024-03-05', 60),
    sub('SB6b', 'B6', 'Services', 1, '2024-03-20', null, 70),
    sub('SE1', 'E1', 'Logiciel', 1, '2022-01-01', null, 300),
    sub('SD1', 'D1', 'Logiciel', 1, '2024-05-01', null, 100),
  );
  c.opportunities!.push(
    // Signed for 1 500, billed in two instalments (1 000 + 500), so billing matches the deal.
    { ...deal('OD1', 'D1', '2024-04-01'), amount: 1500 }, deal('OD2a', 'D2', '2024-04-01'), deal('OD2b', 'D2', '2024-07-01'), deal('OD3a', 'D3', '2024-04-01'),
    deal('OD3b', 'D3', '2024-07-01'), deal('OD4', 'D4', '2024-04-01', 'S1'), deal('OD5a', 'D5', '2024-04-01'), deal('OD5b', 'D5', '2024-04-01'),
  );
  invoice(c, 'IE1', 'E1', null, '2023-12-01', [['Logiciel', 300]]);
  invoice(c, 'I3a', 'A3', null, '2023-11-15', [['Formation', 1000]]);
  invoice(c, 'I3b', 'A3', null, '2024-03-10', [['Services', 2000], ['Formation', 500]]);
  invoice(c, 'I4a', 'A4', null, '2023-01-10', [['Logiciel', 800]]);
  invoice(c, 'I4b', 'A4', null, '2024-03-20', [['Matériel', 900]]);
  invoice(c, 'ID1a', 'D1', 'OD1', '2024-04-10', [['Logiciel', 1000]]);
  invoice(c, 'ID1b', 'D1', 'OD1', '2024-05-10', [['Logiciel', 500]]);
  invoice(c, 'ID1c', 'D1', null, '2024-05-01', [['Logiciel', 100]]);
  invoice(c, 'ID2a', 'D2', 'OD2a', '2024-04-15', [['Logiciel', 1000]]);
  invoice(c, 'ID2b', 'D2', 'OD2b', '2024-07-14', [['Logiciel', 1000]]);
  invoice(c, 'ID3a', 'D3', 'OD3a', '2024-04-20', [['Logiciel', 1000]]);
  invoice(c, 'ID3b', 'D3', 'OD3b', '2024-07-20', [['Logiciel', 1000]]);
  invoice(c, 'ID4a', 'D4', 'OD4', '2024-04-25', [['Logiciel', 1000]]);
  invoice(c, 'ID4b', 'D4', null, '2024-05-15', [['Formation', 400]]);
  invoice(c, 'ID5a', 'D5', 'OD5a', '2024-04-05', [['Logiciel', 1000]]);
  invoice(c, 'ID5b', 'D5', 'OD5b', '2024-04-05', [['Logiciel', 1000]]);
  c.referrals!.push(
    { referral_id: 'RD1', referrer_account_id: 'D1', referred_account_id: null, referred_lead_id: null, referred_at: '2024-10-10', is_valid: true }, // day 10 Apr + 6 months: counts
    { referral_id: 'RD2', referrer_account_id: 'D2', referred_account_id: null, referred_lead_id: null, referred_at: '2024-10-16', is_valid: true }, // 15 Apr + 6 months = 15 Oct: too late
    { referral_id: 'RD3', referrer_account_id: 'D3', referred_account_id: null, referred_lead_id: null, referred_at: '2024-05-01', is_valid: false }, // not valid
    { referral_id: 'RD5', referrer_account_id: 'D5', referred_account_id: null, referred_lead_id: null, referred_at: '2024-03-01', is_valid: true }, // before the first purchase
  );
  c.activities!.push({
    activity_id: 'ADM', seller_id: 'S1', type: 'admin', counterpart: 'internal', purpose: 'admin', direction: 'internal', account_id: null, lead_id: null,
    opportunity_id: null, scheduled_at: '2024-12-31 09:00:00', status: 'held', duration_minutes: 30, outcome: null, rebooked_activity_id: null,
  });
  return c;
};

const q = (built: Built, sql: string) => built.db.query(sql);

describe('customer KPIs on the customer company', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(customerCompany()); });
  afterAll(() => built?.db.close());

  it('builds with every data test passing; E1, subscribed before billing starts, is not a new customer', async () => {
    expect(built.run.tests.filter((t) => t.failures > 0)).toEqual([]);
    expect(await q(built, `SELECT account_id, first_purchase_date, is_new_customer FROM intermediate.int_customers WHERE account_id IN ('A1', 'E1') ORDER BY 1`)).toEqual([
      { account_id: 'A1', first_purchase_date: '2023-11-20', is_new_customer: true },
      { account_id: 'E1', first_purchase_date: '2023-12-01', is_new_customer: false },
    ]);
  });

  it('churn: customers and MRR lost, per segment', async () => {
    // March 2024 — customers active on 29 February:
    //   Or: A1 450, B1 100, B2 200, B3 300, B4 400, E1 300 → 6 customers, MRR 1 750. On 31 March B2 has
    //   nothing left: 1 lost (200). B4 kept at 150 instead of 400: contraction 250. B3 went up (300 → 500):
    //   no loss. Lost MRR 450 / 1 750. Subscriptions ended in March: B2 200 + B3 300 + B4 400 = 900.
    //   Bronze: B5 50, B6 60 → 2, none lost (B6 replaced its subscription), no contraction; B6's 60 ended.
    //   Argent: no subscription → 0 customers, rate NULL.
    // April 2024, Or — active on 31 March: A1, B1 (its last day), B3 500, B4 150, E1 → 5, MRR 1 500; B1 lost (100).
    const rows = await q(built, `SELECT period_type, period_start, segment, customers_at_start, customers_lost, churn_rate, mrr_at_start, churned_mrr, contraction_mrr,
        lost_mrr, ended_subscriptions_mrr FROM marts.churn
      WHERE (period_type = 'month' AND period_start IN ('2024-03-01', '2024-04-01')) OR (period_type = 'quarter' AND period_start = '2024-01-01')
      ORDER BY period_type, period_start, segment`);
    expect(rows).toEqual([
      { period_type: 'month', period_start: '2024-03-01', segment: 'Argent', customers_at_start: 0, customers_lost: 0, churn_rate: null, mrr_at_start: 0, churned_mrr: 0, contraction_mrr: 0, lost_mrr: 0, ended_subscriptions_mrr: 0 },
      { period_type: 'month', period_start: '2024-03-01', segment: 'Bronze', customers_at_start: 2, customers_lost: 0, churn_rate: 0, mrr_at_start: 110, churned_mrr: 0, contraction_mrr: 0, lost_mrr: 0, ended_subscriptions_mrr: 60 },
      { period_type: 'month', period_start: '2024-03-01', segment: 'Or', customers_at_start: 6, customers_lost: 1, churn_rate: 1 / 6, mrr_at_start: 1750, churned_mrr: 200, contraction_mrr: 250, lost_mrr: 450, ended_subscriptions_mrr: 900 },
      { period_type: 'month', period_start: '2024-04-01', segment: 'Argent', customers_at_start: 0, customers_lost: 0, churn_rate: null, mrr_at_start: 0, churned_mrr: 0, contraction_mrr: 0, lost_mrr: 0, ended_subscriptions_mrr: 0 },
      { period_type: 'month', period_start: '2024-04-01', segment: 'Bronze', customers_at_start: 2, customers_lost: 0, churn_rate: 0, mrr_at_start: 200, churned_mrr: 0, contraction_mrr: 0, lost_mrr: 0, ended_subscriptions_mrr: 0 },
      { period_type: 'month', period_start: '2024-04-01', segment: 'Or', customers_at_start: 5, customers_lost: 1, churn_rate: 0.2, mrr_at_start: 1500, churned_mrr: 100, contraction_mrr: 0, lost_mrr: 100, ended_subscriptions_mrr: 100 },
      // Q1 2024 (active on 31 December 2023, seen on 31 March) is March again for Or and Bronze.
      { period_type: 'quarter', period_start: '2024-01-01', segment: 'Argent', customers_at_start: 0, customers_lost: 0, churn_rate: null, mrr_at_start: 0, churned_mrr: 0, contraction_mrr: 0, lost_mrr: 0, ended_subscriptions_mrr: 0 },
      { period_type: 'quarter', period_start: '2024-01-01', segment: 'Bronze', customers_at_start: 2, customers_lost: 0, churn_rate: 0, mrr_at_start: 110, churned_mrr: 0, contraction_mrr: 0, lost_mrr: 0, ended_subscriptions_mrr: 60 },
      { period_type: 'quarter', period_start: '2024-01-01', segment: 'Or', customers_at_start: 6, customers_lost: 1, churn_rate: 1 / 6, mrr_at_start: 1750, churned_mrr: 200, contraction_mrr: 250, lost_mrr: 450, ended_subscriptions_mrr: 900 },
    ]);
    const [march] = await q(built, `SELECT revenue_churn_rate FROM marts.churn WHERE period_type = 'month' AND period_start = '2024-03-01' AND segment = 'Or'`);
    expect(march!.revenue_churn_rate).toBeCloseTo(450 / 1750, 12);
  });

  it('upsell and cross-sell: higher tier on the same line, a product line never bought before', async () => {
    // March 2024 — customers on 1 March (subscription active on 29 February, or invoiced from 2 March 2023):
    //   Or: A1 B1 B2 B3 B4 E1 = 6; upsell B3 (tier 1 → 2); B4 went down (not an upsell); no new line.
    //   Bronze: B5 B6 = 2; both add Services → cross-sell 2.
    //   Argent: A3 (invoiced 2023-11-15) = 1; its first Services invoice on 10 March → cross-sell. A4's
    //   last invoice (2023-01-10) is more than 365 days old: not a customer at the start of March.
    // Q1 2024 — customers on 1 January (invoiced in 2023 counts): Argent A3 and A4, both buy a new line.
    const rows = await q(built, `SELECT period_type, segment, customers_at_start, upsell_customers, cross_sell_customers, expanding_customers
      FROM marts.upsell_cross_sell WHERE period_start = '2024-03-01' AND period_type = 'month' OR period_start = '2024-01-01' AND period_type = 'quarter'
      ORDER BY period_type, segment`);
    expect(rows).toEqual([
      { period_type: 'month', segment: 'Argent', customers_at_start: 1, upsell_customers: 0, cross_sell_customers: 1, expanding_customers: 1 },
      { period_type: 'month', segment: 'Bronze', customers_at_start: 2, upsell_customers: 0, cross_sell_customers: 2, expanding_customers: 2 },
      { period_type: 'month', segment: 'Or', customers_at_start: 6, upsell_customers: 1, cross_sell_customers: 0, expanding_customers: 1 },
      { period_type: 'quarter', segment: 'Argent', customers_at_start: 2, upsell_customers: 0, cross_sell_customers: 2, expanding_customers: 2 },
      { period_type: 'quarter', segment: 'Bronze', customers_at_start: 2, upsell_customers: 0, cross_sell_customers: 2, expanding_customers: 2 },
      { period_type: 'quarter', segment: 'Or', customers_at_start: 6, upsell_customers: 1, cross_sell_customers: 0, expanding_customers: 1 },
    ]);
    expect(await q(built, `SELECT upsell_rate, cross_sell_rate FROM marts.upsell_cross_sell WHERE period_type = 'month' AND period_start = '2024-03-01' AND segment = 'Or'`))
      .toEqual([{ upsell_rate: 1 / 6, cross_sell_rate: 0 }]);
  });

  it('second sale within 90 days, by cohort, segment and acquiring seller', async () => {
    // April 2024 Bronze: S2 acquired D1 D2 D3 D5, of whom only D2 bought again by day 90 (another deal on
    // day 90; D3's came on day 91; D1 only paid its first deal and its subscription; D5 bought twice on
    // the first day) → 1 / 4. S1 acquired D4, whose one-off invoice without deal is a second sale → 1 / 1.
    // Earlier cohorts: A4 (January 2023), A3 (November 2023), A1 (November 2023) bought nothing else in 90 days.
    expect(await q(built, `SELECT cohort_month, segment, seller_id, seller_name, new_customers, customers_with_second_sale, second_sale_rate, window_complete
      FROM marts.second_sale ORDER BY cohort_month, segment, seller_id`)).toEqual([
      { cohort_month: '2023-01-01', segment: 'Argent', seller_id: 'S2', seller_name: 'Bruno Petit', new_customers: 1, customers_with_second_sale: 0, second_sale_rate: 0, window_complete: true },
      { cohort_month: '2023-11-01', segment: 'Argent', seller_id: 'S2', seller_name: 'Bruno Petit', new_customers: 1, customers_with_second_sale: 0, second_sale_rate: 0, window_complete: true },
      { cohort_month: '2023-11-01', segment: 'Or', seller_id: 'S2', seller_name: 'Bruno Petit', new_customers: 1, customers_with_second_sale: 0, second_sale_rate: 0, window_complete: true },
      { cohort_month: '2024-04-01', segment: 'Bronze', seller_id: 'S1', seller_name: 'Alice Martin', new_customers: 1, customers_with_second_sale: 1, second_sale_rate: 1, window_complete: true },
      { cohort_month: '2024-04-01', segment: 'Bronze', seller_id: 'S2', seller_name: 'Bruno Petit', new_customers: 4, customers_with_second_sale: 1, second_sale_rate: 0.25, window_complete: true },
    ]);
  });

  it('referral within 6 months, by cohort and segment', async () => {
    // April 2024 Bronze: 5 new customers; D1's valid referral on 10 October (first purchase 10 April + 6
    // months, included) counts; D2's on 16 October is late, D3's is not valid, D5's predates its purchase.
    // November 2023 Or: A1 referred on 2024-02-01, within 6 months of 2023-11-20 → 1 / 1.
    expect(await q(built, `SELECT cohort_month, segment, new_customers, customers_referring, referral_rate, window_complete FROM marts.referrals_within_6_months
      ORDER BY cohort_month, segment`)).toEqual([
      { cohort_month: '2023-01-01', segment: 'Argent', new_customers: 1, customers_referring: 0, referral_rate: 0, window_complete: true },
      { cohort_month: '2023-11-01', segment: 'Argent', new_customers: 1, customers_referring: 0, referral_rate: 0, window_complete: true },
      { cohort_month: '2023-11-01', segment: 'Or', new_customers: 1, customers_referring: 1, referral_rate: 1, window_complete: true },
      { cohort_month: '2024-04-01', segment: 'Bronze', new_customers: 5, customers_referring: 1, referral_rate: 0.2, window_complete: true },
    ]);
  });

  it('publishes its KPIs in the glossary, available, with numerator and denominator', async () => {
    expect(await q(built, `SELECT kpi, model, numerator, denominator, unit, available FROM marts.kpi_glossary
      WHERE model IN ('marts.churn', 'marts.upsell_cross_sell', 'marts.second_sale', 'marts.referrals_within_6_months') ORDER BY model, kpi`)).toEqual([
      { kpi: 'Churn rate', model: 'marts.churn', numerator: 'customers_lost', denominator: 'customers_at_start', unit: 'rate', available: true },
      { kpi: 'Revenue churn rate', model: 'marts.churn', numerator: 'lost_mrr', denominator: 'mrr_at_start', unit: 'rate', available: true },
      { kpi: 'Referral within 6 months', model: 'marts.referrals_within_6_months', numerator: 'customers_referring', denominator: 'new_customers', unit: 'rate', available: true },
      { kpi: 'Second sale within 90 days', model: 'marts.second_sale', numerator: 'customers_with_second_sale', denominator: 'new_customers', unit: 'rate', available: true },
      { kpi: 'Cross-sell rate', model: 'marts.upsell_cross_sell', numerator: 'cross_sell_customers', denominator: 'customers_at_start', unit: 'rate', available: true },
      { kpi: 'Upsell rate', model: 'marts.upsell_cross_sell', numerator: 'upsell_customers', denominator: 'customers_at_start', unit: 'rate', available: true },
    ]);
  });
});

describe('customer KPIs without subscriptions and referrals', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(customerCompany(), { notProvided: ['subscriptions', 'referrals'] }); });
  afterAll(() => built?.db.close());

  it('marks churn, upsell and referrals unavailable, with the reason', async () => {
    expect(built.run.tests.filter((t) => t.failures > 0)).toEqual([]);
    expect(await q(built, `SELECT kpi, available, unavailable_reason FROM marts.kpi_glossary
      WHERE model IN ('marts.churn', 'marts.upsell_cross_sell', 'marts.second_sale', 'marts.referrals_within_6_months') ORDER BY kpi`)).toEqual([
      { kpi: 'Churn rate', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Abonnements' },
      { kpi: 'Cross-sell rate', available: true, unavailable_reason: null },
      { kpi: 'Referral within 6 months', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Recommandations' },
      { kpi: 'Revenue churn rate', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Abonnements' },
      { kpi: 'Second sale within 90 days', available: true, unavailable_reason: null },
      { kpi: 'Upsell rate', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Abonnements' },
    ]);
  });

  it('returns NULL, not 0, for the figures that need them', async () => {
    expect(await q(built, `SELECT DISTINCT customers_at_start, customers_lost, churn_rate, mrr_at_start, lost_mrr, revenue_churn_rate FROM marts.churn`))
      .toEqual([{ customers_at_start: null, customers_lost: null, churn_rate: null, mrr_at_start: null, lost_mrr: null, revenue_churn_rate: null }]);
    expect(await q(built, `SELECT new_customers, customers_referring, referral_rate FROM marts.referrals_within_6_months WHERE cohort_month = '2024-04-01'`))
      .toEqual([{ new_customers: 5, customers_referring: null, referral_rate: null }]);
    // Cross-sell still stands on invoices alone: in March the customers are those invoiced in the year
    // before (Or: A1 and E1; Argent: A3; Bronze: none); upsell is NULL.
    expect(await q(built, `SELECT segment, customers_at_start, upsell_customers, upsell_rate, cross_sell_customers, cross_sell_rate FROM marts.upsell_cross_sell
      WHERE period_type = 'month' AND period_start = '2024-03-01' ORDER BY segment`)).toEqual([
      { segment: 'Argent', customers_at_start: 1, upsell_customers: null, upsell_rate: null, cross_sell_customers: 1, cross_sell_rate: 1 },
      { segment: 'Bronze', customers_at_start: 0, upsell_customers: null, upsell_rate: null, cross_sell_customers: 0, cross_sell_rate: null },
      { segment: 'Or', customers_at_start: 2, upsell_customers: null, upsell_rate: null, cross_sell_customers: 0, cross_sell_rate: 0 },
    ]);
  });

  it('counts only deals as second sales when subscriptions are unknown', async () => {
    // Without subscriptions an invoice without deal may be recurring billing: D4's one-off no longer counts.
    expect(await q(built, `SELECT seller_id, new_customers, customers_with_second_sale FROM marts.second_sale WHERE cohort_month = '2024-04-01' ORDER BY seller_id`)).toEqual([
      { seller_id: 'S1', new_customers: 1, customers_with_second_sale: 0 },
      { seller_id: 'S2', new_customers: 4, customers_with_second_sale: 1 },
    ]);
  });
});
