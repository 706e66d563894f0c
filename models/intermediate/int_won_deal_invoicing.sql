/*
description: >
  Each won deal beside what billing holds for it, and whether what is missing is timing. A deal is
  invoiced over time (a first invoice at signature, a second one after delivery…): a deal signed
  last week and not yet fully invoiced is "signé, à facturer", not a billing gap. The invoicing delay
  is reconciliation.invoicingDelayDays in kpi-settings.yaml or, left out, the company's own history:
  the fewest days after signature by which its won deals whose invoicing is over (invoiced within
  the tolerance of what was signed; those signed at least 180 days before the data's last day when
  there are 30 or more, else all of them) had 1 − tolerance of their money invoiced (98 % by default). A won deal signed less than that many days before the data's last day
  (`is_within_delay`) has `to_invoice` = what is signed and not yet invoiced (never below 0:
  invoicing more than was signed cannot be timing); older deals have none, and their gap, if any, is
  a discrepancy (marts.reconciliation). Amounts in the reporting currency; invoices only (credit
  notes apart, in `credited`).
grain: won opportunity
unique: [opportunity_id]
not_null: [amount, invoiced, credited, invoices, is_within_delay, to_invoice, invoicing_delay_days, delay_source]
accepted_values: { delay_source: [setting, history, none] }
*/
WITH data_end AS (
  SELECT any_value(data_end) AS data_end FROM intermediate.int_calendar
),
deals AS (
  SELECT
    o.opportunity_id,
    o.owner_seller_id,
    o.closed_at,
    o.amount,
    coalesce(sum(l.revenue) FILTER (WHERE i.document_type = 'invoice'), 0) AS invoiced,
    coalesce(sum(l.revenue) FILTER (WHERE i.document_type = 'credit_note'), 0) AS credited,
    count(DISTINCT i.invoice_id) FILTER (WHERE i.document_type = 'invoice' AND l.invoice_id IS NOT NULL) AS invoices,
    max(i.invoice_date) FILTER (WHERE i.document_type = 'invoice' AND l.invoice_id IS NOT NULL) AS last_invoice_date
  FROM staging.stg_opportunities o
  LEFT JOIN staging.stg_invoices i ON i.opportunity_id = o.opportunity_id
  LEFT JOIN staging.stg_invoice_lines l ON l.invoice_id = i.invoice_id
  WHERE o.is_won
  GROUP BY ALL
),
-- The company's history: for the won deals whose invoicing is over (invoiced within the tolerance
-- of what was signed — a deal still being invoiced would cut the delay short: early in a company's
-- history most slow deals are still being invoiced), each invoice's amount and its days after
-- signature. Deals signed at least 180 days before the data's last day when there are 30 or more.
settled AS (
  SELECT d.opportunity_id, d.closed_at, d.closed_at <= e.data_end - INTERVAL 180 DAY AS is_settled
  FROM deals d CROSS JOIN data_end e
  WHERE d.invoices > 0 AND abs(d.invoiced - d.amount) <= (SELECT won_deals_tolerance FROM settings.kpi) * d.amount
),
history AS (
  SELECT greatest(0, datediff('day', s.closed_at, i.invoice_date)) AS days, sum(l.revenue) AS amount
  FROM settled s
  JOIN staging.stg_invoices i ON i.opportunity_id = s.opportunity_id AND i.document_type = 'invoice'
  JOIN staging.stg_invoice_lines l ON l.invoice_id = i.invoice_id
  WHERE s.is_settled OR (SELECT count(*) FILTER (WHERE is_settled) FROM settled) < 30
  GROUP BY ALL
),
-- The delay within which the company invoices what it signs, but for the tolerance: the fewest
-- days after signature by which (1 − tolerance) of the money of those deals was invoiced (98 %
-- with the default 2 %). Weighted by money, as the check is: a few slow small deals do not make
-- the delay, a slow large share of the money does.
cumulative AS (
  SELECT days, sum(amount) OVER (ORDER BY days) / nullif(sum(amount) OVER (), 0) AS share_invoiced
  FROM history
),
delay AS (
  SELECT
    CASE
      WHEN (SELECT invoicing_delay_days FROM settings.kpi) IS NOT NULL THEN (SELECT invoicing_delay_days FROM settings.kpi)
      ELSE (SELECT min(days) FROM cumulative WHERE share_invoiced >= 1 - (SELECT won_deals_tolerance FROM settings.kpi) - 1e-9)
    END AS invoicing_delay_days,
    CASE
      WHEN (SELECT invoicing_delay_days FROM settings.kpi) IS NOT NULL THEN 'setting'
      WHEN (SELECT count(*) FROM history) > 0 THEN 'history'
      ELSE 'none'
    END AS delay_source
)
SELECT
  d.opportunity_id,
  d.owner_seller_id,
  d.closed_at,
  d.amount,
  d.invoiced,
  d.credited,
  d.invoices,
  d.last_invoice_date,
  coalesce(d.closed_at > e.data_end - to_days(CAST(coalesce(y.invoicing_delay_days, 0) AS INTEGER)), false) AS is_within_delay,
  CASE WHEN d.closed_at > e.data_end - to_days(CAST(coalesce(y.invoicing_delay_days, 0) AS INTEGER))
    THEN greatest(d.amount - d.invoiced, 0) ELSE 0 END AS to_invoice,
  CAST(coalesce(y.invoicing_delay_days, 0) AS INTEGER) AS invoicing_delay_days,
  y.delay_source
FROM deals d
CROSS JOIN data_end e
CROSS JOIN delay y
