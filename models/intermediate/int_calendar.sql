/*
description: >
  The one time axis of every mart: each day, ISO week (from Monday), month, fiscal quarter and
  fiscal year (first month: calendar.fiscalYearFirstMonth in kpi-settings.yaml; FY2026 = October
  2025 → September 2026 when the year starts in October) that the data window touches, with its
  reader label ('FY2026', 'T1 FY2026', '2025-10', 'S41 2025', '2025-10-06').
  The data window is defined here once: from the first to the last day seen in the data (invoice
  dates, deal creation and close dates, activity dates, lead creation dates; marketing spend does not
  open the window, so that a spend extract's reload does not rebuild every mart). A period the window
  cuts (at its start or its end) is partial (`is_complete` false): its figures are shown flagged,
  never as a zero for the missing days. `observed_start`/`observed_end` bound the days the data
  covers, `observed_days` counts them. `is_current` marks the period holding the last day of data.
  Like for like: `previous_start`/`previous_observed_end` and `year_ago_start`/`year_ago_observed_end`
  are the previous period and the same period one year earlier cut to the same number of observed
  days from their start (1–15 September against 1–15 August and 1–15 September last year);
  `has_previous`/`has_year_ago` are false when that window starts before the data.
  `is_last_complete_year` marks the last complete fiscal year: what "last year" means on the pages
  and in the variable pay simulation.
grain: period type × period start
unique: [period_type, period_start]
not_null: [period_end, label, fiscal_year, observed_start, observed_end, days, observed_days, is_complete, is_current, is_last_complete_year, data_start, data_end]
accepted_values: { period_type: [day, week, month, quarter, year] }
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
days AS (
  SELECT CAST(unnest(generate_series(CAST(data_start AS TIMESTAMP), CAST(data_end AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS day
  FROM bounds
  WHERE data_start IS NOT NULL
),
starts AS (
  SELECT DISTINCT g.period_type, period_start_of(g.period_type, d.day) AS period_start
  FROM days d
  CROSS JOIN (VALUES ('day'), ('week'), ('month'), ('quarter'), ('year')) AS g(period_type)
),
steps AS (
  SELECT period_type, period_start,
    CASE period_type WHEN 'day' THEN INTERVAL 1 DAY WHEN 'week' THEN INTERVAL 7 DAY WHEN 'month' THEN INTERVAL 1 MONTH
      WHEN 'quarter' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END AS step
  FROM starts
),
dated AS (
  SELECT
    s.period_type,
    s.period_start,
    CAST(s.period_start + s.step - INTERVAL 1 DAY AS DATE) AS period_end,
    CAST(s.period_start - s.step AS DATE) AS previous_start,
    CAST(s.period_start - INTERVAL 1 YEAR AS DATE) AS year_ago_start,
    CAST(s.period_start - INTERVAL 1 YEAR + s.step - INTERVAL 1 DAY AS DATE) AS year_ago_end,
    b.data_start,
    b.data_end
  FROM steps s CROSS JOIN bounds b
),
flagged AS (
  SELECT
    *,
    greatest(period_start, data_start) AS observed_start,
    least(period_end, data_end) AS observed_end,
    period_start >= data_start AND period_end <= data_end AS is_complete
  FROM dated
)
SELECT
  period_type,
  period_start,
  period_end,
  period_label(period_type, period_start) AS label,
  fiscal_year(period_start) AS fiscal_year,
  CASE WHEN period_type <> 'year' AND period_type <> 'week' THEN fiscal_quarter(period_start) END AS fiscal_quarter,
  datediff('day', period_start, period_end) + 1 AS days,
  observed_start,
  observed_end,
  datediff('day', observed_start, observed_end) + 1 AS observed_days,
  is_complete,
  data_end BETWEEN period_start AND period_end AS is_current,
  coalesce(period_type = 'year' AND period_start = max(period_start) FILTER (WHERE period_type = 'year' AND is_complete) OVER (), false) AS is_last_complete_year,
  previous_start,
  -- Like for like: the compared window has as many days from its start as this period has observed.
  -- A period that ends inside the data is compared with the whole of the other period.
  CASE WHEN period_end <= data_end THEN CAST(period_start - 1 AS DATE)
       ELSE least(CAST(previous_start + CAST(observed_end - period_start AS INTEGER) AS DATE), CAST(period_start - 1 AS DATE)) END AS previous_observed_end,
  previous_start >= data_start AS has_previous,
  year_ago_start,
  CASE WHEN period_end <= data_end THEN year_ago_end
       ELSE least(CAST(year_ago_start + CAST(observed_end - period_start AS INTEGER) AS DATE), year_ago_end) END AS year_ago_observed_end,
  year_ago_start >= data_start AS has_year_ago,
  data_start,
  data_end
FROM flagged
