/*
description: >
  The landing forecast of the company recomputed as of each of the backtest's past month starts
  (intermediate.int_forecast_cutoffs.is_backtest: only data dated before each as-of date is used)
  against the revenue the period actually made (intermediate.int_forecast_errors), per method:
  absolute percentage error, and whether the actual fell inside the P10–P90 interval
  (intermediate.int_forecast_intervals: calibrated only on errors known at the as-of date) —
  and, to show what calibrating changed, inside the simulation's interval alone
  (in_simulated_interval). forecast is the figure a reader would have been shown then (the
  calibrated median when the interval came from past errors, intermediate.int_forecast_intervals
  .landing); method_forecast and method_abs_pct_error are the method's own figure and its error.
grain: date de prévision × type de période × méthode
unique: [as_of, period_type, method]
not_null: [forecast, method_forecast, actual, horizon_months, in_interval, interval_basis]
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
SELECT x.as_of, x.period_type, x.period_start, x.period_end, x.horizon_months, x.method,
       i.revenue_to_date, i.pipeline_expected, i.recurring_forward, i.run_rate_forward,
       i.landing AS forecast, x.forecast AS method_forecast, i.p10, i.p50, i.p90, x.actual, x.actual - i.landing AS error,
       safe_divide(abs(x.actual - i.landing), abs(x.actual)) AS abs_pct_error,
       safe_divide(abs(x.error), abs(x.actual)) AS method_abs_pct_error,
       x.actual BETWEEN i.p10 AND i.p90 AS in_interval,
       i.interval_basis, i.calibration_errors,
       x.actual BETWEEN i.simulated_p10 AND i.simulated_p90 AS in_simulated_interval
FROM intermediate.int_forecast_errors x
JOIN intermediate.int_forecast_cutoffs c USING (as_of, period_type)
JOIN intermediate.int_forecast_intervals i USING (as_of, period_type, scope_type, scope, method)
WHERE c.is_backtest AND x.scope_type = 'Entreprise'
