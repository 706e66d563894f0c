/**
 * Landing forecast and backtest on a hand-checkable company (the fixture company plus a few deals
 * and invoices). Worked out by hand, all in segment Or, seller S2 (team Paris):
 *   O1 won 2023-11-15 (proposal entered 2023-10-10: 36 days to close), O2 lost 2023-11-20 (had
 *   reached proposal), O3 won 2024-03-10 (proposal 2024-01-10: 60 days), O4 open, 10 000 €, in
 *   proposal since 2024-02-20. Invoices: F1 12 000 (2023-11-20), AV1 −1 200 (2023-12-05), a 450 €
 *   subscription on the 1st of Jan, Feb, Mar 2024 (no deal), O3 invoiced 8 000 on 2024-03-15.
 *   Data end 2024-03-15 → as of 2024-03-16; fiscal year = calendar year; Q1 2024 ends 2024-03-31.
 *   Proposal win rate as of then: O1, O3 won, O2 lost → 2/3. O4 is 25 days into proposal; both won
 *   deals took ≥ 25 days (36, 60); by the quarter's end O4 will be 40 days in: 1 of 2 closed within
 *   40 days → p = 1/2 for the quarter, 2/2 for the year. Expected: 10 000 × 2/3 × 1/2 = 3 333.33
 *   (quarter), 6 666.67 (year). Revenue to date: 450 × 3 + 8 000 = 9 350. Run-rate over the 2 months
 *   before March (Jan, Feb: 900, all of it recurring) = 450 / month; 16 days left in the quarter →
 *   450 × 16 / 30.4375 = 236.55 for both run-rates.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, MODELS_DIR, type Built } from './helpers/models.js';
import { addDeal, deal, forecastCompany, invoice } from './helpers/forecast-company.js';
import { tempDir } from './helpers/load.js';

const settingsFile = () => {
  const file = path.join(tempDir(), 'kpi-settings.yaml');
  fs.writeFileSync(file, 'calendar:\n  fiscalYearFirstMonth: 1\nforecast:\n  minDecided: 1\n  runRateMonths: 2\n  simulations: 500\n');
  return file;
};

let built: Built;
beforeAll(async () => { built = await buildModelsOn(forecastCompany(), { settingsFile: settingsFile() }); });
afterAll(() => built?.db.close());

describe('landing forecast', () => {
  it('the open deal in proposal: win rate 2/3, closes inside the quarter with probability 1/2, inside the year surely', async () => {
    const rows = await built.db.query(`SELECT period_type, opportunity_id, stage, age_days, win_rate, win_rate_basis, p_close_in_period, expected_amount
      FROM intermediate.int_forecast_open_deals WHERE as_of = DATE '2024-03-16' ORDER BY period_type`);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ period_type: 'quarter', opportunity_id: 'O4', stage: 'proposal', age_days: 25, win_rate_basis: 'étape × segment' });
    expect(rows[0]!.win_rate).toBeCloseTo(2 / 3, 12);
    expect(rows[0]!.p_close_in_period).toBeCloseTo(1 / 2, 12);
    expect(rows[0]!.expected_amount).toBeCloseTo(10000 / 3, 6);
    expect(rows[1]).toMatchObject({ period_type: 'year', p_close_in_period: 1 });
    expect(rows[1]!.expected_amount).toBeCloseTo(20000 / 3, 6);
  });

  it('company forecast per method, with the interval and the shown method', async () => {
    const rows = await built.db.query<Record<string, number | string | boolean | null>>(`SELECT period_start, period_end, method, revenue_to_date, pipeline_expected, recurring_forward, run_rate_forward, forecast, p10, p50, p90, is_shown
      FROM marts.forecast_landing WHERE scope_type = 'Entreprise' AND period_type = 'quarter' ORDER BY method`);
    const runRate = 450 * 16 / 30.4375;
    const by = Object.fromEntries(rows.map((r) => [r.method, r]));
    expect(by.pipeline).toMatchObject({ period_start: '2024-01-01', period_end: '2024-03-31', revenue_to_date: 9350 });
    expect(by.pipeline!.recurring_forward as number).toBeCloseTo(runRate, 9);
    expect(by.run_rate!.run_rate_forward as number).toBeCloseTo(runRate, 9);
    expect(by.pipeline!.forecast as number).toBeCloseTo(9350 + 10000 / 3 + runRate, 6);
    expect(by.run_rate!.forecast as number).toBeCloseTo(9350 + runRate, 6);
    expect(by.blend!.forecast as number).toBeCloseTo(9350 + 0.5 * (10000 / 3 + runRate) + 0.5 * runRate, 6);
    // One deal won with probability 1/3 in each draw: P10 and P50 are "not won", P90 is "won".
    expect(by.pipeline!.p10 as number).toBeCloseTo(9350 + runRate, 6);
    expect(by.pipeline!.p50 as number).toBeCloseTo(9350 + runRate, 6);
    expect(by.pipeline!.p90 as number).toBeCloseTo(9350 + 10000 + runRate, 6);
    // No backtest forecast for a quarter or year ended by the data's end except Q4 2023: exactly one method shown.
    expect(rows.filter((r) => r.is_shown)).toHaveLength(1);
  });

  it('breaks down by team, seller and segment, and the probability of reaching the objective', async () => {
    const c = forecastCompany();
    // Objectives of 5 000 € a month over Q1 2024 → 15 000 €: reached only in the draws where O4 is won (≈ 1/3).
    c.objectives = [1, 2, 3].map((m) => ({ seller_id: 'S2', period_start: `2024-0${m}-01`, period_end: `2024-0${m}-${m === 2 ? 29 : 31}`, revenue_target: 5000, new_customers_target: 1, meetings_target: 8 }));
    const other = await buildModelsOn(c, { settingsFile: settingsFile() });
    const rows = await other.db.query<Record<string, number | string | null>>(`SELECT scope_type, scope, objective, prob_reach_objective, forecast
      FROM marts.forecast_landing WHERE period_type = 'quarter' AND method = 'pipeline' ORDER BY scope_type, scope`);
    other.db.close();
    expect(rows.map((r) => [r.scope_type, r.scope])).toEqual([['Commercial', 'S2'], ['Entreprise', 'Entreprise'], ['Segment', 'Or'], ['Équipe', 'Paris']]);
    for (const r of rows) expect(r.forecast).toBeCloseTo(rows[0]!.forecast as number, 6);
    expect(rows.find((r) => r.scope_type === 'Segment')!.objective).toBeNull();
    const seller = rows.find((r) => r.scope_type === 'Commercial')!;
    expect(seller.objective).toBeCloseTo(15000, 9);
    expect(seller.prob_reach_objective as number).toBeGreaterThan(0.27);
    expect(seller.prob_reach_objective as number).toBeLessThan(0.4);
  });
});

describe('backtest', () => {
  // O5: open in proposal on 2023-12-01 (entered 2023-11-20), won 2024-01-20. As of 2023-12-01 the
  // history is O1 won and O2 lost → proposal win rate 1/2; O1 took 36 days from proposal and O5 will
  // be 41 days in by 2023-12-31 → p = 1; expected 6 000 × 1/2 = 3 000. Revenue to date in Q4: F1 12 000.
  const withO5 = (outcome: 'won' | 'lost') => {
    const c = forecastCompany();
    const closed = outcome === 'won' ? '2024-01-20' : '2023-12-10';
    addDeal(c, deal('O5', 6000, '2023-11-01', [['qualified', '2023-11-01 09:00:00'], ['proposal', '2023-11-20 09:00:00'], [outcome, `${closed} 09:00:00`]], closed, outcome));
    return c;
  };
  const asOfDec = (b: Built) => b.db.query<Record<string, number | string | boolean>>(`SELECT method, revenue_to_date, pipeline_expected, forecast, p10, p90, actual
    FROM marts.forecast_backtest WHERE as_of = DATE '2023-12-01' AND period_type = 'quarter' ORDER BY method`);

  it('recomputes the forecast as of a past month start, with what happened next', async () => {
    const b = await buildModelsOn(withO5('won'), { settingsFile: settingsFile() });
    const rows = await asOfDec(b);
    b.db.close();
    const pipeline = rows.find((r) => r.method === 'pipeline')!;
    expect(pipeline).toMatchObject({ revenue_to_date: 12000, actual: 12000 - 1200 });
    expect(pipeline.pipeline_expected as number).toBeCloseTo(3000, 9);
  });

  it('uses no information from after the as-of date', async () => {
    const before = await buildModelsOn(withO5('won'), { settingsFile: settingsFile() });
    // After 2023-12-01: O5 is lost instead of won, a deal is created and won within two weeks, a
    // large invoice lands, O4's amount changes. (Reading closes after the as-of date would give a
    // proposal win rate of 3/5 and p = 2/3: an expected 2 400 instead of 3 000.)
    const c = withO5('lost');
    addDeal(c, deal('O6', 4000, '2023-12-05', [['qualified', '2023-12-05 09:00:00'], ['proposal', '2023-12-06 09:00:00'], ['won', '2023-12-20 09:00:00']], '2023-12-20', 'won'));
    invoice(c, 'BIG', '2023-12-15', 99999, null);
    (c.opportunities!.find((o) => o.opportunity_id === 'O4')!).amount = 77777;
    const after = await buildModelsOn(c, { settingsFile: settingsFile() });
    const [x, y] = [await asOfDec(before), await asOfDec(after)];
    before.db.close(); after.db.close();
    const known = (rows: typeof x) => rows.map(({ actual: _a, ...r }) => r);
    expect(known(y)).toEqual(known(x));
    expect(y[0]!.actual).not.toEqual(x[0]!.actual); // the change was seen: it only reached the actual
  });
});

describe('interval calibrated on past errors', () => {
  // The model intermediate.int_forecast_intervals run over hand-made inputs (the built fixture's
  // estimates and errors replaced), minCalibration = 10 (the default). Worked out by hand:
  //   Known past quarter scores of the pipeline method (periods ended 2023-12-31, before the as-of
  //   date 2024-03-16): ten at horizon 3, −0.4, −0.3, …, 0.5; one at horizon 2, 9.0. One more, 100,
  //   belongs to a quarter ending 2024-03-31 — not known on 2024-03-16, so never used.
  //   Target A (horizon 3): forecast 1 000, revenue to date 800 → forward part 200. Its own horizon
  //   holds 10 scores: n = 10, P10 = ⌊0.1 × 11⌋ = 1st = −0.4 → 1 000 − 80 = 920; P90 = ⌈0.9 × 11⌉ =
  //   10th = 0.5 → 1 100; median (0 + 0.1) / 2 = 0.05 → 1 010. Objective 1 050 needs a score ≥ 0.25:
  //   0.3, 0.4, 0.5 → probability 3/10.
  //   Target B (horizon 1): its own horizon holds none, one month away (horizon 2) 1, two months
  //   away 10 more → n = 11: P10 = 1st = −0.4, P90 = ⌈0.9 × 12⌉ = 11th = 9.0; forward 100 →
  //   1 000 − 40 = 960 and 1 000 + 900 = 1 900.
  //   Target C (the year): no past year score → the simulated interval (500 / 1 500) and
  //   probability (0.5) are kept.
  //   Target D (a seller, horizon 3): sellers borrow the teams' scores — ten of 0.5 — not the
  //   company's: P10 = P90 = 1 000 + 200 × 0.5 = 1 100.
  it('takes the split-conformal order statistics of the nearest horizons, known at the as-of date', async () => {
    const db = built.db;
    await db.exec(`
      CREATE OR REPLACE TABLE intermediate.int_forecast_errors AS
      SELECT 'quarter' AS period_type, 'Entreprise' AS scope_type, 'pipeline' AS method, DATE '2023-12-31' AS period_end, 3 AS horizon_months, round(-0.4 + 0.1 * k, 10) AS relative_error FROM range(10) t(k)
      UNION ALL SELECT 'quarter', 'Entreprise', 'pipeline', DATE '2023-12-31', 2, 9.0
      UNION ALL SELECT 'quarter', 'Entreprise', 'pipeline', DATE '2024-03-31', 3, 100.0
      UNION ALL SELECT 'quarter', 'Équipe', 'pipeline', DATE '2023-12-31', 3, 0.5 FROM range(10);
      CREATE OR REPLACE TABLE intermediate.int_forecast_estimates AS
      SELECT DATE '2024-03-16' AS as_of, true AS is_current, period_type, DATE '2024-01-01' AS period_start, DATE '2024-03-31' AS period_end,
             horizon_months, CASE WHEN scope = 'D' THEN 'Commercial' ELSE 'Entreprise' END AS scope_type, scope, 'pipeline' AS method, revenue_to_date, 0 AS open_deals, 0.0 AS open_pipeline,
             0.0 AS pipeline_expected, 0.0 AS recurring_forward, 0.0 AS run_rate_forward, 1000.0 AS forecast, 500.0 AS p10, 950.0 AS p50, 1500.0 AS p90,
             objective, 0.5 AS prob_reach_objective
      FROM (VALUES ('quarter', 3, 'A', 800.0, 1050.0), ('quarter', 1, 'B', 900.0, NULL), ('year', 9, 'C', 800.0, NULL), ('quarter', 3, 'D', 800.0, NULL)) v(period_type, horizon_months, scope, revenue_to_date, objective);`);
    await db.exec(`CREATE OR REPLACE TABLE intermediate.int_forecast_intervals AS ${fs.readFileSync(path.join(MODELS_DIR, 'intermediate/int_forecast_intervals.sql'), 'utf8')}`);
    const rows = await db.query<Record<string, number | string | null>>(`SELECT scope, p10, p50, p90, landing, prob_reach_objective, interval_basis, calibration_errors
      FROM intermediate.int_forecast_intervals ORDER BY scope`);
    const [a, b, c, d] = rows;
    expect(a).toMatchObject({ interval_basis: 'erreurs passées', calibration_errors: 10 });
    expect(a!.p10 as number).toBeCloseTo(920, 9);
    expect(a!.p50 as number).toBeCloseTo(1010, 9);
    // Calibrated: the figure shown is the median, the method's 1 000 corrected by the median error.
    expect(a!.landing as number).toBeCloseTo(1010, 9);
    expect(a!.p90 as number).toBeCloseTo(1100, 9);
    expect(a!.prob_reach_objective as number).toBeCloseTo(0.3, 12);
    expect(b).toMatchObject({ interval_basis: 'erreurs passées', calibration_errors: 11 });
    expect(b!.p10 as number).toBeCloseTo(960, 9);
    expect(b!.p90 as number).toBeCloseTo(1900, 9);
    // Not calibrated: the simulation's interval and median, and the method's own figure shown.
    expect(c).toMatchObject({ interval_basis: 'simulation des affaires', calibration_errors: 0, p10: 500, p50: 950, p90: 1500, landing: 1000, prob_reach_objective: 0.5 });
    expect(d).toMatchObject({ interval_basis: 'erreurs passées', calibration_errors: 10, p10: 1100, p90: 1100 });
  });
});
