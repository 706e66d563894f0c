/*
description: >
  The checks that tie the figures to the extracts, one row per check, always shown beside them.
  Revenue, cost and margin in marts.revenue_and_margin must equal the billing extract to the cent
  (Σ raw.invoice_lines net amounts; cost = quantity × unit cost rounded to the cent per line), in
  total and month by month (invoice date). Won deals against billing: the signed amount of the won
  deals that were invoiced (raw.opportunities, stage won, with at least one invoice carrying their
  opportunity_id) against the amount of those invoices (credit notes excluded: goodwill credits
  after the sale are not a billing gap; they are counted in the detail), within a tolerance
  of 2 % overall. Without billing, revenue is booked from the won deals and must equal their amount
  (revenue_vs_bookings). status: pass, fail, or not_applicable (the billing checks without billing,
  the bookings check with it). The data
  tests revenue_reconciles_to_billing and won_deals_match_invoices stop the build on a fail; the
  second reads its tolerance from this mart.
grain: check
unique: [check_name]
not_null: [description, tolerance, tolerance_unit, status]
accepted_values: { status: [pass, fail, not_applicable], tolerance_unit: [EUR, share] }
kpis:
  - name: Revenue reconciliation
    label: Rapprochement du CA avec la facturation
    formula: >
      Revenue of the models (marts.revenue_and_margin) − Σ net amounts of the billing extract's invoice
      lines, in total and per month: must be 0 to the cent (pass / fail).
    columns: [status, model_figure, billing_figure, difference]
    unit: EUR
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
  - name: Won deals vs invoices
    label: Affaires gagnées vs facturé
    formula: >
      |Σ invoiced amount (credit notes excluded) of the won deals that were invoiced − Σ their signed
      amounts| / Σ signed amounts: pass within the tolerance (reconciliation.wonDealsTolerance in kpi-settings.yaml, 2 % by default).
    columns: [status, relative_difference, model_figure, billing_figure]
    numerator: difference
    denominator: model_figure
    unit: rate
    audiences: [A, F]
    needs: [invoices, invoice_lines]
*/
WITH available AS (
  SELECT extract_available('invoices') AND extract_available('invoice_lines') AS has_billing
),
-- Tolerance of the won deals vs invoices check (the data test won_deals_match_invoices reads it here).
won_tolerance AS (
  SELECT CAST(won_deals_tolerance AS DOUBLE) AS tolerance FROM settings.kpi
),
billing_lines AS (
  SELECT l.net_amount, CAST(round(l.quantity * l.unit_cost, 2) AS DECIMAL(18, 2)) AS cost, CAST(date_trunc('month', i.invoice_date) AS DATE) AS month
  FROM raw.invoice_lines l
  LEFT JOIN raw.invoices i ON i.invoice_id = l.invoice_id
),
billing_total AS (
  SELECT coalesce(sum(net_amount), 0) AS revenue, coalesce(sum(net_amount - cost), 0) AS margin, coalesce(sum(cost), 0) AS cost FROM billing_lines
),
mart_total AS (
  SELECT coalesce(sum(revenue), 0) AS revenue, coalesce(sum(margin), 0) AS margin, coalesce(sum(cost), 0) AS cost FROM marts.revenue_and_margin
),
monthly AS (
  SELECT
    coalesce(b.month, m.month) AS month,
    coalesce(m.revenue, 0) AS mart_revenue,
    coalesce(b.revenue, 0) AS billing_revenue
  FROM (SELECT month, sum(net_amount) AS revenue FROM billing_lines GROUP BY month) b
  FULL OUTER JOIN (SELECT month, sum(revenue) AS revenue FROM marts.revenue_and_margin GROUP BY month) m ON m.month IS NOT DISTINCT FROM b.month
),
monthly_summary AS (
  SELECT
    count(*) AS months,
    count(*) FILTER (WHERE round(mart_revenue - billing_revenue, 2) <> 0) AS months_differing,
    coalesce(sum(abs(mart_revenue - billing_revenue)), 0) AS absolute_difference
  FROM monthly
),
won_invoiced AS (
  SELECT
    o.opportunity_id,
    o.amount,
    coalesce(sum(l.net_amount) FILTER (WHERE i.document_type = 'invoice'), 0) AS invoiced,
    coalesce(sum(l.net_amount) FILTER (WHERE i.document_type = 'credit_note'), 0) AS credited,
    count(DISTINCT i.invoice_id) FILTER (WHERE i.document_type = 'invoice' AND l.invoice_id IS NOT NULL) AS invoices
  FROM raw.opportunities o
  LEFT JOIN raw.invoices i ON i.opportunity_id = o.opportunity_id
  LEFT JOIN raw.invoice_lines l ON l.invoice_id = i.invoice_id
  WHERE o.stage = 'won'
  GROUP BY ALL
),
-- Without billing, revenue is the won deals (bookings): it must equal them, to the cent.
bookings_total AS (
  SELECT coalesce(sum(amount), 0) AS revenue, count(*) AS deals FROM raw.opportunities WHERE stage = 'won'
),
won_summary AS (
  SELECT
    count(*) FILTER (WHERE w.invoices > 0) AS deals,
    coalesce(sum(w.amount) FILTER (WHERE w.invoices > 0), 0) AS won_amount,
    coalesce(sum(w.invoiced) FILTER (WHERE w.invoices > 0), 0) AS invoiced,
    coalesce(sum(w.credited) FILTER (WHERE w.invoices > 0), 0) AS credited,
    count(*) FILTER (WHERE w.invoices > 0 AND abs(w.invoiced - w.amount) > t.tolerance * w.amount) AS deals_outside,
    count(*) FILTER (WHERE w.invoices = 0) AS won_not_invoiced,
    -- From the settings, not from the deals: with no won deal there is no row to take it from.
    (SELECT tolerance FROM won_tolerance) AS tolerance
  FROM won_invoiced w
  CROSS JOIN won_tolerance t
),
checks AS (
  SELECT
    1 AS check_order,
    'revenue_total' AS check_name,
    'Total revenue of marts.revenue_and_margin equals the sum of the net amounts of the billing extract''s invoice lines, to the cent.' AS description,
    CAST(m.revenue AS DOUBLE) AS model_figure,
    CAST(b.revenue AS DOUBLE) AS billing_figure,
    CAST(m.revenue - b.revenue AS DOUBLE) AS difference,
    0.005 AS tolerance,
    'EUR' AS tolerance_unit,
    round(m.revenue - b.revenue, 2) = 0 AS passed,
    NULL AS detail,
    a.has_billing AS applies
  FROM mart_total m, billing_total b, available a
  UNION ALL
  SELECT
    2, 'revenue_by_month',
    'Revenue of marts.revenue_and_margin equals the billing extract month by month (invoice date), to the cent; difference = Σ |monthly differences|.',
    NULL, NULL, CAST(absolute_difference AS DOUBLE), 0.005, 'EUR', months_differing = 0,
    months_differing || ' of ' || months || ' months differ', a.has_billing
  FROM monthly_summary, available a
  UNION ALL
  SELECT
    3, 'cost_total',
    'Total cost of goods sold of marts.revenue_and_margin equals Σ quantity × unit cost of the billing extract''s lines (rounded to the cent per line).',
    CAST(m.cost AS DOUBLE), CAST(b.cost AS DOUBLE), CAST(m.cost - b.cost AS DOUBLE), 0.005, 'EUR', round(m.cost - b.cost, 2) = 0, NULL, a.has_billing
  FROM mart_total m, billing_total b, available a
  UNION ALL
  SELECT
    4, 'margin_total',
    'Total gross margin of marts.revenue_and_margin equals the billing extract''s net amounts minus its cost, to the cent.',
    CAST(m.margin AS DOUBLE), CAST(b.margin AS DOUBLE), CAST(m.margin - b.margin AS DOUBLE), 0.005, 'EUR', round(m.margin - b.margin, 2) = 0, NULL, a.has_billing
  FROM mart_total m, billing_total b, available a
  UNION ALL
  SELECT
    5, 'won_deals_vs_invoices',
    'Signed amount of the won deals that were invoiced (CRM) against the amount of the invoices carrying their opportunity_id, credit notes excluded (billing): within '
      || printf('%g', 100 * tolerance) || ' % overall.',
    CAST(won_amount AS DOUBLE), CAST(invoiced AS DOUBLE), CAST(invoiced - won_amount AS DOUBLE), tolerance, 'share',
    abs(invoiced - won_amount) <= tolerance * won_amount,
    deals || ' won deals invoiced, ' || deals_outside || ' of them more than ' || printf('%g', 100 * tolerance) || ' % apart; ' || won_not_invoiced
      || ' won deals not invoiced (left out); credit notes on invoiced won deals: ' || round(credited, 2) || ' EUR',
    a.has_billing
  FROM won_summary, available a
  UNION ALL
  SELECT
    6, 'revenue_vs_bookings',
    'Without billing, total revenue of marts.revenue_and_margin equals the amount of the won deals of the CRM extract (bookings), to the cent.',
    CAST(m.revenue AS DOUBLE), CAST(b.revenue AS DOUBLE), CAST(m.revenue - b.revenue AS DOUBLE), 0.005, 'EUR',
    round(m.revenue - b.revenue, 2) = 0, b.deals || ' won deals', NOT a.has_billing
  FROM mart_total m, bookings_total b, available a
)
SELECT
  c.check_name,
  c.description,
  CASE WHEN c.applies THEN c.model_figure END AS model_figure,
  CASE WHEN c.applies THEN c.billing_figure END AS billing_figure,
  CASE WHEN c.applies THEN c.difference END AS difference,
  CASE WHEN c.applies AND c.tolerance_unit = 'share' THEN safe_divide(abs(c.difference), c.model_figure) END AS relative_difference,
  c.tolerance,
  c.tolerance_unit,
  CASE WHEN NOT c.applies THEN 'not_applicable' WHEN c.passed THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN c.applies THEN c.detail END AS detail,
  c.check_order
FROM checks c
