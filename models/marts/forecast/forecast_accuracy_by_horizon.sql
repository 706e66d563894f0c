/*
description: >
  The error of the landing forecast as it is published, by horizon: on the backtest
  (marts.forecast_backtest), the figure a reader would have been shown at each past month start —
  the method chosen then from the errors known then (intermediate.int_forecast_method_choice), its
  calibrated figure — against what the period actually made, per period type and horizon (months
  left to the period's end at the as-of date), and over every horizon (horizon 'tous',
  horizon_months NULL). forecasts counts the backtest forecasts behind each figure, periods the
  distinct periods they forecast and years the distinct fiscal years of those periods: a year
  forecast 12 months out is one forecast of one year, whatever its error. mean_error is the
  average of actual − forecast in € (positive: the forecast fell short) and bias_rate Σ (actual −
  forecast) / Σ actual. methods names the methods chosen, with how many times.
grain: type de période × horizon
unique: [period_type, horizon]
not_null: [horizon, forecasts, periods, years, coverage, methods]
kpis:
  - name: Forecast error at horizon
    label: Erreur de la prévision à son horizon
    formula: >
      Moyenne, sur les dates du backtest où la prévision était à ce nombre de mois de la fin de la
      période, de l'écart absolu entre le chiffre affiché alors (méthode choisie avec les seules
      erreurs connues à cette date) et le réalisé, rapporté au réalisé ; avec le nombre de prévisions
      et d'exercices distincts derrière ce chiffre.
    columns: [mape, forecasts, years, coverage, mean_error, bias_rate]
    numerator: covered
    numerator_label: prévisions dont le réalisé est dans l'intervalle
    denominator: forecasts
    denominator_label: prévisions du backtest
    unit: ratio
    seeds: ['004']
    audiences: [A, E, F]
    needs: []
*/
WITH shown AS (
  SELECT b.*, fiscal_year(b.period_start) AS fiscal_year
  FROM marts.forecast_backtest b
  JOIN intermediate.int_forecast_method_choice c ON c.as_of = b.as_of AND c.period_type = b.period_type AND c.method = b.method
),
method_counts AS (
  SELECT period_type, horizon_months, method, count(*) AS n
  FROM shown
  GROUP BY GROUPING SETS ((period_type, horizon_months, method), (period_type, method))
),
methods AS (
  SELECT period_type, horizon_months,
         string_agg(CASE method WHEN 'pipeline' THEN 'pipeline pondéré' WHEN 'run_rate' THEN 'rythme récent' ELSE 'mélange' END
                    || ' (' || n || ')', ', ' ORDER BY n DESC, method) AS methods
  FROM method_counts
  GROUP BY ALL
),
by_horizon AS (
  SELECT period_type, horizon_months, count(*) AS forecasts, count(DISTINCT period_start) AS periods, count(DISTINCT fiscal_year) AS years,
         avg(abs_pct_error) AS mape, count(*) FILTER (WHERE in_interval) AS covered,
         avg(error) AS mean_error, safe_divide(sum(error), sum(actual)) AS bias_rate
  FROM shown
  GROUP BY GROUPING SETS ((period_type, horizon_months), (period_type))
)
SELECT b.period_type, coalesce(CAST(b.horizon_months AS VARCHAR), 'tous') AS horizon, b.horizon_months,
       b.forecasts, b.periods, b.years, b.mape, b.covered, b.covered / b.forecasts AS coverage, b.mean_error, b.bias_rate,
       m.methods
FROM by_horizon b
JOIN methods m ON m.period_type = b.period_type AND m.horizon_months IS NOT DISTINCT FROM b.horizon_months
