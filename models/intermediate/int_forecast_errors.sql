/*
description: >
  What each past forecast of the company, a team or a segment (intermediate.int_forecast_estimates
  at every non-current cutoff: the backtest's month starts and the calibration ones before them)
  missed by, once its period had ended: the revenue the scope actually made in the period
  (intermediate.int_revenue_lines over the whole period, attributed to teams as
  intermediate.int_forecast_revenue does: the seller's team), the error, and the error relative to the forecast's forward part (what the
  forecast added to the revenue already invoiced at the as-of date: forecast − revenue_to_date).
  That relative error is the score the interval is calibrated on (intermediate.int_forecast_intervals):
  dividing by the forward part makes errors of different horizons comparable (as of the last month
  of a quarter only a month is left to guess; as of its first, three), and an interval built from it
  shrinks to nothing when nothing is left to guess. relative_error is NULL when the forward part is
  not positive (nothing was left to forecast).
grain: as-of date × period type × scope type × scope × method
unique: [as_of, period_type, scope_type, scope, method]
not_null: [period_end, horizon_months, forecast, actual, error]
*/
-- Revenue summed per day × team × segment first (exact decimals: the same sums), so that each
-- backtest period reads days, not invoice lines times the cutoffs.
WITH daily AS (
  SELECT invoice_date, coalesce(team, '(sans équipe)') AS team, segment, sum(revenue) AS revenue
  FROM intermediate.int_revenue_lines
  GROUP BY ALL
),
actual AS (
  SELECT c.as_of, c.period_type, s.scope_type, s.scope, sum(r.revenue) AS actual
  FROM intermediate.int_forecast_cutoffs c
  JOIN daily r ON r.invoice_date BETWEEN c.period_start AND c.period_end
  CROSS JOIN LATERAL (VALUES ('Entreprise', 'Entreprise'), ('Équipe', r.team), ('Segment', r.segment)) AS s(scope_type, scope)
  WHERE NOT c.is_current
  GROUP BY ALL
)
SELECT e.as_of, e.period_type, e.period_start, e.period_end, e.horizon_months, e.scope_type, e.scope, e.method,
       e.revenue_to_date, e.forecast, coalesce(a.actual, 0) AS actual,
       coalesce(a.actual, 0) - e.forecast AS error,
       CASE WHEN e.forecast > e.revenue_to_date THEN (coalesce(a.actual, 0) - e.forecast) / (e.forecast - e.revenue_to_date) END AS relative_error
FROM intermediate.int_forecast_estimates e
LEFT JOIN actual a USING (as_of, period_type, scope_type, scope)
WHERE NOT e.is_current AND e.scope_type IN ('Entreprise', 'Équipe', 'Segment')
