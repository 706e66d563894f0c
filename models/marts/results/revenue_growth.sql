/*
description: >
  Revenue per month, quarter and year (invoice date, credit notes netted), overall (segment 'Tous les segments')
  and per customer segment, against the previous period and the same period a year earlier. Every
  period from the first invoice to the last day seen in the data is listed (0 when nothing was
  billed). There is no comparison (NULL) when the period compared with starts before the first
  invoice, its revenue not being fully known. The period in progress at the end of the data
  (`is_complete_period` false) is compared like for like: the previous period and last year's period
  are cut to the same number of days (e.g. 1–15 September against 1–15 August and 1–15 September
  last year). `margin_rate` (margin / revenue) is the gross margin rate of the period and
  segment, the one the segment pages show (marts.revenue_and_margin defines gross margin). The last day seen
  is the latest invoice, deal creation or close, activity or lead creation date. No rows when
  billing was not provided.
grain: type de période × début de période × segment
unique: [period_type, period_start, segment]
not_null: [period_end, observed_end, is_complete_period, revenue]
accepted_values: { period_type: [month, quarter, year], segment: [Tous les segments, Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Revenue growth (period over period)
    requires: [revenue_two_months]
    on_bookings: true
    label: Croissance du CA (période précédente)
    formula: >
      (chiffre d'affaires de la période − chiffre d'affaires de la période précédente) / chiffre
      d'affaires de la période précédente. Pour la période en cours, les deux sont pris sur le même
      nombre de jours depuis le début de la période.
    columns: [growth_pop, revenue_change_pop, previous_period_revenue]
    numerator: revenue_change_pop
    denominator: previous_period_revenue
    numerator_label: "Variation du chiffre d'affaires"
    denominator_label: "Chiffre d'affaires de la période précédente"
    unit: rate
    seeds: ['000', '001']
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
  - name: Revenue growth (year over year)
    requires: [revenue_year_ago]
    on_bookings: true
    label: Croissance du CA (sur un an)
    formula: >
      (chiffre d'affaires de la période − chiffre d'affaires de la même période un an plus tôt) /
      chiffre d'affaires de cette période-là. Pour la période en cours, les deux sont pris sur le
      même nombre de jours depuis le début de la période.
    columns: [growth_yoy, revenue_change_yoy, same_period_last_year_revenue]
    numerator: revenue_change_yoy
    denominator: same_period_last_year_revenue
    numerator_label: "Variation du chiffre d'affaires sur un an"
    denominator_label: "Chiffre d'affaires de la même période l'an passé"
    unit: rate
    seeds: ['000', '001']
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
*/
WITH daily AS (
  SELECT invoice_date AS day, segment, sum(revenue) AS revenue, sum(margin) AS margin
  FROM intermediate.int_revenue_lines
  GROUP BY ALL
  UNION ALL
  SELECT invoice_date, 'Tous les segments', sum(revenue), sum(margin)
  FROM intermediate.int_revenue_lines
  GROUP BY ALL
),
compared AS (
  -- Each period of the calendar and the two windows it is compared with, like for like
  -- (intermediate.int_calendar).
  SELECT
    p.period_type,
    p.period_start,
    p.period_end,
    p.label,
    p.observed_end,
    p.is_complete AS is_complete_period,
    p.previous_start AS previous_period_start,
    p.previous_observed_end AS previous_window_end,
    p.has_previous,
    p.year_ago_start AS last_year_period_start,
    p.year_ago_observed_end AS last_year_window_end,
    p.has_year_ago,
    s.segment
  FROM intermediate.int_calendar p
  CROSS JOIN (VALUES ('Tous les segments'), ('Or'), ('Argent'), ('Bronze')) AS s(segment)
  WHERE p.period_type IN ('month', 'quarter', 'year')
),
current_revenue AS (
  SELECT c.period_type, c.period_start, c.segment, sum(d.revenue) AS revenue, sum(d.margin) AS margin
  FROM compared c JOIN daily d ON d.segment = c.segment AND d.day BETWEEN c.period_start AND c.observed_end
  GROUP BY ALL
),
previous_revenue AS (
  SELECT c.period_type, c.period_start, c.segment, sum(d.revenue) AS revenue
  FROM compared c JOIN daily d ON d.segment = c.segment AND d.day BETWEEN c.previous_period_start AND c.previous_window_end
  GROUP BY ALL
),
last_year_revenue AS (
  SELECT c.period_type, c.period_start, c.segment, sum(d.revenue) AS revenue
  FROM compared c JOIN daily d ON d.segment = c.segment AND d.day BETWEEN c.last_year_period_start AND c.last_year_window_end
  GROUP BY ALL
),
figures AS (
  SELECT
    c.period_type,
    c.period_start,
    c.period_end,
    c.label,
    c.observed_end,
    c.is_complete_period,
    c.segment,
    coalesce(cr.revenue, 0) AS revenue,
    CASE WHEN billing_available() THEN coalesce(cr.margin, 0) END AS margin,
    c.previous_period_start,
    -- A comparison window starting before the first invoice is not fully known: NULL, not a partial figure.
    CASE WHEN c.has_previous THEN coalesce(pr.revenue, 0) END AS previous_period_revenue,
    c.last_year_period_start,
    CASE WHEN c.has_year_ago THEN coalesce(ly.revenue, 0) END AS same_period_last_year_revenue
  FROM compared c
  LEFT JOIN current_revenue cr USING (period_type, period_start, segment)
  LEFT JOIN previous_revenue pr USING (period_type, period_start, segment)
  LEFT JOIN last_year_revenue ly USING (period_type, period_start, segment)
)
SELECT
  *,
  safe_divide(margin, revenue) AS margin_rate,
  revenue - previous_period_revenue AS revenue_change_pop,
  safe_divide(revenue - previous_period_revenue, previous_period_revenue) AS growth_pop,
  revenue - same_period_last_year_revenue AS revenue_change_yoy,
  safe_divide(revenue - same_period_last_year_revenue, same_period_last_year_revenue) AS growth_yoy
FROM figures
