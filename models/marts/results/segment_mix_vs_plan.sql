/*
description: >
  Each segment's share of the year's revenue (calendar year, invoice date, credit notes netted)
  against the strategic target of kpi-settings.yaml (segmentMixTarget), and the gap in points. A
  segment without a target has a NULL target and gap; one without revenue has a share of 0.
  `is_complete_year` is false for a year the data only partly covers.
grain: year × segment
unique: [year, segment]
not_null: [revenue, year_revenue, is_complete_year]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Segment mix vs plan
    requires: [revenue]
    on_bookings: true
    label: Mix de CA par segment vs plan
    formula: >
      Segment revenue / revenue of all segments in the year, against the target share set in
      kpi-settings.yaml (segmentMixTarget); gap = share − target (negative: behind plan).
    columns: [revenue_share, target_share, share_gap]
    numerator: revenue
    denominator: year_revenue
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
*/
WITH bounds AS (
  SELECT
    -- Revenue is observed from the first invoice; without billing, from the first deal recorded
    -- (a deal could have been won any day since).
    coalesce((SELECT min(invoice_date) FROM staging.stg_invoices), (SELECT min(created_at) FROM staging.stg_opportunities)) AS data_start,
    greatest(
      (SELECT max(invoice_date) FROM intermediate.int_revenue_lines),
      (SELECT greatest(max(created_at), max(closed_at)) FROM staging.stg_opportunities),
      (SELECT max(activity_date) FROM staging.stg_activities),
      (SELECT max(created_date) FROM staging.stg_leads)
    ) AS data_end
),
years AS (
  SELECT CAST(unnest(generate_series(CAST(date_trunc('year', data_start) AS TIMESTAMP), CAST(data_end AS TIMESTAMP), INTERVAL 1 YEAR)) AS DATE) AS year, data_start, data_end
  FROM bounds
  WHERE data_start IS NOT NULL
),
revenue AS (
  SELECT CAST(date_trunc('year', invoice_date) AS DATE) AS year, segment, sum(revenue) AS revenue
  FROM intermediate.int_revenue_lines
  GROUP BY ALL
),
grid AS (
  SELECT y.year, y.year >= y.data_start AND CAST(y.year + INTERVAL 1 YEAR - INTERVAL 1 DAY AS DATE) <= y.data_end AS is_complete_year, s.segment
  FROM years y
  CROSS JOIN (VALUES ('Or'), ('Argent'), ('Bronze')) AS s(segment)
),
shares AS (
  SELECT
    g.year,
    g.segment,
    g.is_complete_year,
    coalesce(r.revenue, 0) AS revenue,
    sum(coalesce(r.revenue, 0)) OVER (PARTITION BY g.year) AS year_revenue,
    t.target_share
  FROM grid g
  LEFT JOIN revenue r USING (year, segment)
  LEFT JOIN settings.segment_mix_target t ON t.segment = g.segment
)
SELECT
  year,
  segment,
  is_complete_year,
  revenue,
  year_revenue,
  safe_divide(revenue, year_revenue) AS revenue_share,
  target_share,
  safe_divide(revenue, year_revenue) - target_share AS share_gap,
  year_revenue * target_share AS target_revenue,
  revenue - year_revenue * target_share AS revenue_gap
FROM shares
