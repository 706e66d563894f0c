/*
description: >
  The dates the landing forecast is computed as of, and the fiscal periods it forecasts. The
  current forecast is as of the day after the data's last date (as_of = data_end + 1: everything
  dated before as_of is known) for the fiscal quarter and year containing it. The backtest
  recomputes it as of each of the `forecast.backtestMonths` month starts before that, for the fiscal
  quarter and year containing each, kept only when the period has ended by the data's end (so what
  actually happened is known). Fiscal periods start in `forecast.fiscalYearStartMonth`.
grain: as-of date × period type
unique: [as_of, period_type]
not_null: [is_current, period_start, period_end, horizon_days]
accepted_values: { period_type: [quarter, year] }
*/
WITH bounds AS (
  SELECT greatest(
    (SELECT max(invoice_date) FROM intermediate.int_revenue_lines),
    (SELECT max(coalesce(closed_at, created_at)) FROM staging.stg_opportunities),
    (SELECT max(created_at) FROM staging.stg_opportunities)
  ) AS data_end, k.forecast_fiscal_year_start_month AS fy_month, k.forecast_backtest_months AS back
  FROM settings.kpi k
),
as_ofs AS (
  SELECT CAST(data_end + 1 AS DATE) AS as_of, true AS is_current, data_end, fy_month FROM bounds WHERE data_end IS NOT NULL
  UNION ALL
  SELECT CAST(date_trunc('month', data_end + 1) - to_months(CAST(k AS INTEGER)) AS DATE), false, data_end, fy_month
  FROM bounds, range(1, back + 1) AS r(k)
  WHERE data_end IS NOT NULL
),
fiscal AS (
  SELECT *, make_date(CAST(year(as_of) - CASE WHEN month(as_of) < fy_month THEN 1 ELSE 0 END AS INTEGER), CAST(fy_month AS INTEGER), 1) AS fy_start
  FROM as_ofs
),
periods AS (
  SELECT as_of, is_current, data_end, 'year' AS period_type, fy_start AS period_start, CAST(fy_start + INTERVAL 1 YEAR - INTERVAL 1 DAY AS DATE) AS period_end FROM fiscal
  UNION ALL
  SELECT as_of, is_current, data_end, 'quarter',
         CAST(fy_start + to_months(CAST(3 * floor(datediff('month', fy_start, as_of) / 3) AS INTEGER)) AS DATE),
         CAST(fy_start + to_months(CAST(3 * floor(datediff('month', fy_start, as_of) / 3) + 3 AS INTEGER)) - INTERVAL 1 DAY AS DATE)
  FROM fiscal
)
SELECT as_of, is_current, period_type, period_start, period_end,
       datediff('day', as_of, period_end) + 1 AS horizon_days,
       datediff('month', as_of, period_end + 1) AS horizon_months
FROM periods
WHERE is_current OR period_end <= data_end
