/*
description: >
  How accurate each forecast method has been on the backtest (marts.forecast_backtest): mean
  absolute percentage error (MAPE) and P10–P90 interval coverage (share of backtest forecasts whose
  actual fell inside; 80 % if the interval is honest), per period type and horizon (months left to
  the period's end at the as-of date), and over every horizon (horizon 'tous', horizon_months NULL). is_best marks,
  per period type, the method with the lowest MAPE over all horizons of this backtest (ties: pipeline,
  then blend, then run_rate): known only in hindsight, so it is not what the landing shows — the
  landing's method is chosen at each date from the errors known then
  (intermediate.int_forecast_method_choice), and that procedure's error by horizon is
  marts.forecast_accuracy_by_horizon. simulation_coverage: the coverage the
  simulation's interval alone would have had (before calibration on past errors). mape measures
  the figure shown (the calibrated median when calibrated: marts.forecast_backtest.forecast);
  method_mape the method's own figure, before that correction.
grain: type de période × horizon × méthode
unique: [period_type, horizon, method]
not_null: [horizon, forecasts, is_best]
kpis:
  - name: Forecast MAPE
    label: Erreur moyenne absolue de la prévision (MAPE)
    formula: Moyenne, sur les dates du backtest, de l'écart absolu entre la prévision et le réalisé rapporté au réalisé, par méthode, type de période et horizon.
    columns: [mape]
    unit: ratio
    seeds: ['004']
    audiences: [A, E, F]
    needs: []
  - name: Forecast interval coverage
    label: Couverture de l'intervalle P10–P90
    formula: Prévisions du backtest dont le réalisé est tombé dans leur intervalle P10–P90, rapportées à l'ensemble des prévisions du backtest.
    columns: [coverage]
    numerator: covered
    numerator_label: prévisions dont le réalisé est dans l'intervalle
    denominator: forecasts
    denominator_label: prévisions du backtest
    unit: rate
    seeds: ['004']
    audiences: [A, F]
    needs: []
*/
WITH by_horizon AS (
  SELECT period_type, horizon_months, method, count(*) AS forecasts, avg(abs_pct_error) AS mape, avg(method_abs_pct_error) AS method_mape,
         count(*) FILTER (WHERE in_interval) AS covered, count(*) FILTER (WHERE in_simulated_interval) AS covered_by_simulation
  FROM marts.forecast_backtest
  GROUP BY GROUPING SETS ((period_type, method, horizon_months), (period_type, method))
),
ranked AS (
  SELECT period_type, method,
         row_number() OVER (PARTITION BY period_type ORDER BY mape NULLS LAST, CASE method WHEN 'pipeline' THEN 1 WHEN 'blend' THEN 2 ELSE 3 END) AS rank
  FROM by_horizon WHERE horizon_months IS NULL
)
SELECT b.period_type, coalesce(CAST(b.horizon_months AS VARCHAR), 'tous') AS horizon, b.horizon_months, b.method, b.forecasts, b.mape, b.method_mape, b.covered,
       b.covered / b.forecasts AS coverage, b.covered_by_simulation / b.forecasts AS simulation_coverage,
       r.rank = 1 AS is_best
FROM by_horizon b
JOIN ranked r USING (period_type, method)
