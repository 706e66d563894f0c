/*
description: >
  The landing forecast of the company recomputed as of each past month start
  (intermediate.int_forecast_estimates, non-current cutoffs: only data dated before each as-of date
  is used) against the revenue the period actually made (intermediate.int_revenue_lines over the
  whole period), per method: absolute percentage error, and whether the actual fell inside the
  P10–P90 interval.
grain: date de prévision × type de période × méthode
unique: [as_of, period_type, method]
not_null: [forecast, actual, horizon_months, in_interval]
accepted_values: { method: [pipeline, run_rate, blend] }
kpis:
  - name: Forecast error (backtest)
    label: Erreur de la prévision (backtest)
    formula: >
      Écart absolu entre la prévision et le réalisé, rapporté au réalisé : la prévision est refaite au début de chacun des mois passés avec les seules données connues alors, pour le trimestre et l'exercice fiscal qui le contiennent.
    columns: [abs_pct_error]
    unit: ratio
    seeds: ['004']
    audiences: [A, E, F]
    needs: []
*/
WITH actual AS (
  SELECT c.as_of, c.period_type, coalesce(sum(r.revenue), 0) AS actual
  FROM intermediate.int_forecast_cutoffs c
  LEFT JOIN intermediate.int_revenue_lines r ON r.invoice_date BETWEEN c.period_start AND c.period_end
  WHERE NOT c.is_current
  GROUP BY ALL
)
SELECT e.as_of, e.period_type, e.period_start, e.period_end, e.horizon_months, e.method,
       e.revenue_to_date, e.pipeline_expected, e.recurring_forward, e.run_rate_forward,
       e.forecast, e.p10, e.p90, a.actual,
       e.forecast - a.actual AS error,
       safe_divide(abs(e.forecast - a.actual), abs(a.actual)) AS abs_pct_error,
       a.actual BETWEEN e.p10 AND e.p90 AS in_interval
FROM intermediate.int_forecast_estimates e
JOIN actual a USING (as_of, period_type)
WHERE e.scope_type = 'Entreprise'
