/*
description: >
  The won deals that were invoiced were invoiced for what was signed: Σ net amounts of the invoices
  (credit notes excluded) carrying the opportunity_id of a won deal differ from Σ the signed amounts
  of those deals by no more than the tolerance published in marts.reconciliation (2 % overall).
  Computed from staging (amounts in the reporting currency); returns the overall gap when it is too large. Skipped
  when billing was not provided.
model: marts.reconciliation
*/
WITH invoiced AS (
  SELECT i.opportunity_id, sum(l.revenue) AS invoiced
  FROM staging.stg_invoices i
  JOIN staging.stg_invoice_lines l ON l.invoice_id = i.invoice_id
  WHERE i.document_type = 'invoice' AND i.opportunity_id IS NOT NULL
  GROUP BY i.opportunity_id
),
overall AS (
  SELECT sum(o.amount) AS won_amount, sum(v.invoiced) AS invoiced_amount, count(*) AS won_deals_invoiced
  FROM staging.stg_opportunities o
  JOIN invoiced v ON v.opportunity_id = o.opportunity_id
  WHERE o.is_won
),
tolerance AS (
  SELECT tolerance FROM marts.reconciliation WHERE check_name = 'won_deals_vs_invoices'
)
SELECT
  o.won_deals_invoiced,
  o.won_amount,
  o.invoiced_amount,
  o.invoiced_amount - o.won_amount AS difference,
  safe_divide(abs(o.invoiced_amount - o.won_amount), o.won_amount) AS relative_difference,
  t.tolerance
FROM overall o
CROSS JOIN tolerance t
WHERE extract_available('invoices') AND extract_available('invoice_lines')
  AND o.won_deals_invoiced > 0
  AND abs(o.invoiced_amount - o.won_amount) > t.tolerance * o.won_amount
