/**
 * The forecast's error as it applies: the method is chosen at each as-of date from the errors known
 * then (intermediate.int_forecast_method_choice), that whole procedure is what the backtest measures
 * by horizon (marts.forecast_accuracy_by_horizon, with how many forecasts and years behind each
 * figure), and the landing quotes the error at its own horizon (marts.forecast_landing).
 *
 * The models run over hand-made inputs (the built forecast fixture's cutoffs, errors and intervals
 * replaced), company scope, quarters, fiscal year = calendar year. Worked out by hand:
 *   Past forecasts (actual; the figure shown by pipeline / run_rate / blend, and its error):
 *     as of 2023-07-01, Q3 2023 (ends 09-30), horizon 3, actual 1 000: 900 (10 %), 1 050 (5 %), 1 200 (20 %)
 *     as of 2023-10-01, Q4 2023 (ends 12-31), horizon 3, actual 2 000: 1 900 (5 %), 1 500 (25 %), 2 000 (0 %)
 *     as of 2023-11-01, Q4 2023,              horizon 2, actual 2 000: 2 100 (5 %), 1 700 (15 %), 1 900 (5 %)
 *     as of 2024-01-01, Q1 2024 (ends 03-31), horizon 3, actual 3 000: 2 700 (10 %), 3 300 (10 %), 3 000 (0 %)
 *   2023-07-01 is a calibration month start; the three others are the backtest's.
 *   Choice from the errors known at each date (periods ended before it):
 *     2023-10-01 and 2023-11-01: only Q3 2023 → run_rate (5 %), 1 error known.
 *     2024-01-01: Q3 and Q4 2023, 3 forecasts → pipeline (10 + 5 + 5) / 3 = 6,67 %, blend 8,33 %, run_rate 15 %.
 *     current, 2024-03-16: the same 3 (Q1 2024 has not ended) → pipeline.
 *     (Chosen on the whole backtest instead, blend would win with 1,67 %: hindsight.)
 *   What was shown: 2023-10-01 run_rate 1 500 (25 %), 2023-11-01 run_rate 1 700 (15 %), 2024-01-01 pipeline 2 700 (10 %).
 *   Intervals: shown figure × 0,8 to × 1,2 → 1 200–1 800 (2 000 out), 1 360–2 040 (in), 2 160–3 240 (in).
 *   By horizon: 2 → 1 forecast, 1 period, 1 year, 15 %, covered 1/1, mean error 300, bias 300 / 2 000 = 15 %.
 *     3 → 2 forecasts (Q4 2023, Q1 2024), 2 years, (25 + 10) / 2 = 17,5 %, covered 1/2, mean error (500 + 300) / 2 = 400,
 *       bias 800 / 5 000 = 16 %, pipeline once, run_rate once.
 *     all → 3 forecasts, 2 periods, 2 years, (25 + 15 + 10) / 3 = 16,67 %, covered 2/3, mean error 1 100 / 3, bias 1 100 / 7 000.
 *   Current landing, Q1 2024 at horizon 3 (set by hand): pipeline shown, its error at horizon 3 is 17,5 % from 2 forecasts of
 *   2 years. Teams T1 1 200 + T2 1 900 = 3 100 against 3 000 for the company; segment Or 3 000.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, MODELS_DIR, type Built } from './helpers/models.js';
import { forecastCompany } from './helpers/forecast-company.js';
import { tempDir } from './helpers/load.js';

const settingsFile = () => {
  const file = path.join(tempDir(), 'kpi-settings.yaml');
  fs.writeFileSync(file, 'calendar:\n  fiscalYearFirstMonth: 1\nforecast:\n  minDecided: 1\n  runRateMonths: 2\n  simulations: 100\n');
  return file;
};

const rebuild = (built: Built, table: string, file: string) =>
  built.db.exec(`CREATE OR REPLACE TABLE ${table} AS ${fs.readFileSync(path.join(MODELS_DIR, file), 'utf8')}`);

let built: Built;
beforeAll(async () => {
  built = await buildModelsOn(forecastCompany(), { settingsFile: settingsFile() });
  await built.db.exec(`
    CREATE OR REPLACE TABLE intermediate.int_forecast_cutoffs AS
    SELECT CAST(as_of AS DATE) AS as_of, is_current, is_backtest, 'quarter' AS period_type FROM (VALUES
      ('2023-07-01', false, false), ('2023-10-01', false, true), ('2023-11-01', false, true), ('2024-01-01', false, true), ('2024-03-16', true, false)) v(as_of, is_current, is_backtest);
    CREATE OR REPLACE TABLE hand_forecasts AS
    SELECT CAST(as_of AS DATE) AS as_of, 'quarter' AS period_type, CAST(period_start AS DATE) AS period_start, CAST(period_end AS DATE) AS period_end,
           horizon_months, 'Entreprise' AS scope_type, 'Entreprise' AS scope, method, CAST(shown AS DOUBLE) AS shown, CAST(actual AS DOUBLE) AS actual
    FROM (VALUES
      ('2023-07-01', '2023-07-01', '2023-09-30', 3, 'pipeline', 900, 1000), ('2023-07-01', '2023-07-01', '2023-09-30', 3, 'run_rate', 1050, 1000), ('2023-07-01', '2023-07-01', '2023-09-30', 3, 'blend', 1200, 1000),
      ('2023-10-01', '2023-10-01', '2023-12-31', 3, 'pipeline', 1900, 2000), ('2023-10-01', '2023-10-01', '2023-12-31', 3, 'run_rate', 1500, 2000), ('2023-10-01', '2023-10-01', '2023-12-31', 3, 'blend', 2000, 2000),
      ('2023-11-01', '2023-10-01', '2023-12-31', 2, 'pipeline', 2100, 2000), ('2023-11-01', '2023-10-01', '2023-12-31', 2, 'run_rate', 1700, 2000), ('2023-11-01', '2023-10-01', '2023-12-31', 2, 'blend', 1900, 2000),
      ('2024-01-01', '2024-01-01', '2024-03-31', 3, 'pipeline', 2700, 3000), ('2024-01-01', '2024-01-01', '2024-03-31', 3, 'run_rate', 3300, 3000), ('2024-01-01', '2024-01-01', '2024-03-31', 3, 'blend', 3000, 3000)
    ) v(as_of, period_start, period_end, horizon_months, method, shown, actual);
    CREATE OR REPLACE TABLE intermediate.int_forecast_errors AS
    SELECT as_of, period_type, period_start, period_end, horizon_months, scope_type, scope, method, 0.0 AS revenue_to_date, shown AS forecast, actual,
           actual - shown AS error, NULL::DOUBLE AS relative_error
    FROM hand_forecasts;
    CREATE OR REPLACE TABLE intermediate.int_forecast_intervals AS
    SELECT as_of, false AS is_current, period_type, period_start, period_end, horizon_months, scope_type, scope, method,
           0.0 AS revenue_to_date, 0 AS open_deals, 0.0 AS open_pipeline, 0.0 AS pipeline_expected, 0.0 AS recurring_forward, 0.0 AS run_rate_forward,
           shown AS forecast, 0.8 * shown AS p10, shown AS p50, shown AS landing, 1.2 * shown AS p90, NULL::DOUBLE AS objective, NULL::DOUBLE AS prob_reach_objective,
           'erreurs passées' AS interval_basis, 10 AS calibration_errors, 0.0 AS simulated_p10, 0.0 AS simulated_p90
    FROM hand_forecasts
    UNION ALL
    SELECT DATE '2024-03-16', true, 'quarter', DATE '2024-01-01', DATE '2024-03-31', 3, scope_type, scope, method,
           0.0, 0, 0.0, 0.0, 0.0, 0.0, shown, 0.9 * shown, shown, shown, 1.1 * shown, NULL, NULL, 'erreurs passées', 10, 0.0, 0.0
    FROM (VALUES ('Entreprise', 'Entreprise', 3000), ('Équipe', 'T1', 1200), ('Équipe', 'T2', 1900), ('Segment', 'Or', 3000)) s(scope_type, scope, shown)
    CROSS JOIN (VALUES ('pipeline'), ('run_rate'), ('blend')) m(method);`);
  await rebuild(built, 'marts.forecast_backtest', 'marts/forecast/forecast_backtest.sql');
  await rebuild(built, 'marts.forecast_accuracy', 'marts/forecast/forecast_accuracy.sql');
  await rebuild(built, 'intermediate.int_forecast_method_choice', 'intermediate/int_forecast_method_choice.sql');
  await rebuild(built, 'marts.forecast_accuracy_by_horizon', 'marts/forecast/forecast_accuracy_by_horizon.sql');
  await rebuild(built, 'marts.forecast_landing', 'marts/forecast/forecast_landing.sql');
});
afterAll(() => built?.db.close());

describe('forecast error as it applies', () => {
  it('chooses the method at each date from the errors known on that date only', async () => {
    const rows = await built.db.query<Record<string, unknown>>(`SELECT CAST(as_of AS VARCHAR) AS as_of, method, known_errors, is_default
      FROM intermediate.int_forecast_method_choice ORDER BY as_of`);
    expect(rows).toEqual([
      { as_of: '2023-10-01', method: 'run_rate', known_errors: 1, is_default: false },
      { as_of: '2023-11-01', method: 'run_rate', known_errors: 1, is_default: false },
      { as_of: '2024-01-01', method: 'pipeline', known_errors: 3, is_default: false },
      { as_of: '2024-03-16', method: 'pipeline', known_errors: 3, is_default: false },
    ]);
  });

  it('measures that procedure by horizon, with the forecasts, periods and years behind each figure', async () => {
    const rows = await built.db.query<Record<string, number | string>>(`SELECT horizon, forecasts, periods, years, mape, covered, coverage, mean_error, bias_rate, methods
      FROM marts.forecast_accuracy_by_horizon ORDER BY horizon_months NULLS FIRST`);
    expect(rows.map(({ mape: _m, coverage: _c, mean_error: _e, bias_rate: _b, ...r }) => r)).toEqual([
      { horizon: 'tous', forecasts: 3, periods: 2, years: 2, covered: 2, methods: 'rythme récent (2), pipeline pondéré (1)' },
      { horizon: '2', forecasts: 1, periods: 1, years: 1, covered: 1, methods: 'rythme récent (1)' },
      { horizon: '3', forecasts: 2, periods: 2, years: 2, covered: 1, methods: 'pipeline pondéré (1), rythme récent (1)' },
    ]);
    const [all, h2, h3] = rows;
    expect(all!.mape as number).toBeCloseTo(0.5 / 3, 12);
    expect(all!.coverage as number).toBeCloseTo(2 / 3, 12);
    expect(all!.mean_error as number).toBeCloseTo(1100 / 3, 9);
    expect(all!.bias_rate as number).toBeCloseTo(1100 / 7000, 12);
    expect(h2!.mape as number).toBeCloseTo(0.15, 12);
    expect(h2!.mean_error as number).toBeCloseTo(300, 9);
    expect(h2!.bias_rate as number).toBeCloseTo(0.15, 12);
    expect(h3!.mape as number).toBeCloseTo(0.175, 12);
    expect(h3!.coverage as number).toBeCloseTo(0.5, 12);
    expect(h3!.mean_error as number).toBeCloseTo(400, 9);
    expect(h3!.bias_rate as number).toBeCloseTo(0.16, 12);
  });

  it('the landing shows the method chosen today and quotes the error at its own horizon, names its period, and says why figures are missing', async () => {
    const [company] = await built.db.query<Record<string, unknown>>(`SELECT method, period_label, horizon_months, horizon_mape, horizon_forecasts, horizon_years, horizon_note,
        prob_reach_objective, prob_note, teams_forecast, segments_forecast, scope_note
      FROM marts.forecast_landing WHERE scope_type = 'Entreprise' AND is_shown`);
    expect(company).toMatchObject({
      method: 'pipeline', period_label: 'T1 de l\'exercice 2024', horizon_months: 3, horizon_forecasts: 2, horizon_years: 2, horizon_note: null,
      prob_reach_objective: null, teams_forecast: 3100, segments_forecast: 3000,
      // The fixture's only objective is S2's for January 2024.
      prob_note: 'les objectifs fournis vont du 01/01/2024 au 31/01/2024 et ne couvrent pas toute la période (du 01/01/2024 au 31/03/2024) : pas d\'objectif complet à atteindre',
      scope_note: 'Les prévisions des équipes totalisent 3\u202f100\u00a0€, celles des segments 3\u202f000\u00a0€, pour 3\u202f000\u00a0€ pour l\'entreprise : '
        + 'chaque périmètre est prévu et corrigé de ses propres erreurs passées, et ces corrections ne s\'additionnent pas.',
    });
    expect(company!.horizon_mape as number).toBeCloseTo(0.175, 12);
    const [segment] = await built.db.query<Record<string, unknown>>(`SELECT prob_note FROM marts.forecast_landing WHERE scope_type = 'Segment' AND is_shown`);
    expect(segment).toEqual({ prob_note: 'pas d\'objectif par segment : les objectifs sont fixés par commercial' });
  });
});
