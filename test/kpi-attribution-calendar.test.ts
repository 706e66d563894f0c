/**
 * Attribution over time and the fiscal calendar (issue 12): revenue goes to the seller responsible
 * at the time, never outside their employment; objectives are pro-rated to the same days; years
 * and quarters are fiscal, starting in October here.
 *
 * THE COMPANY (fixture + these rows; fiscal year from October: FY2024 = 2023-10-01 → 2024-09-30)
 *   S7 joins on 2024-01-16 (Paris). S8 left on 2024-02-15 (in the team since 2022).
 *   Account A8 (Or), current owner S7. History (account_owners): S8 from 2023-06-01 to 2024-01-31,
 *   S7 from 2024-02-01.
 *   Invoices on A8 without a deal (subscription billing), 1 000 each: R1 2023-11-01, R2 2024-01-01,
 *   R3 2024-02-01, R4 2024-03-01. Deal O81 (owner S8, won 2024-01-10) billed by F81 on 2024-03-05,
 *   5 000: after S8 left.
 *   Objectives: S7 January 3 100 (31 days: 100 a day), February 2 900 (29 days: 100 a day), March
 *   3 100; S8 February 2 900 (100 a day).
 *   An admin task of S1 on 2024-09-30 ends the data: FY2024 is complete, FY2023 (from the fixture's
 *   first lead, 2023-09-12) is partial.
 *
 * BY HAND, with the history:
 *   R1 2023-11-01 → S8 (owner then, employed)          R2 2024-01-01 → S8
 *   R3 2024-02-01 → S7 (owner from 2024-02-01)          R4 2024-03-01 → S7
 *   F81 2024-03-05: the deal owner S8 had left → the account's owner that day, S7.
 *   S7: 1 000 + 1 000 + 5 000 = 7 000; S8: 2 000. Nothing credited to S7 before 2024-01-16 nor to
 *   S8 after 2024-02-15.
 *   Objectives over employment days: S7 January 16–31 = 16 days × 100 = 1 600, February 2 900,
 *   March 3 100 → quarter T2 FY2024 (January–March 2024) 7 600; attainment 7 000 / 7 600 = 0.9211.
 *   S8 February 1–15 = 15 × 100 = 1 500; T2 FY2024 revenue 1 000 (R2) → 1 000 / 1 500 = 0.6667.
 * BY HAND, without the history (current owner S7 within employment only):
 *   R1 and R2 are before S7's start → no seller (2 000, in the company total only); R3, R4 → S7;
 *   F81 → S7 (the deal owner had left, the current owner is employed). S7: 7 000, S8: 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { buildModelsOn, company, type Built, type Company } from './helpers/models.js';
import { tempDir } from './helpers/load.js';

const octoberSettings = () => {
  const file = path.join(tempDir('bi-settings-'), 'kpi-settings.yaml');
  fs.writeFileSync(file, 'calendar:\n  fiscalYearFirstMonth: 10\n');
  return file;
};

const invoice = (c: Company, invoice_id: string, account_id: string, opportunity_id: string | null, invoice_date: string, net: number) => {
  c.invoices!.push({ invoice_id, account_id, opportunity_id, invoice_date, document_type: 'invoice', currency: 'EUR' });
  c.invoice_lines!.push({ invoice_id, line_number: 1, product_line: 'Logiciel', product_code: 'X', quantity: 1, unit_price: net, discount_rate: 0, net_amount: net, unit_cost: 0 });
};

const attributionCompany = (withHistory: boolean): Company => {
  const c = company();
  const ae = { manager_id: 'S1', role: 'account_executive', hourly_cost: 40, team: 'Paris' };
  c.sellers!.push(
    { seller_id: 'S7', seller_name: 'Gaëlle Simon', ...ae, start_date: '2024-01-16', leave_date: null },
    { seller_id: 'S8', seller_name: 'Hugo Lambert', ...ae, start_date: '2022-01-03', leave_date: '2024-02-15' },
  );
  c.accounts!.push({
    account_id: 'A8', account_name: 'Société A8', segment: 'Or', industry: 'Services', employees: 900, size_band: 'ETI',
    region: 'Île-de-France', status: 'customer', owner_seller_id: 'S7', created_at: '2023-06-01',
  });
  c.opportunities!.push({
    opportunity_id: 'O81', account_id: 'A8', lead_id: null, owner_seller_id: 'S8', product_line: 'Logiciel', amount: 5000,
    origin: 'sales', created_at: '2023-12-01', closed_at: '2024-01-10', stage: 'won', loss_reason: null,
  });
  invoice(c, 'R1', 'A8', null, '2023-11-01', 1000);
  invoice(c, 'R2', 'A8', null, '2024-01-01', 1000);
  invoice(c, 'R3', 'A8', null, '2024-02-01', 1000);
  invoice(c, 'R4', 'A8', null, '2024-03-01', 1000);
  invoice(c, 'F81', 'A8', 'O81', '2024-03-05', 5000);
  const objective = (seller_id: string, period_start: string, period_end: string, revenue_target: number) => ({
    seller_id, period_start, period_end, revenue_target, new_customers_target: null, meetings_target: null,
  });
  c.objectives!.push(
    objective('S7', '2024-01-01', '2024-01-31', 3100), objective('S7', '2024-02-01', '2024-02-29', 2900),
    objective('S7', '2024-03-01', '2024-03-31', 3100), objective('S8', '2024-02-01', '2024-02-29', 2900),
  );
  c.activities!.push({
    activity_id: 'END', seller_id: 'S1', type: 'admin', counterpart: 'internal', purpose: 'admin', direction: 'internal', account_id: null,
    lead_id: null, opportunity_id: null, scheduled_at: '2024-09-30 10:00:00', status: 'held', duration_minutes: 30, outcome: null, rebooked_activity_id: null,
  });
  if (withHistory) {
    c.account_owners = [
      { account_id: 'A8', seller_id: 'S8', valid_from: '2023-06-01', valid_to: '2024-01-31' },
      { account_id: 'A8', seller_id: 'S7', valid_from: '2024-02-01', valid_to: null },
    ];
  }
  return c;
};

const q = (built: Built, sql: string) => built.db.query(sql);

describe('attribution with an account ownership history, fiscal year from October', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(attributionCompany(true), { settingsFile: octoberSettings() }); });
  afterAll(() => built?.db.close());

  it('credits each line to the seller responsible on its date', async () => {
    expect(await q(built, `SELECT invoice_id, seller_id, attribution FROM intermediate.int_revenue_lines
      WHERE account_id = 'A8' ORDER BY invoice_date`)).toEqual([
      { invoice_id: 'R1', seller_id: 'S8', attribution: 'account owner at invoice date' },
      { invoice_id: 'R2', seller_id: 'S8', attribution: 'account owner at invoice date' },
      { invoice_id: 'R3', seller_id: 'S7', attribution: 'account owner at invoice date' },
      { invoice_id: 'R4', seller_id: 'S7', attribution: 'account owner at invoice date' },
      { invoice_id: 'F81', seller_id: 'S7', attribution: 'account owner at invoice date' },
    ]);
  });

  it('names every seller in the seller_labels model, by name until the site pseudonymises them', async () => {
    expect(await q(built, 'SELECT seller_id, seller_label FROM marts.seller_labels ORDER BY seller_id')).toEqual([
      { seller_id: 'S1', seller_label: 'Alice Martin' }, { seller_id: 'S2', seller_label: 'Bruno Petit' },
      { seller_id: 'S7', seller_label: 'Gaëlle Simon' }, { seller_id: 'S8', seller_label: 'Hugo Lambert' },
    ]);
  });

  it('credits no euro outside a seller\'s employment', async () => {
    expect(await q(built, `SELECT count(*) AS n FROM intermediate.int_revenue_lines r JOIN staging.stg_sellers s USING (seller_id)
      WHERE r.invoice_date < s.start_date OR r.invoice_date > coalesce(s.leave_date, DATE '9999-12-31')`)).toEqual([{ n: 0 }]);
  });

  it('pro-rates objectives to the days employed and compares them over the same days', async () => {
    expect(await q(built, `SELECT seller_id, revenue, revenue_objective, round(attainment, 4) AS attainment
      FROM marts.quota_attainment WHERE period_type = 'quarter' AND period_start = DATE '2024-01-01' AND seller_id IN ('S7', 'S8') ORDER BY seller_id`)).toEqual([
      { seller_id: 'S7', revenue: 7000, revenue_objective: 7600, attainment: 0.9211 },
      { seller_id: 'S8', revenue: 1000, revenue_objective: 1500, attainment: 0.6667 },
    ]);
    // The joiner's January carries the 16 days from 16 January: 1 600.
    expect(await q(built, `SELECT revenue_objective FROM marts.quota_attainment
      WHERE seller_id = 'S7' AND period_type = 'month' AND period_start = DATE '2024-01-01'`)).toEqual([{ revenue_objective: 1600 }]);
  });

  it('labels fiscal years and quarters from October and opens on the last complete fiscal year', async () => {
    expect(await q(built, `SELECT period_type, period_start, period_end, label, is_complete, is_last_complete_year FROM marts.calendar
      WHERE period_type = 'year' OR (period_type = 'quarter' AND period_start = DATE '2024-01-01') ORDER BY period_type, period_start`)).toEqual([
      { period_type: 'quarter', period_start: '2024-01-01', period_end: '2024-03-31', label: 'T2 ex. 2024', is_complete: true, is_last_complete_year: false },
      // FY2023 is cut by the first day of data (2023-09-12): partial, never the year pages open on.
      { period_type: 'year', period_start: '2022-10-01', period_end: '2023-09-30', label: 'Exercice 2023', is_complete: false, is_last_complete_year: false },
      { period_type: 'year', period_start: '2023-10-01', period_end: '2024-09-30', label: 'Exercice 2024', is_complete: true, is_last_complete_year: true },
    ]);
    // FY2024 revenue: fixture F1 12 000 − AV1 1 200 + A8's 4 × 1 000 + 5 000 = 19 800, all in one fiscal year.
    expect(await q(built, `SELECT revenue FROM marts.revenue_growth WHERE period_type = 'year' AND period_start = DATE '2023-10-01' AND segment = 'Tous les segments'`))
      .toEqual([{ revenue: 19800 }]);
  });
});

describe('attribution without an ownership history', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(attributionCompany(false), { settingsFile: octoberSettings() }); });
  afterAll(() => built?.db.close());

  it('credits the current owner only within their employment, else no seller', async () => {
    expect(await q(built, `SELECT invoice_id, seller_id, attribution FROM intermediate.int_revenue_lines
      WHERE account_id = 'A8' ORDER BY invoice_date`)).toEqual([
      { invoice_id: 'R1', seller_id: null, attribution: 'none' },
      { invoice_id: 'R2', seller_id: null, attribution: 'none' },
      { invoice_id: 'R3', seller_id: 'S7', attribution: 'current account owner' },
      { invoice_id: 'R4', seller_id: 'S7', attribution: 'current account owner' },
      { invoice_id: 'F81', seller_id: 'S7', attribution: 'current account owner' },
    ]);
    // The 2 000 credited to no seller stay in the company's revenue (19 800 for FY2024).
    expect(await q(built, `SELECT revenue FROM marts.revenue_growth WHERE period_type = 'year' AND period_start = DATE '2023-10-01' AND segment = 'Tous les segments'`))
      .toEqual([{ revenue: 19800 }]);
  });
});

describe('definitions: new customers and acquisition time', () => {
  // The fixture (calendar years) plus a lead L9 on A1 on 2024-01-10, after A1's first purchase
  // (F1, 2023-11-20), whose deal O9 is won on 2024-01-25 and invoiced 2 000 on 2024-01-26; and a
  // held call T9 with A1 as a prospect on 2024-01-12, after that first purchase.
  //   L1 (2023-09-12) → A1's first purchase 2023-11-20 comes after it: a new customer.
  //   L9 → A1 was already a customer: its won deal makes no new customer.
  //   Leads: L1, L2, L9 = 3; new customers from leads: L1 = 1 → 1 / 3.
  //   Acquisition time: T1 (held call, 2023-09-12) and T3 (held meeting, 2023-09-28) before the first
  //   purchase count; T2 (no-show) took no time; T9 is after the first purchase.
  let built: Built;
  beforeAll(async () => {
    const c = company();
    c.leads!.push({ lead_id: 'L9', account_id: 'A1', contact_id: 'C1', source: 'website', campaign_id: null, warmth: 'warm', owner_seller_id: 'S2',
      created_at: '2024-01-10 09:00:00', first_touch_at: '2024-01-12 10:00:00', status: 'qualified' });
    c.opportunities!.push({ opportunity_id: 'O9', account_id: 'A1', lead_id: 'L9', owner_seller_id: 'S2', product_line: 'Services', amount: 2000,
      origin: 'marketing', created_at: '2024-01-12', closed_at: '2024-01-25', stage: 'won', loss_reason: null });
    invoice(c, 'F9', 'A1', 'O9', '2024-01-26', 2000);
    c.activities!.push({ activity_id: 'T9', seller_id: 'S2', type: 'call', counterpart: 'prospect', purpose: 'prospecting', direction: 'outbound',
      account_id: 'A1', lead_id: 'L9', opportunity_id: null, scheduled_at: '2024-01-12 10:00:00', status: 'held', duration_minutes: 30,
      outcome: 'next_meeting_booked', rebooked_activity_id: null });
    built = await buildModelsOn(c);
  });
  afterAll(() => built?.db.close());

  it('counts a lead as won only when it brought a new customer', async () => {
    expect(await q(built, `SELECT lead_id, became_customer FROM intermediate.int_lead_engagement ORDER BY lead_id`)).toEqual([
      { lead_id: 'L1', became_customer: true }, { lead_id: 'L2', became_customer: false }, { lead_id: 'L9', became_customer: false },
    ]);
    expect(await q(built, `SELECT sum(customer_leads) AS won, sum(leads) AS leads FROM marts.lead_conversion`)).toEqual([{ won: 1, leads: 3 }]);
  });

  it('counts as acquisition time the held activities before the first purchase', async () => {
    expect(await q(built, `SELECT activity_id, is_acquisition FROM intermediate.int_activities_enriched ORDER BY activity_id`)).toEqual([
      { activity_id: 'T1', is_acquisition: true }, { activity_id: 'T2', is_acquisition: false },
      { activity_id: 'T3', is_acquisition: true }, { activity_id: 'T9', is_acquisition: false },
    ]);
  });
});
