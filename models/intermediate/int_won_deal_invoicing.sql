/*
description: >
  Each won deal beside what billing holds for it, and whether what is missing is timing. A deal is
  invoiced over time (a first invoice at signature, a second one after delivery…): a deal signed
  last week and not yet fully invoiced is "signé, à facturer", not a billing gap. The invoicing delay
  is reconciliation.invoicingDelayDays in kpi-settings.yaml or, left out, the company's own history:
  the fewest days d after signature by which it had invoiced 1 − tolerance (98 % by default) of the
  money signed, among the won deals signed at least d days before the data's last day (a cohort
  curve: deals still being invoiced count only for the days they have been seen). Less than 180
  days of won deals and a curve short of that share: every won deal is within the delay
  (short_history: the history cannot yet tell timing from a gap). A won deal signed less than that many days before the data's last day
  (`is_within_delay`) has `to_invoice` = what is signed and not yet invoiced (never below 0:
  invoicing more than was signed cannot be timing); older deals have none, and their gap, if any, is
  a discrepancy (marts.reconciliation). Amounts in the reporting currency; invoices only (credit
  notes apart, in `credited`).
grain: won opportunity
unique: [opportunity_id]
not_null: [amount, invoiced, credited, invoices, is_within_delay, to_invoice, invoicing_delay_days, delay_source]
accepted_values: { delay_source: [setting, history, short_history, none] }
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
-- The company's history of invoicing after signature, read as a cohort curve so that deals still
-- being invoiced do not cut it short (early in a company's history most slow deals are): for each
-- number of days d after signature at which an invoice was issued, the share of the money signed
-- by the deals old enough to have been seen at d (signed d days or more before the data's last
-- day) that was invoiced within d days.
events AS (
  SELECT greatest(0, datediff('day', d.closed_at, i.invoice_date)) AS days, sum(l.revenue) AS amount
  FROM deals d
  JOIN staging.stg_invoices i ON i.opportunity_id = d.opportunity_id AND i.document_type = 'invoice'
  JOIN staging.stg_invoice_lines l ON l.invoice_id = i.invoice_id
  GROUP BY ALL
),
deals_aged AS (
  SELECT d.opportunity_id, d.amount, datediff('day', d.closed_at, e.data_end) AS age FROM deals d CROSS JOIN data_end e
),
deal_events AS (
  SELECT d.opportunity_id, datediff('day', d.closed_at, e.data_end) AS age, d.amount,
    greatest(0, datediff('day', d.closed_at, i.invoice_date)) AS days, l.revenue AS invoiced
  FROM deals d
  CROSS JOIN data_end e
  LEFT JOIN staging.stg_invoices i ON i.opportunity_id = d.opportunity_id AND i.document_type = 'invoice'
  LEFT JOIN staging.stg_invoice_lines l ON l.invoice_id = i.invoice_id
),
candidate_days AS (
  SELECT DISTINCT days FROM events
),
curve AS (
  SELECT c.days, n.invoiced / nullif(m.signed, 0) AS share_invoiced
  FROM candidate_days c
  JOIN (SELECT c.days, sum(x.invoiced) AS invoiced FROM candidate_days c JOIN deal_events x ON x.days <= c.days AND x.age >= c.days GROUP BY c.days) n USING (days)
  JOIN (SELECT c.days, sum(y.amount) AS signed FROM candidate_days c JOIN deals_aged y ON y.age >= c.days GROUP BY c.days) m USING (days)
),
-- The delay: the fewest days after which the company has invoiced what it signs, but for the
-- tolerance ((1 − tolerance) of the money: 98 % with the default 2 %); weighted by money, as the
-- check is. A curve that never gets there says one of two things: a history too short to have seen
-- its slow deals through (less than 180 days of won deals: every won deal counts as within the
-- delay — short_history — and the page says so), or gaps that last (a longer history: the longest
-- time to an invoice seen, beyond which a gap is a discrepancy).
oldest AS (
  SELECT max(age) AS age FROM deals_aged
),
delay AS (
  SELECT
    CASE
      WHEN (SELECT invoicing_delay_days FROM settings.kpi) IS NOT NULL THEN (SELECT invoicing_delay_days FROM settings.kpi)
      WHEN r.reached IS NOT NULL THEN r.reached
      WHEN o.age < 180 THEN o.age + 1
      ELSE (SELECT max(days) FROM events)
    END AS invoicing_delay_days,
    CASE
      WHEN (SELECT invoicing_delay_days FROM settings.kpi) IS NOT NULL THEN 'setting'
      WHEN r.reached IS NULL AND o.age < 180 THEN 'short_history'
      WHEN (SELECT count(*) FROM events) > 0 THEN 'history'
      ELSE 'none'
    END AS delay_source
  FROM (SELECT min(days) AS reached FROM curve WHERE share_invoiced >= 1 - (SELECT won_deals_tolerance FROM settings.kpi) - 1e-9) r
  CROSS JOIN oldest o
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
