/*
description: >
  The method the landing forecast shows, chosen as of each date from the errors known on that date
  only: for the current forecast and each of the backtest's month starts
  (intermediate.int_forecast_cutoffs), the method whose company forecasts (the figure a reader was
  shown: intermediate.int_forecast_intervals.landing) had the lowest mean absolute percentage error
  over the periods of the same type that had ended before that date (every earlier backtest and
  calibration month start, every horizon). Why: choosing on the whole backtest and then publishing
  that backtest's error picks the method that was luckiest on the very errors shown, and understates
  them; chosen this way, the choice itself is part of what the backtest measures
  (marts.forecast_accuracy_by_horizon). Ties: pipeline, then blend, then run_rate. With no error
  known yet, pipeline (is_default).
grain: as-of date × period type
unique: [as_of, period_type]
not_null: [method, known_errors, is_default]
accepted_values: { method: [pipeline, run_rate, blend] }
*/
WITH company_errors AS (
  SELECT x.as_of, x.period_type, x.period_end, x.method, safe_divide(abs(x.actual - i.landing), abs(x.actual)) AS abs_pct_error
  FROM intermediate.int_forecast_errors x
  JOIN intermediate.int_forecast_intervals i USING (as_of, period_type, scope_type, scope, method)
  WHERE x.scope_type = 'Entreprise'
),
targets AS (
  SELECT as_of, period_type FROM intermediate.int_forecast_cutoffs WHERE is_current OR is_backtest
),
known AS (
  SELECT t.as_of, t.period_type, e.method, count(e.abs_pct_error) AS known_errors, avg(e.abs_pct_error) AS known_mape
  FROM targets t
  JOIN company_errors e ON e.period_type = t.period_type AND e.period_end < t.as_of
  GROUP BY ALL
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY as_of, period_type
                               ORDER BY known_mape NULLS LAST, CASE method WHEN 'pipeline' THEN 1 WHEN 'blend' THEN 2 ELSE 3 END) AS rank
  FROM known
)
SELECT t.as_of, t.period_type, coalesce(r.method, 'pipeline') AS method, coalesce(r.known_errors, 0) AS known_errors, r.known_mape,
       r.known_mape IS NULL AS is_default
FROM targets t
LEFT JOIN ranked r ON r.as_of = t.as_of AND r.period_type = t.period_type AND r.rank = 1
