/*
description: >
  The calendar the team and customer marts report on: every month, quarter and year from the first
  to the last day seen in the data (invoice dates, deal creation and close dates, activity dates,
  lead creation dates), with `is_complete` when the data covers the whole period (a period cut by
  the first or last day of the data is partial), `observed_end` (the period's last day, or the last
  day of data when earlier) and `is_last_complete_year`, the year "last year's data" means (the
  variable pay simulation).
grain: period type × period start
unique: [period_type, period_start]
not_null: [period_end, observed_end, days, is_complete, is_last_complete_year, data_start, data_end]
accepted_values: { period_type: [month, quarter, year] }
*/
WITH bounds AS (
  SELECT min(lo) AS data_start, max(hi) AS data_end
  FROM (
    SELECT min(invoice_date) AS lo, max(invoice_date) AS hi FROM staging.stg_invoices
    UNION ALL SELECT min(created_at), greatest(max(created_at), max(closed_at)) FROM staging.stg_opportunities
    UNION ALL SELECT min(activity_date), max(activity_date) FROM staging.stg_activities
    UNION ALL SELECT min(created_date), max(created_date) FROM staging.stg_leads
  ) AS t
),
periods AS (
  SELECT
    t.period_type,
    CAST(unnest(generate_series(CAST(date_trunc(t.period_type, b.data_start) AS TIMESTAMP), CAST(b.data_end AS TIMESTAMP), t.step)) AS DATE) AS period_start,
    t.step,
    b.data_start,
    b.data_end
  FROM bounds b
  CROSS JOIN (VALUES ('month', INTERVAL 1 MONTH), ('quarter', INTERVAL 3 MONTH), ('year', INTERVAL 1 YEAR)) AS t(period_type, step)
  WHERE b.data_start IS NOT NULL
),
dated AS (
  SELECT period_type, period_start, CAST(period_start + step - INTERVAL 1 DAY AS DATE) AS period_end, data_start, data_end
  FROM periods
)
SELECT
  period_type,
  period_start,
  period_end,
  least(period_end, data_end) AS observed_end,
  datediff('day', period_start, period_end) + 1 AS days,
  period_start >= data_start AND period_end <= data_end AS is_complete,
  coalesce(period_type = 'year' AND period_start = max(period_start) FILTER (WHERE period_type = 'year' AND period_start >= data_start AND period_end <= data_end) OVER (), false) AS is_last_complete_year,
  data_start,
  data_end
FROM dated
