/*
description: >
  The dates the landing forecast is computed as of, and the fiscal periods it forecasts. The
  current forecast is as of the day after the data's last date (as_of = data_end + 1: everything
  dated before as_of is known) for the fiscal quarter and year containing it. The backtest
  recomputes it as of each of the `forecast.backtestMonths` month starts before that (is_backtest),
  for the fiscal quarter and year containing each, kept only when the period has ended by the data's
  end (so what actually happened is known). The `forecast.calibrationMonths` month starts before the
  backtest's are computed the same way, only so that their errors calibrate the interval of later
  forecasts (intermediate.int_forecast_intervals); such a month start is kept only when its whole
  run-rate window (`forecast.runRateMonths` months before it) lies inside the data's months, as a
  run-rate read over months without data would be an error of the cut, not of the method. Fiscal periods
  follow `calendar.fiscalYearFirstMonth`.
grain: as-of date × period type
unique: [as_of, period_type]
not_null: [is_current, is_backtest, period_start, period_end, horizon_days]
accepted_values: { period_type: [quarter, year] }
*/
WITH bounds AS (
  -- The one data window (int_calendar), and the company's fiscal calendar (macros/calendar.sql).
  SELECT max(c.data_start) AS data_start, max(c.data_end) AS data_end, max(k.forecast_backtest_months) AS back,
         max(k.forecast_calibration_months) AS calib, max(k.forecast_run_rate_months) AS rr_months
  FROM intermediate.int_calendar c, settings.kpi k
),
as_ofs AS (
  SELECT CAST(data_end + 1 AS DATE) AS as_of, true AS is_current, false AS is_backtest, data_end FROM bounds WHERE data_end IS NOT NULL
  UNION ALL
  SELECT CAST(date_trunc('month', data_end + 1) - to_months(CAST(k AS INTEGER)) AS DATE), false, k <= back, data_end
  FROM bounds, range(1, back + calib + 1) AS r(k)
  WHERE data_end IS NOT NULL
    AND (k <= back OR date_trunc('month', data_end + 1) - to_months(CAST(k + rr_months AS INTEGER)) >= date_trunc('month', data_start))
),
periods AS (
  SELECT as_of, is_current, is_backtest, data_end, 'year' AS period_type, fiscal_year_start(as_of) AS period_start,
         CAST(fiscal_year_start(as_of) + INTERVAL 1 YEAR - INTERVAL 1 DAY AS DATE) AS period_end
  FROM as_ofs
  UNION ALL
  SELECT as_of, is_current, is_backtest, data_end, 'quarter', fiscal_quarter_start(as_of),
         CAST(fiscal_quarter_start(as_of) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE)
  FROM as_ofs
)
SELECT as_of, is_current, is_backtest, period_type, period_start, period_end,
       datediff('day', as_of, period_end) + 1 AS horizon_days,
       datediff('month', as_of, period_end + 1) AS horizon_months
FROM periods
WHERE is_current OR period_end <= data_end
