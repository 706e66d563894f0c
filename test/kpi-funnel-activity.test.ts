/**
 * Funnel, conversion, activity and effort KPIs on the hand-checkable fixture company
 * (test/helpers/fixture-company.ts). Worked out by hand:
 *   L1 (Or, event, hot) created 2023-09-12 10:00, touched 15:00 (5 h) by call T1 (held, next meeting
 *   booked) → O1 created 2023-09-20, proposal 2023-10-10 09:00, won 2023-11-15 17:00 (12 000 €).
 *   Meeting T2 (2023-09-25) was a no-show, rebooked as T3 (2023-09-28, held 60 min, proposal requested).
 *   L2 (Bronze, content, cold) created 2023-10-01, never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, company, type Built } from './helpers/models.js';

let built: Built;
beforeAll(async () => { built = await buildModelsOn(company()); });
afterAll(() => built?.db.close());

const rows = (sql: string) => built.db.query(sql);

describe('funnel and conversion', () => {
  it('lead → customer rate and leads never engaged', async () => {
    expect(await rows(`SELECT month, segment, leads, customer_leads, lead_to_customer_rate, never_engaged_leads, never_touched_leads, never_engaged_rate
      FROM marts.lead_conversion ORDER BY month`)).toEqual([
      { month: '2023-09-01', segment: 'Or', leads: 1, customer_leads: 1, lead_to_customer_rate: 1, never_engaged_leads: 0, never_touched_leads: 0, never_engaged_rate: 0 },
      { month: '2023-10-01', segment: 'Bronze', leads: 1, customer_leads: 0, lead_to_customer_rate: 0, never_engaged_leads: 1, never_touched_leads: 1, never_engaged_rate: 1 },
    ]);
  });

  it('stage conversion, proposal win rate against the 30 % line, opportunities created', async () => {
    expect(await rows(`SELECT opportunities, reached_proposal, won, qualified_to_proposal_rate, proposal_to_won_rate FROM marts.stage_conversion`))
      .toEqual([{ opportunities: 1, reached_proposal: 1, won: 1, qualified_to_proposal_rate: 1, proposal_to_won_rate: 1 }]);
    expect(await rows(`SELECT month, seller_id, proposals_decided, proposals_won, win_rate, benchmark_win_rate, b2b_average_win_rate FROM marts.proposal_win_rate`))
      .toEqual([{ month: '2023-11-01', seller_id: 'S2', proposals_decided: 1, proposals_won: 1, win_rate: 1, benchmark_win_rate: 0.3, b2b_average_win_rate: 0.1 }]);
    expect(await rows(`SELECT month, origin, opportunities, pipeline_value FROM marts.opportunities_created`))
      .toEqual([{ month: '2023-09-01', origin: 'marketing', opportunities: 1, pipeline_value: 12000 }]);
  });

  it('a lost proposal counts in the denominator of the win rate', async () => {
    const c = company();
    c.opportunities!.push({ ...c.opportunities![0]!, opportunity_id: 'O2', lead_id: null, stage: 'lost', closed_at: '2023-11-20', loss_reason: 'prix' });
    c.opportunity_stage_history!.push({ opportunity_id: 'O2', stage: 'qualified', changed_at: '2023-09-20 09:00:00' },
      { opportunity_id: 'O2', stage: 'proposal', changed_at: '2023-10-01 09:00:00' }, { opportunity_id: 'O2', stage: 'lost', changed_at: '2023-11-20 09:00:00' });
    const other = await buildModelsOn(c);
    expect(await other.db.query(`SELECT proposals_decided, proposals_won, proposals_lost, win_rate FROM marts.proposal_win_rate`))
      .toEqual([{ proposals_decided: 2, proposals_won: 1, proposals_lost: 1, win_rate: 0.5 }]);
    other.db.close();
  });

  it('sales cycle (lead creation → won) and days in each stage', async () => {
    // 2023-09-12 → 2023-11-15 = 64 days; qualified 09-20 09:00 → proposal 10-10 09:00 = 20 days;
    // proposal 10-10 09:00 → won 11-15 17:00 = 36 days 8 hours.
    const [cycle] = await rows(`SELECT year, won_deals, total_cycle_days, avg_cycle_days, avg_days_qualified, avg_days_proposal FROM marts.sales_cycle`);
    expect(cycle).toMatchObject({ year: 2023, won_deals: 1, total_cycle_days: 64, avg_cycle_days: 64, avg_days_qualified: 20 });
    expect(cycle!.avg_days_proposal).toBeCloseTo(36 + 8 / 24, 10);
  });

  it('conversations to close: the held meeting T3, not the no-show', async () => {
    expect(await rows(`SELECT won_deals, conversations, conversations_per_won_deal FROM marts.conversations_to_close`))
      .toEqual([{ won_deals: 1, conversations: 1, conversations_per_won_deal: 1 }]);
  });

  it('lead response time by warmth', async () => {
    expect(await rows(`SELECT warmth, leads, touched_leads, total_response_hours, touched_within_24h, within_24h_rate FROM marts.lead_response_time ORDER BY warmth`))
      .toEqual([
        { warmth: 'cold', leads: 1, touched_leads: 0, total_response_hours: null, touched_within_24h: 0, within_24h_rate: 0 },
        { warmth: 'hot', leads: 1, touched_leads: 1, total_response_hours: 5, touched_within_24h: 1, within_24h_rate: 1 },
      ]);
  });

  it('seller outliers need a team to compare with', async () => {
    expect(await rows(`SELECT decided, won, rest_decided, z_score, is_outlier FROM marts.seller_conversion_outliers`))
      .toEqual([{ decided: 1, won: 1, rest_decided: 0, z_score: null, is_outlier: false }]);
  });
});

describe('open pipeline', () => {
  it('open deals by stage, weighted by what the stage historically wins, with the seller\'s manager', async () => {
    // O1 won (history reached proposal); O2 won and O3 lost, closed without history (taken to have
    // reached proposal); O4 open in proposal since 2024-02-01. Last day of data: O2's close, 2024-02-10.
    // Stage win rate of proposal = 2 won / 3 decided; weighted = 7 000 × 2/3; age 9 days, not stalled.
    const c = company();
    c.opportunities!.push(
      { opportunity_id: 'O2', account_id: 'A2', lead_id: null, owner_seller_id: 'S2', product_line: 'Service', amount: 3000, origin: 'sales', created_at: '2024-01-05', closed_at: '2024-02-10', stage: 'won', loss_reason: null },
      { opportunity_id: 'O3', account_id: 'A1', lead_id: null, owner_seller_id: 'S2', product_line: 'Logiciel', amount: 5000, origin: 'sales', created_at: '2023-12-01', closed_at: '2024-01-20', stage: 'lost', loss_reason: 'prix' },
      { opportunity_id: 'O4', account_id: 'A2', lead_id: null, owner_seller_id: 'S2', product_line: 'Logiciel', amount: 7000, origin: 'sales', created_at: '2024-02-01', closed_at: null, stage: 'proposal', loss_reason: null },
    );
    const other = await buildModelsOn(c);
    try {
      const [row] = await other.db.query<Record<string, unknown>>(`SELECT seller_id, team, manager_id, segment, product_line, stage, open_deals, pipeline_value,
        stage_win_rate, weighted_value, avg_age_days, stalled_deals, stalled_value, as_of FROM marts.open_pipeline`);
      expect(row).toEqual({ seller_id: 'S2', team: 'Paris', manager_id: 'S1', segment: 'Bronze', product_line: 'Logiciel', stage: 'proposal', open_deals: 1,
        pipeline_value: 7000, stage_win_rate: 2 / 3, weighted_value: expect.closeTo(7000 * 2 / 3, 6), avg_age_days: 9, stalled_deals: 0, stalled_value: 0, as_of: '2024-02-10' });
      expect(await other.db.query(`SELECT manager_id, sum(proposals_decided) AS decided, sum(proposals_won) AS won FROM marts.proposal_win_rate GROUP BY ALL`))
        .toEqual([{ manager_id: 'S1', decided: 3, won: 2 }]);
    } finally {
      other.db.close();
    }
  });
});

describe('activity and effort', () => {
  it('activities that advance: outcomes, not counts', async () => {
    expect(await rows(`SELECT type, held_activities, advancing_activities, advancing_rate FROM marts.activity_outcomes ORDER BY type`)).toEqual([
      { type: 'call', held_activities: 1, advancing_activities: 1, advancing_rate: 1 },
      { type: 'meeting', held_activities: 1, advancing_activities: 1, advancing_rate: 1 },
    ]);
  });

  it('conversations, prospect calls and prospecting e-mails', async () => {
    expect(await rows(`SELECT conversations, prospect_calls, prospecting_emails, emails_per_call FROM marts.prospecting_activity`))
      .toEqual([{ conversations: 2, prospect_calls: 1, prospecting_emails: 0, emails_per_call: 0 }]);
  });

  it('effort per target: meetings and hours per new customer', async () => {
    // Or, S2, 2023: T1 (20 min) + T2 (0) + T3 (60 min) = 4/3 h; 1 meeting held; 1 new customer (A1).
    const [effort] = await rows(`SELECT segment, activities, meetings_held, hours, new_customers, meetings_per_new_customer, hours_per_new_customer FROM marts.effort_per_target`);
    expect(effort).toMatchObject({ segment: 'Or', activities: 2, meetings_held: 1, new_customers: 1, meetings_per_new_customer: 1 });
    expect(effort!.hours).toBeCloseTo(4 / 3, 10);
  });

  it('coverage vs plan per segment', async () => {
    // Or: 8 calls + 3 meetings planned per account, A1 had 1 call and 1 meeting held → 2 / 11.
    // Bronze: 2 calls planned for A2, none held.
    expect(await rows(`SELECT segment, accounts, planned_touches, actual_touches, coverage_rate, under_covered_accounts FROM marts.coverage_vs_plan ORDER BY segment`)).toEqual([
      { segment: 'Bronze', accounts: 1, planned_touches: 2, actual_touches: 0, coverage_rate: 0, under_covered_accounts: 1 },
      { segment: 'Or', accounts: 1, planned_touches: 11, actual_touches: 2, coverage_rate: 2 / 11, under_covered_accounts: 1 },
    ]);
  });

  it('meeting no-shows and rebooking', async () => {
    expect(await rows(`SELECT planned_meetings, no_shows, rebooked, no_show_rate, rebooked_rate FROM marts.meeting_no_shows`))
      .toEqual([{ planned_meetings: 2, no_shows: 1, rebooked: 1, no_show_rate: 0.5, rebooked_rate: 1 }]);
  });

  it('selling time share against the 40 % ceiling', async () => {
    const c = company();
    c.activities!.push({ ...c.activities![0]!, activity_id: 'T4', type: 'admin', counterpart: 'internal', purpose: 'admin', direction: 'internal', account_id: null, lead_id: null, duration_minutes: 120, outcome: null });
    const other = await buildModelsOn(c);
    // 80 selling minutes, 120 admin minutes: non-selling share 120 / 200 = 60 % > 40 %.
    const [time] = await other.db.query<{ selling_hours: number; non_selling_hours: number; non_selling_share: number; above_target: boolean }>(
      `SELECT selling_hours, non_selling_hours, non_selling_share, above_target FROM marts.selling_time`);
    expect(time!.selling_hours).toBeCloseTo(80 / 60, 10);
    expect(time!.non_selling_hours).toBe(2);
    expect(time!.non_selling_share).toBeCloseTo(0.6, 10);
    expect(time!.above_target).toBe(true);
    other.db.close();
  });

  it('without activities, activity KPIs are unavailable and NULL, not zero', async () => {
    const other = await buildModelsOn(company(), { notProvided: ['activities'] });
    expect(await other.db.query(`SELECT kpi, available, unavailable_reason FROM marts.kpi_glossary WHERE kpi IN ('Meeting no-show rate', 'Conversations to close') ORDER BY kpi`)).toEqual([
      { kpi: 'Conversations to close', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Activités' },
      { kpi: 'Meeting no-show rate', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Activités' },
    ]);
    expect(await other.db.query(`SELECT won_deals, conversations, conversations_per_won_deal FROM marts.conversations_to_close`))
      .toEqual([{ won_deals: 1, conversations: null, conversations_per_won_deal: null }]);
    expect(await other.db.query(`SELECT leads, never_engaged_leads FROM marts.lead_conversion ORDER BY month`))
      .toEqual([{ leads: 1, never_engaged_leads: null }, { leads: 1, never_engaged_leads: null }]);
    other.db.close();
  });
});
