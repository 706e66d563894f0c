/*
description: >
  Where the current fiscal quarter and year will land (as of the day after the data's last date),
  for the company, each team, seller and segment: revenue to date, open pipeline and its expected
  revenue, recurring run-rate, the forecast of every method with its P10–P90 interval and the
  probability of reaching the objective (intermediate.int_forecast_intervals: from the errors the
  method made before, or the simulation when the history is too short — interval_basis), is_shown marking the
  method with the lowest backtest error for the period type (marts.forecast_accuracy; pipeline when
  there is no backtest yet), and that method's error (backtest_mape, over every horizon). forecast
  is the figure shown: the method's forecast corrected by the median of its past errors when the
  interval comes from them (intermediate.int_forecast_intervals.landing), so it always lies
  inside its own P10–P90; method_forecast is the method's own figure.
grain: type de période × périmètre (entreprise, équipe, commercial, segment) × méthode
unique: [period_type, scope_type, scope, method]
not_null: [as_of, forecast, p10, p90, is_shown]
accepted_values: { scope_type: [Entreprise, Équipe, Commercial, Segment], method: [pipeline, run_rate, blend] }
kpis:
  - name: Landing forecast
    label: Atterrissage prévu
    formula: >
      Chiffre d'affaires déjà facturé + affaires ouvertes × taux de gain historique de leur étape et
      de leur segment × probabilité de conclure avant la fin de la période (délais de conclusion
      observés depuis l'étape) + rythme récurrent (méthode « pipeline ») ; ou chiffre d'affaires déjà
      facturé + rythme de tout le chiffre d'affaires ; ou la moyenne des deux. La méthode à l'erreur
      de backtest la plus faible est affichée ; l'intervalle P10–P90 et la probabilité d'atteindre
      l'objectif viennent des erreurs que la méthode a faites sur les périodes déjà terminées, au même
      horizon (à défaut d'assez d'historique, de la simulation des affaires ouvertes).
    columns: [forecast, p10, p90, prob_reach_objective]
    unit: EUR
    seeds: ['004']
    audiences: [A, E, F]
    needs: []
*/
SELECT e.as_of, e.period_type, e.period_start, e.period_end, e.scope_type, e.scope, e.method,
       e.revenue_to_date, e.open_deals, e.open_pipeline, e.pipeline_expected, e.recurring_forward, e.run_rate_forward,
       e.landing AS forecast, e.forecast AS method_forecast, e.p10, e.p50, e.p90, e.objective, e.prob_reach_objective, e.interval_basis, e.calibration_errors,
       e.method = coalesce(best.method, 'pipeline') AS is_shown,
       acc.mape AS backtest_mape, acc.coverage AS backtest_coverage, acc.forecasts AS backtest_forecasts,
       -- The seller a row is about, so that a pseudonymised site replaces the id held in scope too.
       CASE WHEN e.scope_type = 'Commercial' THEN e.scope END AS seller_id
FROM intermediate.int_forecast_intervals e
LEFT JOIN (SELECT period_type, method FROM marts.forecast_accuracy WHERE is_best AND horizon_months IS NULL) best USING (period_type)
LEFT JOIN marts.forecast_accuracy acc ON acc.period_type = e.period_type AND acc.method = e.method AND acc.horizon_months IS NULL
WHERE e.is_current
