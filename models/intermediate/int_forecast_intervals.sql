/*
description: >
  The P10–P90 interval and the probability of reaching the objective of every forecast
  (intermediate.int_forecast_estimates), calibrated on the errors the same method made before
  (split-conformal). Why: the simulation of the open deals only knows whether each deal is won in
  time; it ignores the run-rate's own uncertainty, new deals not yet in the pipeline, and the
  biases of the win rates, so its P10–P90 held 17 % of the sample's outcomes instead of 80 %.
  How: a past forecast's score is its relative error on the forward part
  (intermediate.int_forecast_errors: (actual − forecast) / (forecast − revenue to date)). A forecast
  as of date t uses only the scores of forecasts whose period had ended before t (their outcome
  was known at t: no leak from the future, the backtest is honest), of the same method, period
  type and level (the company; teams pooled; segments pooled — a team's relative errors are larger
  than the company's), at the nearest horizons: the scores of its own horizon (months left), widened one month
  either side at a time until they number at least `forecast.minCalibration`. With n scores sorted,
  P10 = forecast + forward part × the ⌊0.1 (n + 1)⌋-th score and P90 = forecast + forward part ×
  the ⌈0.9 (n + 1)⌉-th (the split-conformal order statistics: each tail holds at most 10 % of
  outcomes when errors are exchangeable); P50 with the median score. The interval need not be
  centred on the forecast: when the method has under-forecast before, it leans up.
  prob_reach_objective: share of the same scores with which the forecast reaches the objective.
  Sellers (forecast at the current date only, no backtest of their own) borrow the teams' scores,
  scaled to their own forward part; a seller varies more than a team, so their interval is likely
  narrower than it should be.
  Fallback: with fewer than `forecast.minCalibration` scores (a young history), the simulated
  interval and probability are kept, and interval_basis says so ('simulation des affaires').
  landing: the figure readers are shown — the calibrated median (P50) when the interval comes from
  past errors, the method's own forecast otherwise. A method with a steady bias (the run-rate
  under-forecasts a growing company) would otherwise show a figure below its own P10; the median
  corrects the bias with the same past errors and no other information, and its backtest error is
  lower on the sample (year 6,9 % → 4,2 %, quarter 5,9 % → 5,2 %).
grain: as-of date × period type × scope type × scope × method
unique: [as_of, period_type, scope_type, scope, method]
not_null: [forecast, landing, p10, p50, p90, interval_basis, calibration_errors]
accepted_values: { interval_basis: [erreurs passées, simulation des affaires] }
*/
WITH k AS (SELECT forecast_min_calibration AS min_n FROM settings.kpi),
estimates AS (
  SELECT *, CASE scope_type WHEN 'Commercial' THEN 'Équipe' ELSE scope_type END AS level FROM intermediate.int_forecast_estimates
),
targets AS (
  SELECT DISTINCT as_of, period_type, horizon_months, level, method FROM estimates
),
-- Every score known at each target's as-of date, with its distance in horizon.
candidates AS (
  SELECT t.as_of, t.period_type, t.horizon_months, t.level, t.method, CAST(x.relative_error AS DOUBLE) AS score,
         abs(x.horizon_months - t.horizon_months) AS distance
  FROM targets t
  JOIN intermediate.int_forecast_errors x
    ON x.period_type = t.period_type AND x.scope_type = t.level AND x.method = t.method AND x.period_end < t.as_of AND x.relative_error IS NOT NULL
),
counted AS (
  SELECT *, count(*) OVER (PARTITION BY as_of, period_type, horizon_months, level, method ORDER BY distance
                           RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n_within
  FROM candidates
),
-- The nearest horizons holding at least min_n scores (none when all the history holds fewer).
nearest AS (
  SELECT c.*, min(CASE WHEN c.n_within >= k.min_n THEN c.distance END) OVER (PARTITION BY as_of, period_type, horizon_months, level, method) AS reach
  FROM counted c, k
),
scores AS (SELECT as_of, period_type, horizon_months, level, method, score FROM nearest WHERE distance <= reach),
calibration AS (
  SELECT as_of, period_type, horizon_months, level, method, list_sort(list(score)) AS sorted, count(*) AS n,
         quantile_cont(score, 0.5) AS s50
  FROM scores GROUP BY ALL
),
calibrated AS (
  SELECT e.*, greatest(e.forecast - e.revenue_to_date, 0) AS forward, c.sorted, c.n, c.s50
  FROM estimates e
  LEFT JOIN calibration c USING (as_of, period_type, horizon_months, level, method)
),
reach_objective AS (
  SELECT c.as_of, c.period_type, c.scope_type, c.scope, c.method,
         avg(CASE WHEN c.forecast + c.forward * s.score >= c.objective THEN 1.0 ELSE 0.0 END) AS prob
  FROM calibrated c
  JOIN scores s USING (as_of, period_type, horizon_months, level, method)
  WHERE c.objective IS NOT NULL
  GROUP BY ALL
)
SELECT c.as_of, c.is_current, c.period_type, c.period_start, c.period_end, c.horizon_months, c.scope_type, c.scope, c.method,
       c.revenue_to_date, c.open_deals, c.open_pipeline, c.pipeline_expected, c.recurring_forward, c.run_rate_forward,
       c.forecast,
       CASE WHEN c.n IS NULL THEN c.p10 ELSE c.forecast + c.forward * c.sorted[CAST(floor(0.1 * (c.n + 1)) AS INTEGER)] END AS p10,
       CASE WHEN c.n IS NULL THEN c.p50 ELSE c.forecast + c.forward * c.s50 END AS p50,
       CASE WHEN c.n IS NULL THEN c.forecast ELSE c.forecast + c.forward * c.s50 END AS landing,
       CASE WHEN c.n IS NULL THEN c.p90 ELSE c.forecast + c.forward * c.sorted[CAST(ceil(0.9 * (c.n + 1)) AS INTEGER)] END AS p90,
       c.objective,
       CASE WHEN c.n IS NULL THEN c.prob_reach_objective ELSE r.prob END AS prob_reach_objective,
       CASE WHEN c.n IS NULL THEN 'simulation des affaires' ELSE 'erreurs passées' END AS interval_basis,
       coalesce(c.n, 0) AS calibration_errors,
       c.p10 AS simulated_p10, c.p90 AS simulated_p90
FROM calibrated c
LEFT JOIN reach_objective r USING (as_of, period_type, scope_type, scope, method)
