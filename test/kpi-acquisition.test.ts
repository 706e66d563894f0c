/**
 * Acquisition cost marts (catalogue section 2): CAC by segment under each rule for untagged spend,
 * CAC by seller, CAC vs first-year margin and campaign ROI, on the fixture company extended with a
 * second won customer, two more campaigns and a few activities. Every figure is worked out by hand
 * in the comments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/load.js';
import { buildModelsOn, company, type Built, type Company } from './helpers/models.js';

/**
 * The acquisition company: the fixture company (S1 manager 60 €/h, S2 AE 45.50 €/h; A1 Or won
 * through lead L1 of campaign K1, invoiced F1 2023-11-20 and credited AV1 2023-12-05) plus:
 *   A3 Argent, won by S1 through lead L3 (campaign K2) as deal O2 (2000), invoiced F3 2023-12-10:
 *      Services 1 × 2000, unit cost 1200 → margin 800.
 *   L4 a lead without account (owner S1), credited half to K1 (Or event) and half to K2.
 *   K2 'Google Ads' (paid search, no target segment), spend 2023-10-10 of 1000 without segment;
 *      credited with L2 (A2, Bronze, owner S2) 1, L3 (Argent, S1) 1, L4 0.5.
 *   K3 'Newsletter' (e-mail, no target), spend 2023-11-05 of 200 without segment, no lead.
 *   T4 S1 call on lead L3 (no account on the activity: segment from the lead's account, Argent),
 *      2023-10-15, 30 min → 0.5 h × 60 = 30.00.
 *   T5 S1 e-mail on lead L4 (no account anywhere), 2023-09-21, 6 min → 6.00: acquisition time on no segment.
 *   T6 S1 call to customer A1, 2023-12-01, 30 min: not acquisition (counterpart customer).
 * Fixture acquisition time on A1 (Or, S2): T1 20 min → 15.17, T2 no-show 0, T3 60 min → 45.50: 60.67.
 * Fixture spend: K1 2023-09-15 Or 3000 and 500 without segment.
 * New customers 2023 (Q4): A1 Or (acquired by S2, first invoice 2023-11-20) and A3 Argent (S1, 2023-12-10).
 */
const acquisitionCompany = (): Company => {
  const c = company();
  c.accounts!.push({ account_id: 'A3', account_name: 'Conseil Ouest', segment: 'Argent', industry: 'Services', employees: 120, size_band: 'PME', region: 'Pays de la Loire', status: 'customer', owner_seller_id: 'S1', created_at: '2023-10-12' });
  c.campaigns!.push(
    { campaign_id: 'K2', campaign_name: 'Google Ads 2023', channel: 'paid_search', target_segment: null, start_date: '2023-10-01', end_date: '2023-12-31' },
    { campaign_id: 'K3', campaign_name: 'Newsletter novembre', channel: 'email', target_segment: null, start_date: '2023-11-01', end_date: '2023-11-30' },
  );
  c.leads!.find((l) => l.lead_id === 'L2')!.campaign_id = 'K2';
  c.leads!.push(
    { lead_id: 'L3', account_id: 'A3', contact_id: null, source: 'paid_ads', campaign_id: 'K2', warmth: 'warm', owner_seller_id: 'S1', created_at: '2023-10-12 09:00:00', first_touch_at: null, status: 'qualified' },
    { lead_id: 'L4', account_id: null, contact_id: null, source: 'event', campaign_id: 'K1', warmth: 'cold', owner_seller_id: 'S1', created_at: '2023-09-20 09:00:00', first_touch_at: null, status: 'working' },
  );
  c.campaign_leads!.push(
    { campaign_id: 'K1', lead_id: 'L4', touched_at: '2023-09-20 09:00:00', attribution_weight: 0.5 },
    { campaign_id: 'K2', lead_id: 'L4', touched_at: '2023-10-11 09:00:00', attribution_weight: 0.5 },
    { campaign_id: 'K2', lead_id: 'L2', touched_at: '2023-10-11 10:00:00', attribution_weight: 1 },
    { campaign_id: 'K2', lead_id: 'L3', touched_at: '2023-10-12 09:00:00', attribution_weight: 1 },
  );
  c.marketing_spend!.push(
    { spend_date: '2023-10-10', campaign_id: 'K2', segment: null, amount: 1000 },
    { spend_date: '2023-11-05', campaign_id: 'K3', segment: null, amount: 200 },
  );
  c.opportunities!.push({ opportunity_id: 'O2', account_id: 'A3', lead_id: 'L3', owner_seller_id: 'S1', product_line: 'Services', amount: 2000, origin: 'marketing', created_at: '2023-10-20', closed_at: '2023-12-01', stage: 'won', loss_reason: null });
  const activity = (activity_id: string, type: string, counterpart: string, account_id: string | null, lead_id: string | null, scheduled_at: string, duration_minutes: number) => ({
    activity_id, seller_id: 'S1', type, counterpart, purpose: counterpart === 'customer' ? 'account_management' : 'prospecting', direction: 'outbound',
    account_id, lead_id, opportunity_id: null, scheduled_at, status: 'held', duration_minutes, outcome: null, rebooked_activity_id: null,
  });
  c.activities!.push(
    activity('T4', 'call', 'prospect', null, 'L3', '2023-10-15 10:00:00', 30),
    activity('T5', 'email', 'prospect', null, 'L4', '2023-09-21 10:00:00', 6),
    activity('T6', 'call', 'customer', 'A1', null, '2023-12-01 10:00:00', 30),
  );
  c.invoices!.push({ invoice_id: 'F3', account_id: 'A3', opportunity_id: 'O2', invoice_date: '2023-12-10', document_type: 'invoice', currency: 'EUR' });
  c.invoice_lines!.push({ invoice_id: 'F3', line_number: 1, product_line: 'Services', product_code: 'SRV-INST', quantity: 1, unit_price: 2000, discount_rate: 0, net_amount: 2000, unit_cost: 1200 });
  return c;
};

const settingsFile = (yaml: string) => {
  const file = path.join(tempDir('bi-settings-'), 'kpi-settings.yaml');
  fs.writeFileSync(file, `calendar:\n  fiscalYearFirstMonth: 1\n${yaml}`);
  return file;
};

const CAC_COLUMNS = `segment, tagged_spend, allocated_spend, marketing_spend, seller_time_cost, acquisition_cost, new_customers, cac,
  unallocated_spend, unallocated_time_cost, total_acquisition_cost, blended_cac`;

describe('CAC by segment, untagged spend shared by the campaigns\' leads (default)', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(acquisitionCompany()); });
  afterAll(() => built?.db.close());
  const q = (sql: string) => built.db.query(sql);

  it('attributes each campaign\'s leads with their segment', async () => {
    // L4 has no account: its segment is K1's target (Or) under K1, unknown under K2 (no target).
    expect(await q('SELECT campaign_id, lead_id, weight, segment, owner_seller_id FROM intermediate.int_acquisition_lead_attribution ORDER BY campaign_id, lead_id')).toEqual([
      { campaign_id: 'K1', lead_id: 'L1', weight: 1, segment: 'Or', owner_seller_id: 'S2' },
      { campaign_id: 'K1', lead_id: 'L4', weight: 0.5, segment: 'Or', owner_seller_id: 'S1' },
      { campaign_id: 'K2', lead_id: 'L2', weight: 1, segment: 'Bronze', owner_seller_id: 'S2' },
      { campaign_id: 'K2', lead_id: 'L3', weight: 1, segment: 'Argent', owner_seller_id: 'S1' },
      { campaign_id: 'K2', lead_id: 'L4', weight: 0.5, segment: null, owner_seller_id: 'S1' },
    ]);
  });

  it('computes the year\'s CAC per segment', async () => {
    // Untagged spend: K1's 500 → Or (its leads are all Or); K2's 1000 → Bronze 500, Argent 500 (L2 1, L3 1,
    // L4 has no segment); K3's 200 has no lead and no target → by the year's new customers (Or 1, Argent 1): 100 each.
    // Or: 3000 + 600 spend + 60.67 time = 3660.67 / 1 new customer. Argent: 600 + 30 = 630 / 1. Bronze: 500 / 0 → no CAC.
    // all: 4700 + 90.67 = 4790.67 / 2 = 2395.335; T5's 6.00 is time on no segment: blended (4790.67 + 6) / 2 = 2398.335.
    const rows = await q(`SELECT ${CAC_COLUMNS} FROM marts.cac_by_segment WHERE period_type = 'year' AND period_start = DATE '2023-01-01' ORDER BY segment`);
    expect(rows).toEqual([
      { segment: 'Argent', tagged_spend: 0, allocated_spend: 600, marketing_spend: 600, seller_time_cost: 30, acquisition_cost: 630, new_customers: 1, cac: 630, unallocated_spend: 0, unallocated_time_cost: 0, total_acquisition_cost: 630, blended_cac: 630 },
      { segment: 'Bronze', tagged_spend: 0, allocated_spend: 500, marketing_spend: 500, seller_time_cost: 0, acquisition_cost: 500, new_customers: 0, cac: null, unallocated_spend: 0, unallocated_time_cost: 0, total_acquisition_cost: 500, blended_cac: null },
      { segment: 'Or', tagged_spend: 3000, allocated_spend: 600, marketing_spend: 3600, seller_time_cost: 60.67, acquisition_cost: 3660.67, new_customers: 1, cac: 3660.67, unallocated_spend: 0, unallocated_time_cost: 0, total_acquisition_cost: 3660.67, blended_cac: 3660.67 },
      { segment: 'Tous les segments', tagged_spend: 3000, allocated_spend: 1700, marketing_spend: 4700, seller_time_cost: 90.67, acquisition_cost: 4790.67, new_customers: 2, cac: 2395.335, unallocated_spend: 0, unallocated_time_cost: 6, total_acquisition_cost: 4796.67, blended_cac: 2398.335 },
    ].map((r) => ({ ...r, cac: r.cac === null ? null : expect.closeTo(r.cac, 9), blended_cac: r.blended_cac === null ? null : expect.closeTo(r.blended_cac, 9), acquisition_cost: expect.closeTo(r.acquisition_cost, 9), total_acquisition_cost: expect.closeTo(r.total_acquisition_cost, 9) })));
    expect(await q(`SELECT DISTINCT unallocated_spend_rule FROM marts.cac_by_segment`)).toEqual([{ unallocated_spend_rule: 'by_campaign_leads' }]);
  });

  it('computes quarters on their own spend, time and new customers', async () => {
    // Q3 2023: K1's 3000 Or + 500 → Or; time 60.67 on Or, 6.00 on no segment; no new customer → no CAC.
    // Q4 2023: K2's 1000 → Bronze 500, Argent 500; K3's 200 → Q4's new customers Or 1, Argent 1: 100 each; T4 30 on Argent.
    expect(await q(`SELECT period_start, segment, marketing_spend, seller_time_cost, new_customers, cac, unallocated_time_cost
        FROM marts.cac_by_segment WHERE period_type = 'quarter' AND segment IN ('Or', 'Argent', 'Tous les segments') ORDER BY period_start, segment`)).toEqual([
      { period_start: '2023-07-01', segment: 'Argent', marketing_spend: 0, seller_time_cost: 0, new_customers: 0, cac: null, unallocated_time_cost: 0 },
      { period_start: '2023-07-01', segment: 'Or', marketing_spend: 3500, seller_time_cost: 60.67, new_customers: 0, cac: null, unallocated_time_cost: 0 },
      { period_start: '2023-07-01', segment: 'Tous les segments', marketing_spend: 3500, seller_time_cost: 60.67, new_customers: 0, cac: null, unallocated_time_cost: 6 },
      { period_start: '2023-10-01', segment: 'Argent', marketing_spend: 600, seller_time_cost: 30, new_customers: 1, cac: 630, unallocated_time_cost: 0 },
      { period_start: '2023-10-01', segment: 'Or', marketing_spend: 100, seller_time_cost: 0, new_customers: 1, cac: 100, unallocated_time_cost: 0 },
      { period_start: '2023-10-01', segment: 'Tous les segments', marketing_spend: 1200, seller_time_cost: 30, new_customers: 2, cac: 615, unallocated_time_cost: 0 },
    ]);
  });

  it('computes CAC by seller from the seller\'s time and the spend of the leads assigned to the seller', async () => {
    // K1 (3500 in 2023) over L1 1 (S2) + L4 0.5 (S1) = 1.5: S2 2333.33…, S1 1166.67…
    // K2 (1000) over L2 1 (S2) + L3 1 (S1) + L4 0.5 (S1) = 2.5: S2 400, S1 600. K3 has no lead: nobody.
    // S2: time 60.67 (T1, T2, T3), 1 new customer (A1) → 60.67 + 2733.33… = 2794.00…
    // S1: time 30 + 6 = 36 (T4, T5; T6 is with a customer), 1 new customer (A3) → 36 + 1766.66… = 1802.66…
    expect(await q('SELECT year, seller_id, seller_name, team, acquisition_hours, seller_time_cost, lead_spend, acquisition_cost, new_customers, cac FROM marts.cac_by_seller ORDER BY seller_id')).toEqual([
      { year: '2023-01-01', seller_id: 'S1', seller_name: 'Alice Martin', team: 'Paris', acquisition_hours: 0.6, seller_time_cost: 36, lead_spend: expect.closeTo(1766.6666667, 6), acquisition_cost: expect.closeTo(1802.6666667, 6), new_customers: 1, cac: expect.closeTo(1802.6666667, 6) },
      { year: '2023-01-01', seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', acquisition_hours: 20 / 60 + 1, seller_time_cost: 60.67, lead_spend: expect.closeTo(2733.3333333, 6), acquisition_cost: expect.closeTo(2794.0033333, 6), new_customers: 1, cac: expect.closeTo(2794.0033333, 6) },
    ]);
  });

  it('sets CAC against the first-year margin of the customers acquired and flags the segments it eats', async () => {
    // Or: A1's first-year margin 9600 − 960 = 8640; 3660.67 / 8640 = 0.4237; payback 12 × that = 5.08 months.
    // Argent: A3's 800; 630 / 800 = 0.7875 ≥ 0.75, but no first year is over yet (the data ends
    // 2023-12-10): a young cohort, shown with its ratio, fires no alert (NULL); payback 9.45 months.
    // Bronze: spend but no customer → no ratio, no flag. all: 4790.67 / 9440.
    const rows = await q(`SELECT segment, acquisition_cost, new_customers, first_year_margin, avg_first_year_margin, cac_to_margin_ratio, payback_months,
        margin_alert_ratio, cac_eats_margin, first_year_complete_customers, is_first_year_complete, cohort_maturity FROM marts.cac_vs_value WHERE year = DATE '2023-01-01' ORDER BY segment`);
    expect(rows).toEqual([
      { segment: 'Argent', acquisition_cost: 630, new_customers: 1, first_year_margin: 800, avg_first_year_margin: 800, cac_to_margin_ratio: 0.7875, payback_months: 9.45, margin_alert_ratio: 0.75, cac_eats_margin: null, first_year_complete_customers: 0, is_first_year_complete: false, cohort_maturity: 'young' },
      { segment: 'Bronze', acquisition_cost: 500, new_customers: 0, first_year_margin: 0, avg_first_year_margin: null, cac_to_margin_ratio: null, payback_months: null, margin_alert_ratio: 0.75, cac_eats_margin: null, first_year_complete_customers: 0, is_first_year_complete: false, cohort_maturity: null },
      { segment: 'Or', acquisition_cost: expect.closeTo(3660.67, 9), new_customers: 1, first_year_margin: 8640, avg_first_year_margin: 8640, cac_to_margin_ratio: expect.closeTo(3660.67 / 8640, 12), payback_months: expect.closeTo(12 * 3660.67 / 8640, 12), margin_alert_ratio: 0.75, cac_eats_margin: null, first_year_complete_customers: 0, is_first_year_complete: false, cohort_maturity: 'young' },
      { segment: 'Tous les segments', acquisition_cost: expect.closeTo(4790.67, 9), new_customers: 2, first_year_margin: 9440, avg_first_year_margin: 4720, cac_to_margin_ratio: expect.closeTo(4790.67 / 9440, 12), payback_months: expect.closeTo(12 * 4790.67 / 9440, 12), margin_alert_ratio: 0.75, cac_eats_margin: null, first_year_complete_customers: 0, is_first_year_complete: false, cohort_maturity: 'young' },
    ]);
  });

  it('computes each campaign\'s return from the won deals of its leads', async () => {
    // K1: cost 3500; leads 1 + 0.5; L1 → O1 won 12000, invoiced F1 12000 − AV1 1200 = 10800, margin 9600 − 960 = 8640
    //     → ROI (8640 − 3500) / 3500. K2: cost 1000; leads 2.5; L3 → O2 won 2000, invoiced 2000, margin 800
    //     → ROI (800 − 1000) / 1000 = −0.2. K3: cost 200, nothing back → ROI −1.
    expect(await q(`SELECT campaign_id, channel, is_event, cost, attributed_leads, attributed_opportunities, won_deals, won_amount, won_revenue, won_margin,
        net_return, roi, revenue_per_euro FROM marts.campaign_roi ORDER BY campaign_id`)).toEqual([
      { campaign_id: 'K1', channel: 'event', is_event: true, cost: 3500, attributed_leads: 1.5, attributed_opportunities: 1, won_deals: 1, won_amount: 12000, won_revenue: 10800, won_margin: 8640, net_return: 5140, roi: 5140 / 3500, revenue_per_euro: 10800 / 3500 },
      { campaign_id: 'K2', channel: 'paid_search', is_event: false, cost: 1000, attributed_leads: 2.5, attributed_opportunities: 1, won_deals: 1, won_amount: 2000, won_revenue: 2000, won_margin: 800, net_return: -200, roi: -0.2, revenue_per_euro: 2 },
      { campaign_id: 'K3', channel: 'email', is_event: false, cost: 200, attributed_leads: 0, attributed_opportunities: 0, won_deals: 0, won_amount: 0, won_revenue: 0, won_margin: 0, net_return: -200, roi: -1, revenue_per_euro: 0 },
    ]);
  });

  it('publishes the acquisition KPIs in the glossary, with the allocation rule stated', async () => {
    const rows = await q(`SELECT kpi, model, numerator, denominator, needs, available FROM marts.kpi_glossary
        WHERE model IN ('marts.cac_by_segment', 'marts.cac_by_seller', 'marts.cac_vs_value', 'marts.campaign_roi') ORDER BY model, kpi`);
    const needs = ['marketing_spend', 'activities', 'invoices', 'invoice_lines'];
    expect(rows).toEqual([
      { kpi: 'Blended CAC', model: 'marts.cac_by_segment', numerator: 'total_acquisition_cost', denominator: 'new_customers', needs, available: true },
      { kpi: 'CAC by segment', model: 'marts.cac_by_segment', numerator: 'acquisition_cost', denominator: 'new_customers', needs, available: true },
      { kpi: 'CAC by seller', model: 'marts.cac_by_seller', numerator: 'acquisition_cost', denominator: 'new_customers', needs, available: true },
      { kpi: 'CAC payback', model: 'marts.cac_vs_value', numerator: 'acquisition_cost', denominator: 'first_year_margin', needs, available: true },
      { kpi: 'CAC vs first-year margin', model: 'marts.cac_vs_value', numerator: 'acquisition_cost', denominator: 'first_year_margin', needs, available: true },
      { kpi: 'Campaign ROI', model: 'marts.campaign_roi', numerator: 'net_return', denominator: 'cost', needs: ['marketing_spend', 'leads', 'invoices', 'invoice_lines'], available: true },
      { kpi: 'Campaign won revenue', model: 'marts.campaign_roi', numerator: 'won_revenue', denominator: 'cost', needs: ['marketing_spend', 'leads', 'invoices', 'invoice_lines'], available: true },
    ]);
    const [cac] = await q(`SELECT formula FROM marts.kpi_glossary WHERE kpi = 'CAC by segment'`);
    expect(cac!.formula).toMatch(/une\s+dépense\s+sans\s+segment\s+suit\s+la\s+règle\s+de\s+répartition\s+\(réglage\s+«\s+dépenses\s+non\s+affectées\s+»\s+:\s+par\s+défaut\s+au\s+prorata\s+des\s+leads\s+attribués\s+à\s+la\s+campagne\s+dans\s+chaque\s+segment/);
  });
});

describe('CAC vs first-year margin once the cohort is mature', () => {
  // The same company with one more day of data: an admin task on 2024-12-31. The 2023 customers'
  // first years (A1 from 2023-11-20, A3 from its first invoice in 2023) end before it: the cohort is
  // mature. Nothing else changes for 2023 (the task is internal, in 2024), so the ratios are those
  // worked out above: Argent 630 / 800 = 0.7875 ≥ 0.75 → the alert fires; Or 0.4237 and all
  // segments 4790.67 / 9440 = 0.5075 stay under it.
  let built: Built;
  beforeAll(async () => {
    const c = acquisitionCompany();
    c.activities!.push({
      activity_id: 'END', seller_id: 'S1', type: 'admin', counterpart: 'internal', purpose: 'admin', direction: 'internal', account_id: null,
      lead_id: null, opportunity_id: null, scheduled_at: '2024-12-31 10:00:00', status: 'held', duration_minutes: 30, outcome: null, rebooked_activity_id: null,
    });
    built = await buildModelsOn(c);
  });
  afterAll(() => built?.db.close());

  it('flags the mature cohort whose CAC eats its margin, and only it', async () => {
    expect(await built.db.query(`SELECT segment, cac_eats_margin, cohort_maturity, first_year_complete_customers FROM marts.cac_vs_value
      WHERE year = DATE '2023-01-01' AND new_customers > 0 ORDER BY segment`)).toEqual([
      { segment: 'Argent', cac_eats_margin: true, cohort_maturity: 'mature', first_year_complete_customers: 1 },
      { segment: 'Or', cac_eats_margin: false, cohort_maturity: 'mature', first_year_complete_customers: 1 },
      { segment: 'Tous les segments', cac_eats_margin: false, cohort_maturity: 'mature', first_year_complete_customers: 2 },
    ]);
  });
});

describe('CAC on the mature cohorts: the one figure pages and alerts show', () => {
  // The acquisition company over two more years, data ending 2025-06-30 (an admin task that day):
  //   2024: A4 Or (owner S2) won as O4, invoiced F4 2024-02-01: Services 1 × 6000, unit cost 1000 →
  //         first-year margin 5000; 4000 € of spend tagged Or on 2024-01-15; no acquisition time in 2024.
  //         Year 2024: Or 4000 / 1 new customer; Argent and Bronze nothing.
  //   2025: A5 Bronze (owner S1) won as O5, invoiced F5 2025-03-01: 1 × 1000, unit cost 400 → margin 600.
  //         No spend, no acquisition time in 2025.
  // Cohort rule at the reference day 2025-06-30: FY2023 mature (A1 from 2023-11-20 and A3 from
  // 2023-12-10, first years over by 2024-12-09); FY2024 mature (A4's first year ends 2025-01-30);
  // FY2025 young (A5's ends 2026-02-28): left out, counted as 1 young customer.
  // Pooled over FY2023 + FY2024 (2023's figures worked out in the first block):
  //   Or:     3660.67 + 4000 = 7660.67 for 1 + 1 customers, margin 8640 + 5000 = 13640:
  //           CAC 3830.335; CAC / margin 7660.67 / 13640 = 0.56163…; payback 12 × that = 6.7396 months;
  //           under the 0.75 alert, over the 0.5 watch line → 'À surveiller' (level 1).
  //   Argent: 630 for 1 customer (2024: nothing), margin 800: 0.7875 ≥ 0.75 → 'Reclasser / revoir le ciblage' (2).
  //   Bronze: 500 of 2023 spend for no customer: cost kept, no CAC, no ratio, no signal; 1 young customer.
  //   Tous les segments: 7660.67 + 630 + 500 = 8790.67 (the segment rows add up) for 3 customers:
  //           CAC 2930.2233…; margin 14440; ratio 0.60877… → 'À surveiller'; no segment carries T5's 6.00 of
  //           2023: blended (8790.67 + 6) / 3 = 2932.2233….
  let built: Built;
  beforeAll(async () => {
    const c = acquisitionCompany();
    c.accounts!.push(
      { account_id: 'A4', account_name: 'Métaux de l\'Est', segment: 'Or', industry: 'Industrie', employees: 900, size_band: 'ETI', region: 'Grand Est', status: 'customer', owner_seller_id: 'S2', created_at: '2024-01-10' },
      { account_id: 'A5', account_name: 'Atelier Sud', segment: 'Bronze', industry: 'Services', employees: 12, size_band: 'TPE', region: 'Occitanie', status: 'customer', owner_seller_id: 'S1', created_at: '2025-02-01' },
    );
    c.opportunities!.push(
      { opportunity_id: 'O4', account_id: 'A4', lead_id: null, owner_seller_id: 'S2', product_line: 'Services', amount: 6000, origin: 'outbound', created_at: '2024-01-12', closed_at: '2024-01-25', stage: 'won', loss_reason: null },
      { opportunity_id: 'O5', account_id: 'A5', lead_id: null, owner_seller_id: 'S1', product_line: 'Services', amount: 1000, origin: 'outbound', created_at: '2025-02-03', closed_at: '2025-02-20', stage: 'won', loss_reason: null },
    );
    c.invoices!.push(
      { invoice_id: 'F4', account_id: 'A4', opportunity_id: 'O4', invoice_date: '2024-02-01', document_type: 'invoice', currency: 'EUR' },
      { invoice_id: 'F5', account_id: 'A5', opportunity_id: 'O5', invoice_date: '2025-03-01', document_type: 'invoice', currency: 'EUR' },
    );
    c.invoice_lines!.push(
      { invoice_id: 'F4', line_number: 1, product_line: 'Services', product_code: 'SRV-INST', quantity: 1, unit_price: 6000, discount_rate: 0, net_amount: 6000, unit_cost: 1000 },
      { invoice_id: 'F5', line_number: 1, product_line: 'Services', product_code: 'SRV-INST', quantity: 1, unit_price: 1000, discount_rate: 0, net_amount: 1000, unit_cost: 400 },
    );
    c.marketing_spend!.push({ spend_date: '2024-01-15', campaign_id: 'K1', segment: 'Or', amount: 4000 });
    c.activities!.push({
      activity_id: 'END', seller_id: 'S1', type: 'admin', counterpart: 'internal', purpose: 'admin', direction: 'internal', account_id: null,
      lead_id: null, opportunity_id: null, scheduled_at: '2025-06-30 10:00:00', status: 'held', duration_minutes: 30, outcome: null, rebooked_activity_id: null,
    });
    built = await buildModelsOn(c);
  });
  afterAll(() => built?.db.close());

  it('pools the cohorts whose first years are all over, and leaves the young one apart', async () => {
    // The per-cohort figures the pooled rows add up.
    expect(await built.db.query(`SELECT year, acquisition_cost, new_customers, first_year_margin, cohort_maturity FROM marts.cac_vs_value
        WHERE segment = 'Tous les segments' ORDER BY year`)).toEqual([
      { year: '2023-01-01', acquisition_cost: expect.closeTo(4790.67, 9), new_customers: 2, first_year_margin: 9440, cohort_maturity: 'mature' },
      { year: '2024-01-01', acquisition_cost: 4000, new_customers: 1, first_year_margin: 5000, cohort_maturity: 'mature' },
      { year: '2025-01-01', acquisition_cost: 0, new_customers: 1, first_year_margin: 600, cohort_maturity: 'young' },
    ]);
    const rows = await built.db.query(`SELECT segment, mature_cohorts, mature_cohorts_label, mature_cohorts_phrase, acquisition_cost, new_customers, first_year_margin,
        cac, avg_first_year_margin, cac_to_margin_ratio, payback_months, cac_eats_margin, signal, signal_level, young_customers, young_cohorts,
        unallocated_cost, blended_cac, reference_day FROM marts.cac_mature_cohorts ORDER BY segment`);
    const common = { mature_cohorts: 2, mature_cohorts_label: 'Exercices 2023 à 2024', mature_cohorts_phrase: "de l'exercice 2023 à l'exercice 2024", reference_day: '2025-06-30' };
    expect(rows).toEqual([
      { ...common, segment: 'Argent', acquisition_cost: 630, new_customers: 1, first_year_margin: 800, cac: 630, avg_first_year_margin: 800,
        cac_to_margin_ratio: 0.7875, payback_months: 9.45, cac_eats_margin: true, signal: 'Reclasser / revoir le ciblage', signal_level: 2,
        young_customers: 0, young_cohorts: null, unallocated_cost: null, blended_cac: null },
      { ...common, segment: 'Bronze', acquisition_cost: 500, new_customers: 0, first_year_margin: 0, cac: null, avg_first_year_margin: null,
        cac_to_margin_ratio: null, payback_months: null, cac_eats_margin: null, signal: null, signal_level: null,
        young_customers: 1, young_cohorts: 'Exercice 2025', unallocated_cost: null, blended_cac: null },
      { ...common, segment: 'Or', acquisition_cost: expect.closeTo(7660.67, 9), new_customers: 2, first_year_margin: 13640, cac: expect.closeTo(3830.335, 9),
        avg_first_year_margin: 6820, cac_to_margin_ratio: expect.closeTo(7660.67 / 13640, 12), payback_months: expect.closeTo(12 * 7660.67 / 13640, 12),
        cac_eats_margin: false, signal: 'À surveiller', signal_level: 1, young_customers: 0, young_cohorts: null, unallocated_cost: null, blended_cac: null },
      { ...common, segment: 'Tous les segments', acquisition_cost: expect.closeTo(8790.67, 9), new_customers: 3, first_year_margin: 14440,
        cac: expect.closeTo(8790.67 / 3, 9), avg_first_year_margin: expect.closeTo(14440 / 3, 9), cac_to_margin_ratio: expect.closeTo(8790.67 / 14440, 12),
        payback_months: expect.closeTo(12 * 8790.67 / 14440, 12), cac_eats_margin: false, signal: 'À surveiller', signal_level: 1,
        young_customers: 1, young_cohorts: 'Exercice 2025', unallocated_cost: 6, blended_cac: expect.closeTo(8796.67 / 3, 9) },
    ]);
  });

  it('makes the company row the sum of the segment rows, as the page\'s table shows them', async () => {
    const [sums] = await built.db.query(`SELECT sum(acquisition_cost) AS cost, sum(new_customers) AS customers, sum(first_year_margin) AS margin
        FROM marts.cac_mature_cohorts WHERE segment <> 'Tous les segments'`);
    const [company] = await built.db.query(`SELECT acquisition_cost AS cost, new_customers AS customers, first_year_margin AS margin, cac
        FROM marts.cac_mature_cohorts WHERE segment = 'Tous les segments'`);
    expect(sums!.cost as number).toBeCloseTo(company!.cost as number, 9);
    expect(sums!.customers).toEqual(company!.customers);
    expect(sums!.margin).toEqual(company!.margin);
    expect(company!.cac as number).toBeCloseTo((sums!.cost as number) / (sums!.customers as number), 9);
  });

  it('raises the alert on the same pooled figure, for the segment over the alert line only', async () => {
    expect(await built.db.query(`SELECT subject, severity, period, numerator, denominator, value FROM marts.alerts WHERE rule = 'cac_eats_margin'`)).toEqual([
      { subject: 'Argent', severity: 'moyenne', period: "clients acquis de l'exercice 2023 à l'exercice 2024", numerator: 630, denominator: 800, value: 0.7875 },
    ]);
  });
});

describe('CAC by segment under the other rules for untagged spend', () => {
  it('by_new_customers shares it by the period\'s new customers', async () => {
    const { db } = await buildModelsOn(acquisitionCompany(), { settingsFile: settingsFile('cac:\n  unallocatedSpend: by_new_customers\n') });
    try {
      // 2023: untagged 500 + 1000 + 200 = 1700, new customers Or 1, Argent 1 → 850 each.
      // Or: 3000 + 850 + 60.67 = 3910.67. Argent: 850 + 30 = 880. Bronze: nothing.
      // Q3 2023: 500 untagged, no new customer in the quarter → unallocated.
      expect(await db.query(`SELECT period_type, period_start, segment, allocated_spend, acquisition_cost, cac, unallocated_spend, unallocated_spend_rule FROM marts.cac_by_segment
          WHERE (period_type = 'year' AND segment <> 'Tous les segments') OR (period_type = 'quarter' AND period_start = DATE '2023-07-01' AND segment = 'Tous les segments') ORDER BY period_type, segment`)).toEqual([
        { period_type: 'quarter', period_start: '2023-07-01', segment: 'Tous les segments', allocated_spend: 0, acquisition_cost: 3060.67, cac: null, unallocated_spend: 500, unallocated_spend_rule: 'by_new_customers' },
        { period_type: 'year', period_start: '2023-01-01', segment: 'Argent', allocated_spend: 850, acquisition_cost: 880, cac: 880, unallocated_spend: 0, unallocated_spend_rule: 'by_new_customers' },
        { period_type: 'year', period_start: '2023-01-01', segment: 'Bronze', allocated_spend: 0, acquisition_cost: 0, cac: null, unallocated_spend: 0, unallocated_spend_rule: 'by_new_customers' },
        { period_type: 'year', period_start: '2023-01-01', segment: 'Or', allocated_spend: 850, acquisition_cost: 3910.67, cac: 3910.67, unallocated_spend: 0, unallocated_spend_rule: 'by_new_customers' },
      ]);
    } finally {
      db.close();
    }
  });

  it('exclude keeps it out of CAC and shows it unallocated', async () => {
    const { db } = await buildModelsOn(acquisitionCompany(), { settingsFile: settingsFile('cac:\n  unallocatedSpend: exclude\n') });
    try {
      // Or: 3000 + 60.67 = 3060.67. Argent: 30. all: 3090.67 / 2; unallocated 1700 spend + 6 time:
      // blended (3090.67 + 1706) / 2 = 2398.335, the same whatever the rule.
      expect(await db.query(`SELECT ${CAC_COLUMNS} FROM marts.cac_by_segment WHERE period_type = 'year' ORDER BY segment`)).toEqual([
        { segment: 'Argent', tagged_spend: 0, allocated_spend: 0, marketing_spend: 0, seller_time_cost: 30, acquisition_cost: 30, new_customers: 1, cac: 30, unallocated_spend: 0, unallocated_time_cost: 0, total_acquisition_cost: 30, blended_cac: 30 },
        { segment: 'Bronze', tagged_spend: 0, allocated_spend: 0, marketing_spend: 0, seller_time_cost: 0, acquisition_cost: 0, new_customers: 0, cac: null, unallocated_spend: 0, unallocated_time_cost: 0, total_acquisition_cost: 0, blended_cac: null },
        { segment: 'Or', tagged_spend: 3000, allocated_spend: 0, marketing_spend: 3000, seller_time_cost: 60.67, acquisition_cost: 3060.67, new_customers: 1, cac: 3060.67, unallocated_spend: 0, unallocated_time_cost: 0, total_acquisition_cost: 3060.67, blended_cac: 3060.67 },
        { segment: 'Tous les segments', tagged_spend: 3000, allocated_spend: 0, marketing_spend: 3000, seller_time_cost: 90.67, acquisition_cost: 3090.67, new_customers: 2, cac: 1545.335, unallocated_spend: 1700, unallocated_time_cost: 6, total_acquisition_cost: 4796.67, blended_cac: 2398.335 },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('without marketing spend nor campaign attribution', () => {
  it('marks CAC unavailable, keeps the seller time, and falls back to the campaign the CRM credits on the lead', async () => {
    const { db } = await buildModelsOn(acquisitionCompany(), { notProvided: ['marketing_spend', 'campaign_leads'] });
    try {
      expect(await db.query(`SELECT kpi, available, unavailable_reason FROM marts.kpi_glossary WHERE kpi IN ('CAC by segment', 'CAC vs first-year margin', 'Campaign ROI') ORDER BY kpi`)).toEqual([
        { kpi: 'CAC by segment', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Dépenses marketing' },
        { kpi: 'CAC vs first-year margin', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Dépenses marketing' },
        { kpi: 'Campaign ROI', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Dépenses marketing' },
      ]);
      // Spend NULL (not 0), so CAC is NULL; seller time and new customers are still known.
      expect(await db.query(`SELECT segment, marketing_spend, seller_time_cost, acquisition_cost, new_customers, cac FROM marts.cac_by_segment
          WHERE period_type = 'year' AND segment IN ('Or', 'Tous les segments') ORDER BY segment`)).toEqual([
        { segment: 'Or', marketing_spend: null, seller_time_cost: 60.67, acquisition_cost: null, new_customers: 1, cac: null },
        { segment: 'Tous les segments', marketing_spend: null, seller_time_cost: 90.67, acquisition_cost: null, new_customers: 2, cac: null },
      ]);
      expect(await db.query(`SELECT segment, cac_to_margin_ratio, cac_eats_margin FROM marts.cac_vs_value WHERE segment = 'Argent'`)).toEqual([
        { segment: 'Argent', cac_to_margin_ratio: null, cac_eats_margin: null },
      ]);
      // Attribution from leads.campaign_id, weight 1: K1 ← L1, L4; K2 ← L2, L3.
      expect(await db.query(`SELECT campaign_id, cost, attributed_leads, won_deals, won_margin, roi FROM marts.campaign_roi ORDER BY campaign_id`)).toEqual([
        { campaign_id: 'K1', cost: null, attributed_leads: 2, won_deals: 1, won_margin: 8640, roi: null },
        { campaign_id: 'K2', cost: null, attributed_leads: 2, won_deals: 1, won_margin: 800, roi: null },
        { campaign_id: 'K3', cost: null, attributed_leads: 0, won_deals: 0, won_margin: 0, roi: null },
      ]);
    } finally {
      db.close();
    }
  });
});
