/*
description: >
  The company's calendar as pages read it: every month, fiscal quarter and fiscal year of the data
  window (intermediate.int_calendar) with its reader label ('2025-10', 'T1 FY2026', 'FY2026'), its
  fiscal year, whether the data covers it whole (`is_complete`: partial periods at the edges of the
  data are flagged, never shown as complete) and `is_last_complete_year`, the fiscal year pages
  open on. Pages join a mart's period_start to it for the label instead of computing calendar years.
grain: period type × period start
unique: [period_type, period_start]
not_null: [period_end, label, fiscal_year, is_complete, is_current, is_last_complete_year]
accepted_values: { period_type: [month, quarter, year] }
*/
SELECT
  period_type,
  period_start,
  period_end,
  label,
  fiscal_year,
  fiscal_quarter,
  days,
  observed_start,
  observed_end,
  is_complete,
  is_current,
  is_last_complete_year
FROM intermediate.int_calendar
WHERE period_type IN ('month', 'quarter', 'year')
