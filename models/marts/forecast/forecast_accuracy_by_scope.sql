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
  - name: Forecast accuracy by scope
    label: Précision de la prévision par équipe et segment
    formula: >
      Pour chaque équipe et segment, sur les dates du backtest et tous horizons : erreur absolue moyenne
      rapportée au réalisé du périmètre (MAPE), et part des prévisions dont le réalisé est tombé dans
      l'intervalle P10–P90 (couverture, 80 % pour un intervalle honnête).
    columns: [mape, coverage]
    unit: ratio
    seeds: ['004']
    audiences: [A, F]
    needs: []
*/
WITH backtest AS (
  SELECT x.period_type, x.scope_type, x.scope, x.method,
         -- The figure shown (intermediate.int_forecast_intervals.landing), as in marts.forecast_backtest.
         safe_divide(abs(x.actual - i.landing), abs(x.actual)) AS abs_pct_error,
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
