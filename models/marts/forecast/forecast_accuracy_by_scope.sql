/*
description: >
  How accurate the forecast has been for the company, each team and each segment, on the backtest's
  month starts (intermediate.int_forecast_cutoffs.is_backtest; only data known at each is used):
  mean absolute percentage error (MAPE) and P10–P90 interval coverage, per period type, level
  (scope type), scope and method, over every horizon; scope 'Ensemble' pools the scopes of a level.
  A team's interval is calibrated on the teams' past errors, a segment's on the segments'
  (intermediate.int_forecast_intervals). Sellers are not backtested.
grain: type de période × niveau × périmètre × méthode
unique: [period_type, scope_type, scope, method]
not_null: [forecasts, covered]
accepted_values: { scope_type: [Entreprise, Équipe, Segment], method: [pipeline, run_rate, blend] }
kpis:
  - name: Forecast MAPE by scope
    label: Erreur moyenne de la prévision par équipe et segment (MAPE)
    formula: Moyenne, sur les dates du backtest et tous horizons, de l'écart absolu entre la prévision et le réalisé du périmètre rapporté à ce réalisé.
    columns: [mape]
    unit: ratio
    seeds: ['004']
    audiences: [A, F]
    needs: []
  - name: Forecast interval coverage by scope
    label: Couverture de l'intervalle P10–P90 par équipe et segment
    formula: Prévisions du backtest du périmètre dont le réalisé est tombé dans l'intervalle P10–P90, rapportées à ses prévisions du backtest.
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
WITH backtest AS (
  SELECT x.period_type, x.scope_type, x.scope, x.method,
         safe_divide(abs(x.error), abs(x.actual)) AS abs_pct_error,
         x.actual BETWEEN i.p10 AND i.p90 AS in_interval
  FROM intermediate.int_forecast_errors x
  JOIN intermediate.int_forecast_cutoffs c USING (as_of, period_type)
  JOIN intermediate.int_forecast_intervals i USING (as_of, period_type, scope_type, scope, method)
  WHERE c.is_backtest
)
SELECT period_type, scope_type, coalesce(scope, 'Ensemble') AS scope, method,
       count(*) AS forecasts, avg(abs_pct_error) AS mape,
       count(*) FILTER (WHERE in_interval) AS covered,
       count(*) FILTER (WHERE in_interval) / count(*) AS coverage
FROM backtest
GROUP BY GROUPING SETS ((period_type, scope_type, scope, method), (period_type, scope_type, method))
HAVING NOT (grouping(scope) = 1 AND scope_type = 'Entreprise')  -- the company is its own whole
