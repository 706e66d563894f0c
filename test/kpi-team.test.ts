/**
 * Team and dependency KPIs (catalogue section 5): seller revenue, concentration, revenue at risk,
 * performance distribution, quota attainment and the variable pay simulation, on the fixture
 * company grown into a small sales force whose every figure is worked out by hand below.
 *
 * THE TEAM COMPANY (fixture + these rows; all sellers employed since 2022)
 *   Paris: S1 manager, S2 and S3 account executives. Lyon: S4, S5, S6 account executives.
 *   2024 revenue (one invoice line each, deal owner credited):
 *     S2  F21 2024-03-05 30 000 (cost  8 000)  F22 2024-05-10 10 000 (cost 2 000) → 40 000, margin 30 000, account A3
 *     S3  F31 2024-03-12 30 000 (cost 15 000)                                   → 30 000, margin 15 000, account A4
 *     S4  F41 2024-03-20 20 000 (cost 10 000)                                   → 20 000, margin 10 000, account A5
 *     S5  F51 2024-06-03  6 000 (cost  3 000)                                   →  6 000, margin  3 000, account A6
 *     S6  F61 2024-06-20  4 000 (cost  2 000)                                   →  4 000, margin  2 000, account A7
 *     total 100 000, margin 60 000. Fixture: S2 F1 2023-11-20 12 000, credit note AV1 2023-12-05 −1 200.
 *   Accounts with status customer: A1, A3 (owner S2), A4 (S3), A5 (S4), A6 (S5); A7 is a former customer.
 *   Data runs from 2023-09-12 (fixture lead L1) to 2024-12-31 (an admin task of S1 and lead LS43):
 *   2024 is the last (and only) complete year.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, company, type Built, type Company } from './helpers/models.js';
import { tempDir } from './helpers/load.js';

const ALL = 'Toutes les équipes';

const seller = (seller_id: string, seller_name: string, team: string) => ({
  seller_id, seller_name, team, manager_id: 'S1', role: 'account_executive', hourly_cost: 40, start_date: '2022-01-03', leave_date: null,
});
const account = (account_id: string, segment: string, status: string, owner_seller_id: string) => ({
  account_id, account_name: `Société ${account_id}`, segment, industry: 'Services', employees: 50, size_band: 'PME', region: 'Auvergne-Rhône-Alpes',
  status, owner_seller_id, created_at: '2023-06-01',
});
const deal = (opportunity_id: string, account_id: string, owner: string, stage: string, created_at: string, closed_at: string | null, amount: number, product_line = 'Logiciel') => ({
  opportunity_id, account_id, lead_id: null, owner_seller_id: owner, product_line, amount, origin: 'sales', created_at, closed_at, stage,
  loss_reason: stage === 'lost' ? 'prix' : null,
});
const lead = (lead_id: string, owner: string, created_at: string, status: string) => ({
  lead_id, account_id: null, contact_id: null, source: 'website', campaign_id: null, warmth: 'warm', owner_seller_id: owner, created_at, first_touch_at: null, status,
});
const meeting = (activity_id: string, seller_id: string, day: string, extra: Record<string, unknown> = {}) => ({
  activity_id, seller_id, type: 'meeting', counterpart: 'prospect', purpose: 'discovery', direction: 'outbound', account_id: null, lead_id: null,
  opportunity_id: null, scheduled_at: `${day} 10:00:00`, status: 'held', duration_minutes: 60, outcome: null, rebooked_activity_id: null, ...extra,
});
const objective = (seller_id: string, period_start: string, period_end: string, revenue_target: number, new_customers_target: number | null) => ({
  seller_id, period_start, period_end, revenue_target, new_customers_target, meetings_target: null,
});

/** Adds one invoice with one line billing `net` at cost `cost`. */
const invoice = (c: Company, invoice_id: string, account_id: string, opportunity_id: string | null, invoice_date: string, net: number, cost: number, product_line = 'Logiciel') => {
  c.invoices!.push({ invoice_id, account_id, opportunity_id, invoice_date, document_type: 'invoice', currency: 'EUR' });
  c.invoice_lines!.push({ invoice_id, line_number: 1, product_line, product_code: 'X', quantity: 1, unit_price: net, discount_rate: 0, net_amount: net, unit_cost: cost });
};

export const teamCompany = (): Company => {
  const c = company();
  c.sellers!.push(seller('S3', 'Chloé Roux', 'Paris'), seller('S4', 'David Leroy', 'Lyon'), seller('S5', 'Emma Faure', 'Lyon'), seller('S6', 'Farid Benali', 'Lyon'));
  c.accounts!.push(
    account('A3', 'Or', 'customer', 'S2'), account('A4', 'Argent', 'customer', 'S3'), account('A5', 'Argent', 'customer', 'S4'),
    account('A6', 'Bronze', 'customer', 'S5'), account('A7', 'Bronze', 'former_customer', 'S6'),
  );
  c.opportunities!.push(
    deal('O21', 'A3', 'S2', 'won', '2024-02-01', '2024-03-01', 30000),
    deal('O22', 'A3', 'S2', 'won', '2024-04-01', '2024-05-01', 10000, 'Services'),
    deal('O23', 'A2', 'S2', 'proposal', '2024-06-01', null, 5000),
    deal('O31', 'A4', 'S3', 'won', '2024-02-10', '2024-03-10', 30000),
    deal('O32', 'A4', 'S3', 'lost', '2024-04-01', '2024-05-01', 8000),
    deal('O41', 'A5', 'S4', 'won', '2024-02-15', '2024-03-15', 20000),
    deal('O42', 'A5', 'S4', 'proposal', '2024-07-01', null, 1000),
    deal('O43', 'A5', 'S4', 'negotiation', '2024-07-02', null, 1000),
    deal('O44', 'A5', 'S4', 'proposal', '2024-07-03', null, 1000),
    deal('O51', 'A6', 'S5', 'won', '2024-05-01', '2024-06-01', 6000),
    deal('O61', 'A7', 'S6', 'won', '2024-05-10', '2024-06-15', 4000),
  );
  // O32 was lost after a proposal: only its stage history says it reached proposal (10 April 2024).
  c.opportunity_stage_history!.push(
    { opportunity_id: 'O32', stage: 'qualified', changed_at: '2024-04-01 09:00:00' },
    { opportunity_id: 'O32', stage: 'proposal', changed_at: '2024-04-10 09:00:00' },
    { opportunity_id: 'O32', stage: 'lost', changed_at: '2024-05-01 09:00:00' },
  );
  invoice(c, 'F21', 'A3', 'O21', '2024-03-05', 30000, 8000);
  invoice(c, 'F22', 'A3', 'O22', '2024-05-10', 10000, 2000, 'Services');
  invoice(c, 'F31', 'A4', 'O31', '2024-03-12', 30000, 15000);
  invoice(c, 'F41', 'A5', 'O41', '2024-03-20', 20000, 10000);
  invoice(c, 'F51', 'A6', 'O51', '2024-06-03', 6000, 3000);
  invoice(c, 'F61', 'A7', 'O61', '2024-06-20', 4000, 2000);
  c.leads!.push(
    lead('LS21', 'S2', '2024-01-10 10:00:00', 'qualified'), lead('LS22', 'S2', '2024-02-10 10:00:00', 'qualified'),
    lead('LS23', 'S2', '2024-03-10 10:00:00', 'new'), lead('LS24', 'S2', '2024-04-10 10:00:00', 'disqualified'),
    lead('LS31', 'S3', '2024-01-15 10:00:00', 'qualified'), lead('LS32', 'S3', '2024-02-15 10:00:00', 'qualified'),
    lead('LS41', 'S4', '2024-01-20 10:00:00', 'new'), lead('LS42', 'S4', '2024-02-20 10:00:00', 'working'),
    lead('LS43', 'S4', '2024-12-31 09:00:00', 'disqualified'),
    lead('LS61', 'S6', '2024-03-01 10:00:00', 'qualified'),
  );
  // Held meetings with prospects in 2024: S2 3 (plus an internal one and a no-show, not counted), S3 2, S4 1, S5 0, S6 5.
  c.activities!.push(
    meeting('M21', 'S2', '2024-02-05'), meeting('M22', 'S2', '2024-03-05'), meeting('M23', 'S2', '2024-04-05', { type: 'video' }),
    meeting('M24', 'S2', '2024-04-06', { counterpart: 'internal', purpose: 'admin', direction: 'internal' }),
    meeting('M25', 'S2', '2024-04-07', { status: 'no_show', duration_minutes: 0 }),
    meeting('M31', 'S3', '2024-02-06'), meeting('M32', 'S3', '2024-03-06', { counterpart: 'customer', purpose: 'account_management' }),
    meeting('M41', 'S4', '2024-02-07', { type: 'demo' }),
    meeting('M61', 'S6', '2024-02-08'), meeting('M62', 'S6', '2024-03-08'), meeting('M63', 'S6', '2024-04-08'),
    meeting('M64', 'S6', '2024-05-08'), meeting('M65', 'S6', '2024-06-08'),
    meeting('ADM', 'S1', '2024-12-31', { type: 'admin', counterpart: 'internal', purpose: 'admin', direction: 'internal', duration_minutes: 30 }),
  );
  // Objectives: S2 January (fixture: 10 000, 1 new customer; its meetings target is blanked), March,
  // and one straddling April and May (16 April – 15 May: 30 days, 15 in each month).
  c.objectives![0]!.meetings_target = null;
  c.objectives!.push(
    objective('S2', '2024-03-01', '2024-03-31', 20000, 0),
    objective('S2', '2024-04-16', '2024-05-15', 30000, 1),
    objective('S3', '2024-03-01', '2024-03-31', 40000, 1),
    objective('S4', '2024-03-01', '2024-03-31', 10000, 2),
    objective('S5', '2024-06-01', '2024-06-30', 12000, 1),
    objective('S6', '2024-06-01', '2024-06-30', 10000, 1),
  );
  return c;
};

/** A plan with all four criteria, so each is exercised: weights 0.4 / 0.2 / 0.2 / 0.2. */
const settingsFile = () => {
  const file = path.join(tempDir('bi-settings-'), 'kpi-settings.yaml');
  fs.writeFileSync(file, `calendar:
  fiscalYearFirstMonth: 1
variablePay:
  criteria:
    - { metric: revenue_attainment, weight: 0.4 }
    - { metric: meetings_per_week, weight: 0.2, target: 0.05 }
    - { metric: new_customers, weight: 0.2 }
    - { metric: win_rate, weight: 0.2, target: 0.5 }
`);
  return file;
};

const q = (built: Built, sql: string) => built.db.query(sql);

describe('team KPIs on the team company', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(teamCompany(), { settingsFile: settingsFile() }); });
  afterAll(() => built?.db.close());

  it('builds with every data test passing and 2024 as the last complete year', async () => {
    expect(built.run.tests.filter((t) => t.failures > 0)).toEqual([]);
    expect(await q(built, `SELECT period_start, is_complete, is_last_complete_year FROM intermediate.int_calendar WHERE period_type = 'year' ORDER BY 1`)).toEqual([
      { period_start: '2023-01-01', is_complete: false, is_last_complete_year: false },
      { period_start: '2024-01-01', is_complete: true, is_last_complete_year: true },
    ]);
  });

  it('seller revenue: rank, share and cumulative share; a credit-note-only month is not ranked', async () => {
    // 2024: 40/30/20/6/4 thousand → shares .4 .3 .2 .06 .04, cumulative .4 .7 .9 .96 1.
    // Within teams: Paris 70 000 (S2 4/7, S3 3/7), Lyon 30 000 (S4 2/3, S5 1/5, S6 2/15).
    const rows = await q(built, `SELECT seller_id, team, revenue, margin, margin_rate, customers_billed, revenue_rank, sellers_ranked, ranked_revenue,
        cumulative_revenue, team_revenue_rank, team_ranked_revenue
      FROM marts.seller_revenue WHERE period_type = 'year' AND period_start = '2024-01-01' ORDER BY revenue_rank`);
    expect(rows).toEqual([
      { seller_id: 'S2', team: 'Paris', revenue: 40000, margin: 30000, margin_rate: 0.75, customers_billed: 1, revenue_rank: 1, sellers_ranked: 5, ranked_revenue: 100000, cumulative_revenue: 40000, team_revenue_rank: 1, team_ranked_revenue: 70000 },
      { seller_id: 'S3', team: 'Paris', revenue: 30000, margin: 15000, margin_rate: 0.5, customers_billed: 1, revenue_rank: 2, sellers_ranked: 5, ranked_revenue: 100000, cumulative_revenue: 70000, team_revenue_rank: 2, team_ranked_revenue: 70000 },
      { seller_id: 'S4', team: 'Lyon', revenue: 20000, margin: 10000, margin_rate: 0.5, customers_billed: 1, revenue_rank: 3, sellers_ranked: 5, ranked_revenue: 100000, cumulative_revenue: 90000, team_revenue_rank: 1, team_ranked_revenue: 30000 },
      { seller_id: 'S5', team: 'Lyon', revenue: 6000, margin: 3000, margin_rate: 0.5, customers_billed: 1, revenue_rank: 4, sellers_ranked: 5, ranked_revenue: 100000, cumulative_revenue: 96000, team_revenue_rank: 2, team_ranked_revenue: 30000 },
      { seller_id: 'S6', team: 'Lyon', revenue: 4000, margin: 2000, margin_rate: 0.5, customers_billed: 1, revenue_rank: 5, sellers_ranked: 5, ranked_revenue: 100000, cumulative_revenue: 100000, team_revenue_rank: 3, team_ranked_revenue: 30000 },
    ]);
    const shares = await q(built, `SELECT seller_id, revenue_share, cumulative_revenue_share, team_revenue_share FROM marts.seller_revenue
      WHERE period_type = 'year' AND period_start = '2024-01-01' ORDER BY revenue_rank`);
    const expected = [[0.4, 0.4, 4 / 7], [0.3, 0.7, 3 / 7], [0.2, 0.9, 2 / 3], [0.06, 0.96, 1 / 5], [0.04, 1, 2 / 15]];
    shares.forEach((r, i) => {
      expect(r.revenue_share).toBeCloseTo(expected[i]![0]!, 12);
      expect(r.cumulative_revenue_share).toBeCloseTo(expected[i]![1]!, 12);
      expect(r.team_revenue_share).toBeCloseTo(expected[i]![2]!, 12);
    });
    // December 2023 holds only the credit note AV1 (−1 200): kept, not ranked.
    expect(await q(built, `SELECT revenue, is_ranked, revenue_rank, revenue_share, customers_billed FROM marts.seller_revenue WHERE period_type = 'month' AND period_start = '2023-12-01'`))
      .toEqual([{ revenue: -1200, is_ranked: false, revenue_rank: null, revenue_share: null, customers_billed: 0 }]);
  });

  it('seller concentration: HHI, Gini, best seller share and risk zone, for all sellers and per team', async () => {
    const rows = await q(built, `SELECT team, sellers_with_revenue, total_revenue, top_seller_id, top_seller_revenue, top_seller_share, hhi, hhi_10000, gini,
        risk_top_fraction, risk_top_sellers, risk_top_revenue, risk_top_share, risk_zone_threshold, risk_zone
      FROM marts.seller_concentration WHERE period_type = 'year' AND period_start = '2024-01-01' ORDER BY team`);
    // All: HHI = .4² + .3² + .2² + .06² + .04² = .2952. Gini: ascending 4, 6, 20, 30, 40 (thousand),
    // Σ i·x = 4 + 12 + 60 + 120 + 200 = 396 → 2 × 396 / (5 × 100) − 6/5 = 0.384. Top 10 % of 5 sellers
    // = max(1, ceil(0.5)) = 1 seller carrying 40 % ≥ 30 % → risk zone.
    // Lyon: shares 2/3, 1/5, 2/15 → HHI 113/225; Gini: 4, 6, 20 → Σ i·x = 76 → 152/90 − 4/3 = 16/45.
    // Paris: 4/7, 3/7 → HHI 25/49; Gini: 30, 40 → Σ i·x = 110 → 220/140 − 3/2 = 1/14.
    const expected = {
      [ALL]: { n: 5, total: 100000, top: 'S2', topRevenue: 40000, hhi: 0.2952, gini: 0.384 },
      Lyon: { n: 3, total: 30000, top: 'S4', topRevenue: 20000, hhi: 113 / 225, gini: 16 / 45 },
      Paris: { n: 2, total: 70000, top: 'S2', topRevenue: 40000, hhi: 25 / 49, gini: 1 / 14 },
    } as Record<string, { n: number; total: number; top: string; topRevenue: number; hhi: number; gini: number }>;
    expect(rows.map((r) => r.team)).toEqual(['Lyon', 'Paris', ALL]);
    for (const r of rows) {
      const e = expected[r.team as string]!;
      expect(r).toMatchObject({ sellers_with_revenue: e.n, total_revenue: e.total, top_seller_id: e.top, top_seller_revenue: e.topRevenue,
        risk_top_fraction: 0.1, risk_top_sellers: 1, risk_top_revenue: e.topRevenue, risk_zone_threshold: 0.3, risk_zone: true });
      expect(r.top_seller_share).toBeCloseTo(e.topRevenue / e.total, 12);
      expect(r.risk_top_share).toBeCloseTo(e.topRevenue / e.total, 12);
      expect(r.hhi).toBeCloseTo(e.hhi, 12);
      expect(r.hhi_10000).toBeCloseTo(e.hhi * 10000, 8);
      expect(r.gini).toBeCloseTo(e.gini, 12);
    }
    // Q1 2024: S2 30 000 and S3 30 000 tie (S2 ranks first by id), S4 20 000: best share 30/80 = .375,
    // HHI = 2 × .375² + .25² = .34375, Gini: 20, 30, 30 → Σ i·x = 170 → 340/240 − 4/3 = 1/12.
    const [q1] = await q(built, `SELECT top_seller_id, top_seller_share, hhi, gini, risk_zone FROM marts.seller_concentration
      WHERE period_type = 'quarter' AND period_start = '2024-01-01' AND team = '${ALL}'`);
    expect(q1).toMatchObject({ top_seller_id: 'S2', top_seller_share: 0.375, hhi: 0.34375, risk_zone: true });
    expect(q1!.gini).toBeCloseTo(1 / 12, 12);
    // 2023: S2 alone (12 000 − 1 200): HHI 1, Gini 0; December 2023 (credit note only) has no row.
    expect(await q(built, `SELECT total_revenue, hhi, gini FROM marts.seller_concentration WHERE period_type = 'year' AND period_start = '2023-01-01' AND team = '${ALL}'`))
      .toEqual([{ total_revenue: 10800, hhi: 1, gini: 0 }]);
    expect(await q(built, `SELECT * FROM marts.seller_concentration WHERE period_type = 'month' AND period_start = '2023-12-01'`)).toEqual([]);
  });

  it('top seller shares for each fraction of concentration.topShares', async () => {
    // 5 % and 10 % of 5 sellers both round up to 1 seller: S2, 40 000 / 100 000.
    expect(await q(built, `SELECT top_fraction, top_sellers, sellers_with_revenue, top_revenue, total_revenue, top_share FROM marts.top_seller_share
      WHERE period_type = 'year' AND period_start = '2024-01-01' AND team = '${ALL}' ORDER BY top_fraction`)).toEqual([
      { top_fraction: 0.05, top_sellers: 1, sellers_with_revenue: 5, top_revenue: 40000, total_revenue: 100000, top_share: 0.4 },
      { top_fraction: 0.1, top_sellers: 1, sellers_with_revenue: 5, top_revenue: 40000, total_revenue: 100000, top_share: 0.4 },
    ]);
  });

  it('revenue at risk if the top 1, 2, 3 sellers left', async () => {
    // Top 1 S2: 40 000 of 100 000, margin 30 000 of 60 000, bills A3, owns A1 and A3 (customers).
    // Top 2 + S3: 70 000, margin 45 000, bills A3 A4, owns 3. Top 3 + S4: 90 000, 55 000, 3 billed, 4 owned.
    // All sellers bill A3–A7 (5 accounts) and own 5 customers (A1 A3 A4 A5 A6; A7 is a former customer).
    expect(await q(built, `SELECT top_n, sellers_leaving, revenue_at_risk, total_revenue, margin_at_risk, total_margin,
        customers_billed_by_top, customers_billed, customers_owned_by_top, customers_owned
      FROM marts.revenue_at_risk WHERE period_type = 'year' AND period_start = '2024-01-01' AND team = '${ALL}' ORDER BY top_n`)).toEqual([
      { top_n: 1, sellers_leaving: 1, revenue_at_risk: 40000, total_revenue: 100000, margin_at_risk: 30000, total_margin: 60000, customers_billed_by_top: 1, customers_billed: 5, customers_owned_by_top: 2, customers_owned: 5 },
      { top_n: 2, sellers_leaving: 2, revenue_at_risk: 70000, total_revenue: 100000, margin_at_risk: 45000, total_margin: 60000, customers_billed_by_top: 2, customers_billed: 5, customers_owned_by_top: 3, customers_owned: 5 },
      { top_n: 3, sellers_leaving: 3, revenue_at_risk: 90000, total_revenue: 100000, margin_at_risk: 55000, total_margin: 60000, customers_billed_by_top: 3, customers_billed: 5, customers_owned_by_top: 4, customers_owned: 5 },
    ]);
    const [top3] = await q(built, `SELECT revenue_at_risk_share, margin_at_risk_share, customers_billed_share, customers_owned_share FROM marts.revenue_at_risk
      WHERE period_type = 'year' AND period_start = '2024-01-01' AND team = '${ALL}' AND top_n = 3`);
    expect(top3!.revenue_at_risk_share).toBeCloseTo(0.9, 12);
    expect(top3!.margin_at_risk_share).toBeCloseTo(55 / 60, 12);
    expect(top3).toMatchObject({ customers_billed_share: 0.6, customers_owned_share: 0.8 });
    // Paris has only 2 sellers with revenue: the top 3 are those 2, i.e. all of it; Paris owns 3 customers.
    expect(await q(built, `SELECT sellers_leaving, revenue_at_risk, revenue_at_risk_share, customers_owned_by_top, customers_owned FROM marts.revenue_at_risk
      WHERE period_type = 'year' AND period_start = '2024-01-01' AND team = 'Paris' AND top_n = 3`))
      .toEqual([{ sellers_leaving: 2, revenue_at_risk: 70000, revenue_at_risk_share: 1, customers_owned_by_top: 3, customers_owned: 3 }]);
  });

  it('performance distribution: percentile ranks on five metrics, composite and class', async () => {
    // Account executives in 2024 (percentile rank = (below + ½ tied) / sellers):
    //        revenue  leads (qualified)  proposals  won   →  percentiles rev, leads, qual, prop, won
    //   S2   40 000   4 (2) .5           3          2        .9  .9  .375  .7  .9   composite 3.775/5 = .755
    //   S3   30 000   2 (2) 1            2 (O32)    1        .7  .5  .75   .5  .4   2.85/5 = .57
    //   S4   20 000   3 (0) 0            4          1        .5  .7  .125  .9  .4   2.625/5 = .525
    //   S5    6 000   0  —  (no rate)    1          1        .3  .1  —     .2  .4   1.0/4 = .25
    //   S6    4 000   1 (1) 1            1          1        .1  .3  .75   .2  .4   1.75/5 = .35
    // (qualification: 4 sellers with leads; S3 and S6 tie at 1 → (2 + 1)/4 = .75; proposals S5, S6
    // tie → (0 + 1)/5 = .2; wins: four tie at 1 → 2/5 = .4.) Composite ranks S5 < S6 < S4 < S3 < S2 →
    // .1 .3 .5 .7 .9: S2 over-performing (≥ .9), S5 under-performing (≤ .1). S1, the only manager, has
    // no revenue, lead, proposal nor win: not rated (every percentile NULL, no class), not the .5 a
    // distribution of one zero would give; the account executives' ranks above are over the 5 of them.
    const rows = await q(built, `SELECT seller_id, role, revenue, leads_generated, leads_qualified, qualification_rate, proposals, won_deals,
        revenue_percentile, leads_percentile, qualification_percentile, proposals_percentile, won_deals_percentile, composite_percentile, performance_class
      FROM marts.performance_distribution WHERE year = '2024-01-01' ORDER BY seller_id`);
    expect(rows).toEqual([
      { seller_id: 'S1', role: 'manager', revenue: 0, leads_generated: 0, leads_qualified: 0, qualification_rate: null, proposals: 0, won_deals: 0,
        revenue_percentile: null, leads_percentile: null, qualification_percentile: null, proposals_percentile: null, won_deals_percentile: null, composite_percentile: null, performance_class: null },
      { seller_id: 'S2', role: 'account_executive', revenue: 40000, leads_generated: 4, leads_qualified: 2, qualification_rate: 0.5, proposals: 3, won_deals: 2,
        revenue_percentile: 0.9, leads_percentile: 0.9, qualification_percentile: 0.375, proposals_percentile: 0.7, won_deals_percentile: 0.9, composite_percentile: 0.9, performance_class: 'over_performing' },
      { seller_id: 'S3', role: 'account_executive', revenue: 30000, leads_generated: 2, leads_qualified: 2, qualification_rate: 1, proposals: 2, won_deals: 1,
        revenue_percentile: 0.7, leads_percentile: 0.5, qualification_percentile: 0.75, proposals_percentile: 0.5, won_deals_percentile: 0.4, composite_percentile: 0.7, performance_class: 'average' },
      { seller_id: 'S4', role: 'account_executive', revenue: 20000, leads_generated: 3, leads_qualified: 0, qualification_rate: 0, proposals: 4, won_deals: 1,
        revenue_percentile: 0.5, leads_percentile: 0.7, qualification_percentile: 0.125, proposals_percentile: 0.9, won_deals_percentile: 0.4, composite_percentile: 0.5, performance_class: 'average' },
      { seller_id: 'S5', role: 'account_executive', revenue: 6000, leads_generated: 0, leads_qualified: 0, qualification_rate: null, proposals: 1, won_deals: 1,
        revenue_percentile: 0.3, leads_percentile: 0.1, qualification_percentile: null, proposals_percentile: 0.2, won_deals_percentile: 0.4, composite_percentile: 0.1, performance_class: 'under_performing' },
      { seller_id: 'S6', role: 'account_executive', revenue: 4000, leads_generated: 1, leads_qualified: 1, qualification_rate: 1, proposals: 1, won_deals: 1,
        revenue_percentile: 0.1, leads_percentile: 0.3, qualification_percentile: 0.75, proposals_percentile: 0.2, won_deals_percentile: 0.4, composite_percentile: 0.3, performance_class: 'average' },
    ]);
    const scores = await q(built, `SELECT seller_id, composite_score, employed_share FROM marts.performance_distribution WHERE year = '2024-01-01' AND role = 'account_executive' ORDER BY seller_id`);
    [0.755, 0.57, 0.525, 0.25, 0.35].forEach((s, i) => expect(scores[i]!.composite_score).toBeCloseTo(s, 12));
    expect(scores.every((r) => r.employed_share === 1)).toBe(true);
  });

  it('performance classes: sellers and revenue per class', async () => {
    // Over: S2 (40 000); average: S3 S4 S6 (54 000); under: S5 (6 000); of 5 sellers and 100 000.
    expect(await q(built, `SELECT performance_class, sellers, sellers_in_role, seller_share, revenue, role_revenue, revenue_share FROM marts.performance_classes
      WHERE year = '2024-01-01' AND role = 'account_executive' ORDER BY class_order`)).toEqual([
      { performance_class: 'over_performing', sellers: 1, sellers_in_role: 5, seller_share: 0.2, revenue: 40000, role_revenue: 100000, revenue_share: 0.4 },
      { performance_class: 'average', sellers: 3, sellers_in_role: 5, seller_share: 0.6, revenue: 54000, role_revenue: 100000, revenue_share: 0.54 },
      { performance_class: 'under_performing', sellers: 1, sellers_in_role: 5, seller_share: 0.2, revenue: 6000, role_revenue: 100000, revenue_share: 0.06 },
    ]);
    // The manager S1 has no activity: not rated, so the manager role has no one in any class (no
    // share to compute) rather than one seller "in the average".
    expect(await q(built, `SELECT performance_class, sellers, sellers_in_role, seller_share FROM marts.performance_classes
      WHERE year = '2024-01-01' AND role = 'manager' ORDER BY class_order`)).toEqual([
      { performance_class: 'over_performing', sellers: 0, sellers_in_role: 0, seller_share: null },
      { performance_class: 'average', sellers: 0, sellers_in_role: 0, seller_share: null },
      { performance_class: 'under_performing', sellers: 0, sellers_in_role: 0, seller_share: null },
    ]);
    expect(await q(built, `SELECT seller_id, is_rated, sellers_in_role FROM marts.performance_distribution WHERE year = '2024-01-01' AND seller_id IN ('S1', 'S2') ORDER BY seller_id`))
      .toEqual([{ seller_id: 'S1', is_rated: false, sellers_in_role: 0 }, { seller_id: 'S2', is_rated: true, sellers_in_role: 5 }]);
  });

  it('quota attainment per seller: objectives spread by days, revenue against them', async () => {
    // S2: January 10 000 (no revenue), March 20 000 (30 000 billed), 16 April–15 May 30 000 → 15 000
    // in April and 15 000 in May (10 000 billed in May). Q1: 30 000 vs 30 000 → reached (1.0).
    const rows = await q(built, `SELECT period_type, period_start, revenue_objective, revenue, attainment, reached_objective FROM marts.quota_attainment
      WHERE seller_id = 'S2' ORDER BY period_type, period_start`);
    expect(rows).toEqual([
      { period_type: 'month', period_start: '2024-01-01', revenue_objective: 10000, revenue: 0, attainment: 0, reached_objective: false },
      { period_type: 'month', period_start: '2024-03-01', revenue_objective: 20000, revenue: 30000, attainment: 1.5, reached_objective: true },
      { period_type: 'month', period_start: '2024-04-01', revenue_objective: 15000, revenue: 0, attainment: 0, reached_objective: false },
      { period_type: 'month', period_start: '2024-05-01', revenue_objective: 15000, revenue: 10000, attainment: 10000 / 15000, reached_objective: false },
      { period_type: 'quarter', period_start: '2024-01-01', revenue_objective: 30000, revenue: 30000, attainment: 1, reached_objective: true },
      { period_type: 'quarter', period_start: '2024-04-01', revenue_objective: 30000, revenue: 10000, attainment: 1 / 3, reached_objective: false },
      { period_type: 'year', period_start: '2024-01-01', revenue_objective: 60000, revenue: 40000, attainment: 2 / 3, reached_objective: false },
    ]);
    expect(await q(built, `SELECT seller_id, revenue_objective, revenue, attainment, reached_objective FROM marts.quota_attainment
      WHERE period_type = 'month' AND period_start = '2024-03-01' ORDER BY seller_id`)).toEqual([
      { seller_id: 'S2', revenue_objective: 20000, revenue: 30000, attainment: 1.5, reached_objective: true },
      { seller_id: 'S3', revenue_objective: 40000, revenue: 30000, attainment: 0.75, reached_objective: false },
      { seller_id: 'S4', revenue_objective: 10000, revenue: 20000, attainment: 2, reached_objective: true },
    ]);
  });

  it('team quota attainment: share of sellers reaching objective against the 70–80 % band', async () => {
    // March 2024: Paris S2 yes, S3 no → 1/2 below; Lyon S4 yes → 1/1 above; all 2/3 below.
    // Year 2024: S2 .67, S3 .75, S4 2, S5 .5, S6 .4 → Paris 0/2, Lyon 1/3, all 1/5; all revenue 100 000 of 132 000.
    const rows = await q(built, `SELECT period_type, team, sellers_with_objective, sellers_reaching, share_reaching, health, revenue_objective, revenue, healthy_low, healthy_high
      FROM marts.team_quota_attainment WHERE (period_type = 'month' AND period_start = '2024-03-01') OR period_type = 'year' ORDER BY period_type, team`);
    expect(rows).toEqual([
      { period_type: 'month', team: 'Lyon', sellers_with_objective: 1, sellers_reaching: 1, share_reaching: 1, health: 'above', revenue_objective: 10000, revenue: 20000, healthy_low: 0.7, healthy_high: 0.8 },
      { period_type: 'month', team: 'Paris', sellers_with_objective: 2, sellers_reaching: 1, share_reaching: 0.5, health: 'below', revenue_objective: 60000, revenue: 60000, healthy_low: 0.7, healthy_high: 0.8 },
      { period_type: 'month', team: ALL, sellers_with_objective: 3, sellers_reaching: 2, share_reaching: 2 / 3, health: 'below', revenue_objective: 70000, revenue: 80000, healthy_low: 0.7, healthy_high: 0.8 },
      { period_type: 'year', team: 'Lyon', sellers_with_objective: 3, sellers_reaching: 1, share_reaching: 1 / 3, health: 'below', revenue_objective: 32000, revenue: 30000, healthy_low: 0.7, healthy_high: 0.8 },
      { period_type: 'year', team: 'Paris', sellers_with_objective: 2, sellers_reaching: 0, share_reaching: 0, health: 'below', revenue_objective: 100000, revenue: 70000, healthy_low: 0.7, healthy_high: 0.8 },
      { period_type: 'year', team: ALL, sellers_with_objective: 5, sellers_reaching: 1, share_reaching: 0.2, health: 'below', revenue_objective: 132000, revenue: 100000, healthy_low: 0.7, healthy_high: 0.8 },
    ]);
  });

  it('variable pay simulation on the last complete year, with all four criteria', async () => {
    // 2024, 366 days employed: weeks = 366/7; target bonus 12 000; threshold .5, cap 1.5.
    // Criteria (weight): revenue (.4) = revenue / objective; meetings per week (.2) vs .05 →
    // attainment = meetings × 7 / (366 × .05); new customers (.2) vs objectives; win rate (.2) vs .5.
    //   S2: 40/60 = .667 | 3 mtg → 1.1475     | 1 / 2 = .5 | 2/2 = 1 → 2 → 1.5   → .4×.667 + .2×1.1475 + .2×.5 + .2×1.5
    //   S3: 30/40 = .75  | 2 mtg → .7650      | 1 / 1 = 1  | 1/2 → 1            → .3 + .2×.7650 + .2 + .2
    //   S4: 20/10 = 2→1.5| 1 mtg → .3825 → 0  | 1 / 2 = .5 | 1/1 → 2 → 1.5      → .6 + 0 + .1 + .3 = 1 → reaches target
    //   S5: 6/12 = .5    | 0 → 0              | 1 / 1 = 1  | 1/1 → 1.5          → .2 + 0 + .2 + .3 = .7
    //   S6: 4/10 = .4→0  | 5 mtg → 1.9126→1.5 | 1 / 1 = 1  | 1/1 → 1.5          → 0 + .3 + .2 + .3 = .8
    const meetings = (m: number) => (m * 7) / (366 * 0.05);
    const expected: Record<string, { revenue: number; objective: number; meetings: number; newCustomers: number; ncTarget: number; won: number; decided: number; weighted: number; atTarget: number }> = {
      S2: { revenue: 40000, objective: 60000, meetings: 3, newCustomers: 1, ncTarget: 2, won: 2, decided: 2, weighted: 0.4 * (2 / 3) + 0.2 * meetings(3) + 0.2 * 0.5 + 0.2 * 1.5, atTarget: 2 },
      S3: { revenue: 30000, objective: 40000, meetings: 2, newCustomers: 1, ncTarget: 1, won: 1, decided: 2, weighted: 0.4 * 0.75 + 0.2 * meetings(2) + 0.2 + 0.2, atTarget: 2 },
      S4: { revenue: 20000, objective: 10000, meetings: 1, newCustomers: 1, ncTarget: 2, won: 1, decided: 1, weighted: 1, atTarget: 2 },
      S5: { revenue: 6000, objective: 12000, meetings: 0, newCustomers: 1, ncTarget: 1, won: 1, decided: 1, weighted: 0.7, atTarget: 2 },
      S6: { revenue: 4000, objective: 10000, meetings: 5, newCustomers: 1, ncTarget: 1, won: 1, decided: 1, weighted: 0.8, atTarget: 3 },
    };
    const rows = await q(built, `SELECT * FROM marts.variable_pay_simulation ORDER BY seller_id`);
    expect(rows.map((r) => [r.year, r.seller_id, r.is_last_complete_year])).toEqual(['S2', 'S3', 'S4', 'S5', 'S6'].map((s) => ['2024-01-01', s, true]));
    for (const r of rows) {
      const e = expected[r.seller_id as string]!;
      expect(r).toMatchObject({
        employed_days: 366, target_bonus: 12000, criteria_in_plan: 4, revenue: e.revenue, revenue_objective: e.objective, meetings_held: e.meetings,
        meetings_per_week_target: 0.05, new_customers: e.newCustomers, new_customers_target: e.ncTarget, won_deals: e.won, decided_proposals: e.decided,
        win_rate_target: 0.5, revenue_weight: 0.4, meetings_weight: 0.2, new_customers_weight: 0.2, win_rate_weight: 0.2,
        criteria_at_target: e.atTarget, reaches_target: r.seller_id === 'S4',
      });
      expect(r.revenue_attainment).toBeCloseTo(e.revenue / e.objective, 12);
      expect(r.meetings_attainment).toBeCloseTo(meetings(e.meetings), 12);
      expect(r.weighted_attainment).toBeCloseTo(e.weighted, 12);
      expect(r.payout).toBeCloseTo(12000 * e.weighted, 8);
    }
    expect(rows.find((r) => r.seller_id === 'S4')).toMatchObject({ revenue_paid: 1.5, meetings_paid: 0, new_customers_paid: 0.5, win_rate_paid: 1.5 });
    expect(rows.find((r) => r.seller_id === 'S6')).toMatchObject({ revenue_paid: 0, meetings_paid: 1.5 });

    const [summary] = await q(built, `SELECT * FROM marts.variable_pay_summary`);
    const total = Object.values(expected).reduce((s, e) => s + 12000 * e.weighted, 0);
    expect(summary).toMatchObject({ year: '2024-01-01', is_last_complete_year: true, sellers: 5, sellers_simulated: 5, sellers_reaching_target: 1, share_reaching_target: 0.2, total_target_bonus: 60000 });
    expect(summary!.total_payout).toBeCloseTo(total, 6);
    expect(summary!.payout_ratio).toBeCloseTo(total / 60000, 12);
  });

  it('publishes its KPIs in the glossary, available, with numerator and denominator', async () => {
    const rows = await q(built, `SELECT kpi, model, numerator, denominator, available FROM marts.kpi_glossary
      WHERE model IN ('marts.seller_revenue', 'marts.seller_concentration', 'marts.top_seller_share', 'marts.revenue_at_risk', 'marts.performance_distribution',
        'marts.performance_classes', 'marts.quota_attainment', 'marts.team_quota_attainment', 'marts.variable_pay_simulation', 'marts.variable_pay_summary') ORDER BY model, kpi`);
    expect(rows.every((r) => r.available === true)).toBe(true);
    expect(rows.map((r) => r.kpi)).toEqual(expect.arrayContaining([
      'Seller share of revenue', 'Herfindahl-Hirschman index of seller revenue', 'Gini coefficient of seller revenue', 'Seller concentration risk zone',
      'Revenue share of the top sellers', 'Revenue at risk', 'Margin at risk', 'Performance class', 'Sellers per performance class', 'Quota attainment',
      'Share of sellers reaching objective', 'Variable pay simulation', 'Sellers reaching variable pay target',
    ]));
    expect(rows.find((r) => r.kpi === 'Share of sellers reaching objective')).toMatchObject({ numerator: 'sellers_reaching', denominator: 'sellers_with_objective' });
    expect(rows.find((r) => r.kpi === 'Revenue at risk')).toMatchObject({ numerator: 'revenue_at_risk', denominator: 'total_revenue' });
  });
});

describe('team KPIs without objectives and leads', () => {
  let built: Built;
  // campaign_leads goes with leads (its lead ids could not be checked against anything).
  beforeAll(async () => { built = await buildModelsOn(teamCompany(), { settingsFile: settingsFile(), notProvided: ['objectives', 'leads', 'campaign_leads'] }); });
  afterAll(() => built?.db.close());

  it('marks quota attainment and the variable pay unavailable, with the reason', async () => {
    expect(built.run.tests.filter((t) => t.failures > 0)).toEqual([]);
    const rows = await q(built, `SELECT kpi, available, unavailable_reason FROM marts.kpi_glossary
      WHERE kpi IN ('Quota attainment', 'Share of sellers reaching objective', 'Variable pay simulation', 'Leads generated per seller', 'Performance class', 'Revenue at risk') ORDER BY kpi`);
    expect(rows).toEqual([
      { kpi: 'Leads generated per seller', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Leads' },
      { kpi: 'Performance class', available: true, unavailable_reason: null },
      { kpi: 'Quota attainment', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Objectifs' },
      { kpi: 'Revenue at risk', available: true, unavailable_reason: null },
      { kpi: 'Share of sellers reaching objective', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Objectifs' },
      { kpi: 'Variable pay simulation', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Objectifs' },
    ]);
    expect(await q(built, 'SELECT count(*) AS n FROM marts.quota_attainment')).toEqual([{ n: 0 }]);
    expect(await q(built, 'SELECT count(*) AS n FROM marts.team_quota_attainment')).toEqual([{ n: 0 }]);
  });

  it('leaves the criteria that need objectives NULL, never 0, and the payout with them', async () => {
    // Revenue attainment and new customers have no target without objectives: NULL, so no payout.
    // Meetings (criterion target) and win rate (criterion target) are still measured.
    const [s2] = await q(built, `SELECT revenue, revenue_objective, revenue_attainment, revenue_paid, new_customers_target, new_customers_attainment,
        meetings_attainment, win_rate_attainment, weighted_attainment, payout, reaches_target FROM marts.variable_pay_simulation WHERE seller_id = 'S2'`);
    expect(s2).toMatchObject({ revenue: 40000, revenue_objective: null, revenue_attainment: null, revenue_paid: null, new_customers_target: null,
      new_customers_attainment: null, win_rate_attainment: 2, weighted_attainment: null, payout: null, reaches_target: null });
    expect(s2!.meetings_attainment).toBeCloseTo((3 * 7) / (366 * 0.05), 12);
    expect(await q(built, 'SELECT sellers, sellers_simulated, sellers_reaching_target, share_reaching_target, total_payout FROM marts.variable_pay_summary'))
      .toEqual([{ sellers: 5, sellers_simulated: 0, sellers_reaching_target: null, share_reaching_target: null, total_payout: null }]);
  });

  it('classes sellers on the metrics left: revenue, proposals and wins', async () => {
    // Without leads: composite = mean of revenue, proposals, won percentiles:
    //   S2 (.9 + .7 + .9)/3 = .833, S3 (.7 + .5 + .4)/3 = .533, S4 (.5 + .9 + .4)/3 = .6,
    //   S5 (.3 + .2 + .4)/3 = .3, S6 (.1 + .2 + .4)/3 = .233 → S6 .1 under, S5 .3, S3 .5, S4 .7, S2 .9 over.
    expect(await q(built, `SELECT seller_id, leads_generated, qualification_rate, leads_percentile, composite_percentile, performance_class FROM marts.performance_distribution
      WHERE year = '2024-01-01' AND role = 'account_executive' ORDER BY seller_id`)).toEqual([
      { seller_id: 'S2', leads_generated: null, qualification_rate: null, leads_percentile: null, composite_percentile: 0.9, performance_class: 'over_performing' },
      { seller_id: 'S3', leads_generated: null, qualification_rate: null, leads_percentile: null, composite_percentile: 0.5, performance_class: 'average' },
      { seller_id: 'S4', leads_generated: null, qualification_rate: null, leads_percentile: null, composite_percentile: 0.7, performance_class: 'average' },
      { seller_id: 'S5', leads_generated: null, qualification_rate: null, leads_percentile: null, composite_percentile: 0.3, performance_class: 'average' },
      { seller_id: 'S6', leads_generated: null, qualification_rate: null, leads_percentile: null, composite_percentile: 0.1, performance_class: 'under_performing' },
    ]);
  });
});
