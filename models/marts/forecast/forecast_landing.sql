/*
description: >
  Where the current fiscal quarter and year will land (as of the day after the data's last date),
  for the company, each team, seller and segment: revenue to date, open pipeline and its expected
  revenue, recurring run-rate, the forecast of every method with its P10–P90 interval and the
  probability of reaching the objective (intermediate.int_forecast_intervals: from the errors the
  method made before, or the simulation when the history is too short — interval_basis), is_shown
  marking the method chosen from the errors known on the as-of date (intermediate.int_forecast_method_choice:
  the lowest mean error of the company's past forecasts whose period had ended; pipeline when none
  has), the same rule the backtest applied at each past month start. The error quoted beside the
  forecast is the one the backtest measured at this forecast's horizon (horizon_months, months left to
  the period's end) for that whole procedure (marts.forecast_accuracy_by_horizon): horizon_mape,
  with horizon_forecasts and horizon_years (how many forecasts and distinct fiscal years it rests
  on), or horizon_note saying why there is none; backtest_mape is the method's own error over
  every horizon (marts.forecast_accuracy). forecast is the figure shown: the method's forecast
  corrected by the median of its past errors when the interval comes from them
  (intermediate.int_forecast_intervals.landing), so it always lies inside its own P10–P90;
  method_forecast is the method's own figure, correction_amount (€) and correction_rate the
  correction. prob_note says, in French, why prob_reach_objective is missing when it is.
  period_label names the period ('Exercice 2027', 'T1 de l'exercice 2027'). On the company's rows,
  teams_forecast and segments_forecast add up the shown forecasts of the teams and of the segments:
  each scope is forecast and corrected by its own past errors, so their sum need not equal the
  company's (scope_note says by how much).
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
      facturé + rythme de tout le chiffre d'affaires ; ou la moyenne des deux. La méthode affichée est
      celle dont l'erreur était la plus faible avec les seules erreurs connues à la date de la prévision ; l'intervalle P10–P90 et la probabilité d'atteindre
      l'objectif viennent des erreurs que la méthode a faites sur les périodes déjà terminées, au même
      horizon (à défaut d'assez d'historique, de la simulation des affaires ouvertes).
    columns: [forecast, p10, p90, prob_reach_objective]
    unit: EUR
    seeds: ['004']
    audiences: [A, E, F]
    needs: []
*/
WITH objectives_span AS (
  SELECT min(period_start) AS first_day, max(period_end) AS last_day FROM staging.stg_objectives
),
landing AS (
  SELECT e.as_of, e.period_type, e.period_start, e.period_end, e.horizon_months, e.scope_type, e.scope, e.method,
         CASE e.period_type WHEN 'year' THEN 'Exercice ' || fiscal_year(e.period_start)
           ELSE 'T' || fiscal_quarter(e.period_start) || ' de l''exercice ' || fiscal_year(e.period_start) END AS period_label,
         e.revenue_to_date, e.open_deals, e.open_pipeline, e.pipeline_expected, e.recurring_forward, e.run_rate_forward,
         e.landing AS forecast, e.forecast AS method_forecast, e.landing - e.forecast AS correction_amount,
         safe_divide(e.landing - e.forecast, e.forecast) AS correction_rate,
         e.p10, e.p50, e.p90, e.objective, e.prob_reach_objective, e.interval_basis, e.calibration_errors,
         e.method = coalesce(choice.method, 'pipeline') AS is_shown, coalesce(choice.known_errors, 0) AS choice_errors,
         acc.mape AS backtest_mape, acc.coverage AS backtest_coverage, acc.forecasts AS backtest_forecasts,
         h.mape AS horizon_mape, h.coverage AS horizon_coverage, h.forecasts AS horizon_forecasts, h.years AS horizon_years,
         CASE WHEN h.forecasts IS NULL THEN 'pas de prévision du backtest à ' || e.horizon_months || ' mois de la fin de la période : erreur non mesurée à cet horizon'
              WHEN h.mape IS NULL THEN 'chiffre d''affaires réalisé nul sur les périodes du backtest à ' || e.horizon_months || ' mois de la fin : erreur relative non mesurable' END AS horizon_note,
         CASE
           WHEN e.prob_reach_objective IS NOT NULL THEN NULL
           WHEN e.scope_type = 'Segment' THEN 'pas d''objectif par segment : les objectifs sont fixés par commercial'
           WHEN o.last_day IS NULL THEN 'aucun objectif de chiffre d''affaires fourni (extraction des objectifs)'
           WHEN e.objective IS NULL THEN 'les objectifs fournis vont du ' || strftime(o.first_day, '%d/%m/%Y') || ' au ' || strftime(o.last_day, '%d/%m/%Y')
             || ' et ne couvrent pas toute la période (du ' || strftime(e.period_start, '%d/%m/%Y') || ' au ' || strftime(e.period_end, '%d/%m/%Y')
             || ') : pas d''objectif complet à atteindre'
           ELSE 'probabilité non calculée'
         END AS prob_note,
         -- The seller a row is about, so that a pseudonymised site replaces the id held in scope too.
         CASE WHEN e.scope_type = 'Commercial' THEN e.scope END AS seller_id
  FROM intermediate.int_forecast_intervals e
  CROSS JOIN objectives_span o
  LEFT JOIN intermediate.int_forecast_method_choice choice ON choice.as_of = e.as_of AND choice.period_type = e.period_type
  LEFT JOIN marts.forecast_accuracy acc ON acc.period_type = e.period_type AND acc.method = e.method AND acc.horizon_months IS NULL
  LEFT JOIN marts.forecast_accuracy_by_horizon h ON h.period_type = e.period_type AND h.horizon_months = e.horizon_months
  WHERE e.is_current
),
scope_sums AS (
  SELECT period_type, sum(forecast) FILTER (WHERE scope_type = 'Équipe') AS teams_forecast, sum(forecast) FILTER (WHERE scope_type = 'Segment') AS segments_forecast
  FROM landing WHERE is_shown GROUP BY period_type
)
SELECT l.*,
       CASE WHEN l.scope_type = 'Entreprise' THEN s.teams_forecast END AS teams_forecast,
       CASE WHEN l.scope_type = 'Entreprise' THEN s.segments_forecast END AS segments_forecast,
       CASE WHEN l.scope_type = 'Entreprise' AND (round(s.teams_forecast) <> round(l.forecast) OR round(s.segments_forecast) <> round(l.forecast)) THEN
         'Les prévisions des équipes totalisent ' || fr_eur0(s.teams_forecast) || ', celles des segments ' || fr_eur0(s.segments_forecast)
         || ', pour ' || fr_eur0(l.forecast) || ' pour l''entreprise : chaque périmètre est prévu et corrigé de ses propres erreurs passées, '
         || 'et ces corrections ne s''additionnent pas.' END AS scope_note
FROM landing l
LEFT JOIN scope_sums s USING (period_type)
