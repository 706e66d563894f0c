/*
description: >
  Each segment's share of the year's revenue (fiscal year, invoice date, credit notes netted)
  against the strategic target of kpi-settings.yaml (segmentMixTarget), and the gap in points. A
  segment without a target has a NULL target and gap; one without revenue has a share of 0.
  `is_complete_year` is false for a year the data only partly covers.
grain: année × segment
unique: [year, segment]
not_null: [revenue, year_revenue, is_complete_year]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Segment mix vs plan
    requires: [revenue]
    on_bookings: true
    label: Mix de CA par segment vs plan
    formula: >
      Chiffre d'affaires du segment / chiffre d'affaires de tous les segments dans l'année, comparé
      à la part cible (réglage « mix de segments cible ») ; écart = part − cible (négatif : en
      retard sur le plan).
    columns: [revenue_share, target_share, share_gap]
    numerator: revenue
    denominator: year_revenue
    numerator_label: "Chiffre d'affaires du segment"
    denominator_label: "Chiffre d'affaires de l'année, tous segments"
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
*/
WITH years AS (
  -- The fiscal years of the data window (intermediate.int_calendar).
  SELECT period_start AS year, label AS year_label, is_complete AS is_complete_year
  FROM intermediate.int_calendar
  WHERE period_type = 'year'
),
revenue AS (
  SELECT fiscal_year_start(invoice_date) AS year, segment, sum(revenue) AS revenue
  FROM intermediate.int_revenue_lines
  GROUP BY ALL
),
grid AS (
  SELECT y.year, y.year_label, y.is_complete_year, s.segment
  FROM years y
  CROSS JOIN (VALUES ('Or'), ('Argent'), ('Bronze')) AS s(segment)
),
shares AS (
  SELECT
    g.year,
    g.year_label,
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
  year_label,
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
