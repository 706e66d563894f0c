/**
 * The deal pages' models on a hand-checkable company: the fixture company (O1 won) plus deals worked
 * out by hand. Fiscal year = calendar year. Data end (reference day) 2024-03-31: an activity held
 * that day on P1. The data ending on Q1's last day, the current quarter is T2 ex. 2024 (the quarter of
 * the day after, the landing forecast's as-of) and the next one T3 ex. 2024. Settings: funnel.quietAfterDays 30, commit from a stage win rate of 0.7, best case
 * from 0.6.
 *
 * Closed deals (all seller S2; A1 = Or, A2 = Bronze), each with a 'qualified' entry at creation:
 *   O1 won  2023-11-15, Or,     proposal 2023-10-10            (qualified→won 56 d, proposal→won 36 d)
 *   W2 won  2023-11-06, Or,     proposal 2023-10-16            (35 d, 21 d)
 *   W3 won  2024-01-15, Bronze, proposal 2023-11-06, negotiation 2023-12-11   (75 d, 70 d)
 *   W4 won  2024-02-05, Or,     proposal 2023-12-04, negotiation 2024-01-15   (66 d, 63 d)
 *   L5 lost 2023-12-20, Bronze, proposal 2023-10-20, negotiation 2023-11-20, « Prix trop élevé »
 *   L6 lost 2024-02-20, Or,     qualified only, no reason
 *   L7 lost 2024-01-10, Or,     proposal 2023-11-20, « Prix trop élevé »
 * Stage win rates (won / decided among closed deals that reached the stage): qualified 4/7,
 * proposal 4/6 (L6 never reached it), negotiation 2/3 (W3, W4 won; L5 lost).
 *
 * Open deals on 2024-03-31:
 *   P1 proposal since 2024-03-11 (20 d), 10 000 €, S2, no CRM close: won from proposal after > 20 d:
 *      21, 36, 63, 70 → lower median (2nd of 4) 36 d → 2024-04-16, T2 ex. 2024; best case (2/3 ≥ 0.6).
 *   P2 proposal since 2024-01-22 (69 d), 20 000 €, S2, no CRM close: only 70 > 69 → 2024-04-01, T2.
 *      Last held activity 2024-02-20 (a meeting planned 2024-03-29 is not held) → 40 d: quiet.
 *   P3 qualified, created 2024-03-25, no history (6 d), 5 000 €, S2, no CRM close: won from qualified
 *      35, 56, 66, 75 → 2nd of 4 = 56 d → 2024-05-20, T2; pipeline (4/7 < 0.6).
 *   P4 negotiation since 2024-02-12, 30 000 €, S2, CRM close 2024-03-28 (overdue), CRM category commit;
 *      last activity held 2024-03-01 → 30 d: not quiet (more than 30 days is).
 *   P5 negotiation since 2024-03-01, 40 000 €, S1, CRM close 2024-07-15 (T3), no category → best case
 *      (2/3); no activity, created 2024-02-15 → 45 d: quiet.
 *   P6 qualified, created 2024-01-20, 2 000 €, S2, CRM close 2024-02-15 (overdue), CRM category
 *      omitted; a cancelled meeting 2024-03-20 does not count → 71 d since creation: quiet.
 * Objective of S1 for July–September 2024 (the next quarter): 80 000 € (none for S2, who has no deal
 * expected then: no row).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, type Built } from './helpers/models.js';
import { dealsCompany } from './helpers/deals-company.js';
import { tempDir } from './helpers/load.js';

type Row = Record<string, unknown>;

const settings = () => {
  const file = path.join(tempDir('bi-settings-'), 'kpi-settings.yaml');
  fs.writeFileSync(file, 'calendar:\n  fiscalYearFirstMonth: 1\nfunnel:\n  quietAfterDays: 30\n  commitFromProbability: 0.7\n  bestCaseFromProbability: 0.6\n');
  return file;
};

let built: Built;
beforeAll(async () => { built = await buildModelsOn(dealsCompany(), { settingsFile: settings() }); });
afterAll(() => built?.db.close());

const day = (v: unknown) => (v == null ? null : String(v).slice(0, 10));

describe('open deals at the reference day', () => {
  it('derives the expected close from the stage history only where the CRM gives none, and says so', async () => {
    const rows = await built.db.query<Row>(`SELECT opportunity_id, stage, days_in_stage, expected_close_at, expected_close_source, expected_close_quarter,
      is_close_overdue, reference_day FROM intermediate.int_open_deals ORDER BY opportunity_id`);
    expect(rows.map((r) => [r.opportunity_id, r.stage, r.days_in_stage, day(r.expected_close_at), r.expected_close_source, r.expected_close_quarter, r.is_close_overdue])).toEqual([
      ['P1', 'proposal', 20, '2024-04-16', 'stage_history', 'T2 ex. 2024', false],
      ['P2', 'proposal', 69, '2024-04-01', 'stage_history', 'T2 ex. 2024', false],
      ['P3', 'qualified', 6, '2024-05-20', 'stage_history', 'T2 ex. 2024', false],
      ['P4', 'negotiation', 48, '2024-03-28', 'crm', 'T1 ex. 2024', true],
      ['P5', 'negotiation', 30, '2024-07-15', 'crm', 'T3 ex. 2024', false],
      ['P6', 'qualified', 71, '2024-02-15', 'crm', 'T1 ex. 2024', true],
    ]);
    expect(new Set(rows.map((r) => day(r.reference_day)))).toEqual(new Set(['2024-03-31']));
  });

  it('takes the forecast category from the CRM, else from the stage win rate against the thresholds', async () => {
    const rows = await built.db.query<Row>(`SELECT opportunity_id, probability, weighted_amount, forecast_category, forecast_category_source
      FROM intermediate.int_open_deals ORDER BY opportunity_id`);
    expect(rows.map((r) => [r.opportunity_id, r.forecast_category, r.forecast_category_source])).toEqual([
      ['P1', 'best_case', 'stage_probability'], ['P2', 'best_case', 'stage_probability'], ['P3', 'pipeline', 'stage_probability'],
      ['P4', 'commit', 'crm'], ['P5', 'best_case', 'stage_probability'], ['P6', 'omitted', 'crm'],
    ]);
    const p = Object.fromEntries(rows.map((r) => [r.opportunity_id, r]));
    expect(p.P1!.probability).toBeCloseTo(4 / 6, 12);
    expect(p.P3!.probability).toBeCloseTo(4 / 7, 12);
    expect(p.P5!.probability).toBeCloseTo(2 / 3, 12);
    expect(p.P2!.weighted_amount).toBeCloseTo(20000 * 4 / 6, 6);
    expect(p.P6!.weighted_amount).toBeCloseTo(2000 * 4 / 7, 6);
  });

  it('gone quiet: more than 30 days since the last held activity (or the creation), planned and cancelled ones not counted', async () => {
    const rows = await built.db.query<Row>('SELECT opportunity_id, days_without_activity, last_activity_at FROM marts.deals_gone_quiet ORDER BY opportunity_id');
    expect(rows.map((r) => [r.opportunity_id, r.days_without_activity, day(r.last_activity_at)])).toEqual([
      ['P2', 40, '2024-02-20'], ['P5', 45, null], ['P6', 71, null],
    ]);
    const p4 = await built.db.query<Row>("SELECT days_without_activity, is_quiet FROM marts.open_deals WHERE opportunity_id = 'P4'");
    expect(p4).toEqual([{ days_without_activity: 30, is_quiet: false }]);
  });
});

describe('deal marts', () => {
  it('open deals by expected close quarter × stage, tied to the open pipeline', async () => {
    const rows = await built.db.query<Row>(`SELECT expected_close_quarter, stage, sum(open_deals) AS deals, sum(amount) AS amount, sum(weighted_amount) AS weighted
      FROM marts.open_deals_by_close_quarter GROUP BY ALL ORDER BY 1, 2`);
    expect(rows.map((r) => [r.expected_close_quarter, r.stage, Number(r.deals), Number(r.amount)])).toEqual([
      ['T1 ex. 2024', 'negotiation', 1, 30000], ['T1 ex. 2024', 'qualified', 1, 2000],
      ['T2 ex. 2024', 'proposal', 2, 30000], ['T2 ex. 2024', 'qualified', 1, 5000], ['T3 ex. 2024', 'negotiation', 1, 40000],
    ]);
    expect(Number(rows[2]!.weighted)).toBeCloseTo(30000 * 4 / 6, 6);
    const [pipeline] = await built.db.query<Row>('SELECT sum(pipeline_value) AS v, sum(weighted_value) AS w FROM marts.open_pipeline');
    expect(Number(pipeline!.v)).toBe(107000);
    expect(Number(pipeline!.w)).toBeCloseTo(10000 * 4 / 6 + 20000 * 4 / 6 + 5000 * 4 / 7 + 30000 * 2 / 3 + 40000 * 2 / 3 + 2000 * 4 / 7, 6);
  });

  it('top deals of the current quarter (the one after the data\'s last day when that day ends a quarter), ranked by amount', async () => {
    const rows = await built.db.query<Row>('SELECT opportunity_id, amount_rank, current_quarter FROM marts.open_deals WHERE is_current_quarter ORDER BY amount_rank');
    expect(rows).toEqual([
      { opportunity_id: 'P2', amount_rank: 1, current_quarter: 'T2 ex. 2024' }, { opportunity_id: 'P1', amount_rank: 2, current_quarter: 'T2 ex. 2024' },
      { opportunity_id: 'P3', amount_rank: 3, current_quarter: 'T2 ex. 2024' },
    ]);
    const next = await built.db.query<Row>('SELECT opportunity_id FROM marts.open_deals WHERE is_next_quarter ORDER BY amount_rank');
    expect(next.map((r) => r.opportunity_id)).toEqual(['P5']);
  });

  it('pipeline by forecast category', async () => {
    const rows = await built.db.query<Row>(`SELECT forecast_category, sum(amount) AS amount, sum(open_deals) AS deals, sum(crm_category_deals) AS crm
      FROM marts.pipeline_by_forecast_category GROUP BY 1 ORDER BY 1`);
    expect(rows.map((r) => [r.forecast_category, Number(r.amount), Number(r.deals), Number(r.crm)])).toEqual([
      ['best_case', 70000, 3, 0], ['commit', 30000, 1, 1], ['omitted', 2000, 1, 1], ['pipeline', 5000, 1, 0],
    ]);
  });

  it("coverage of next quarter's objective by category", async () => {
    const rows = await built.db.query<Row>(`SELECT owner_seller_id, quarter, objective, commit_amount, best_case_amount, pipeline_amount, omitted_amount, coverage, commit_coverage
      FROM marts.next_quarter_coverage ORDER BY owner_seller_id`);
    expect(rows.map((r) => [r.owner_seller_id, r.quarter, Number(r.commit_amount), Number(r.best_case_amount), Number(r.pipeline_amount), Number(r.omitted_amount)])).toEqual([
      ['S1', 'T3 ex. 2024', 0, 40000, 0, 0],
    ]);
    expect(rows[0]!.objective).toBeCloseTo(80000, 6);
    expect(rows[0]!.coverage).toBeCloseTo(0.5, 9);
    expect(rows[0]!.commit_coverage).toBe(0);
  });

  it('win and loss reasons by quarter × segment × seller', async () => {
    const rows = await built.db.query<Row>(`SELECT close_quarter, segment, outcome, reason, deals, amount, share_of_lost
      FROM marts.win_loss_reasons WHERE owner_seller_id = 'S2' ORDER BY close_quarter, segment, outcome, reason`);
    expect(rows.map((r) => [r.close_quarter, r.segment, r.outcome, r.reason, Number(r.deals), Number(r.amount), r.share_of_lost])).toEqual([
      ['T1 ex. 2024', 'Bronze', 'won', '(affaire gagnée)', 1, 6000, null],
      ['T1 ex. 2024', 'Or', 'lost', '(non renseigné)', 1, 4000, 0.5],
      ['T1 ex. 2024', 'Or', 'lost', 'Prix trop élevé', 1, 7000, 0.5],
      ['T1 ex. 2024', 'Or', 'won', '(affaire gagnée)', 1, 15000, null],
      ['T4 ex. 2023', 'Bronze', 'lost', 'Prix trop élevé', 1, 9000, 1],
      ['T4 ex. 2023', 'Or', 'won', '(affaire gagnée)', 2, 20000, null],
    ]);
  });
});

describe('without an activities extract', () => {
  it('says nothing of activity: no deal is taken for quiet since its creation', async () => {
    const b = await buildModelsOn(dealsCompany(), { settingsFile: settings(), notProvided: ['activities'] });
    try {
      expect(await b.db.query('SELECT count(*)::INTEGER AS n, count(days_without_activity)::INTEGER AS known, count(is_quiet)::INTEGER AS flagged FROM marts.open_deals'))
        .toEqual([{ n: 6, known: 0, flagged: 0 }]);
      expect(await b.db.query('SELECT count(*)::INTEGER AS n FROM marts.deals_gone_quiet')).toEqual([{ n: 0 }]);
    } finally {
      b.db.close();
    }
  });
});
