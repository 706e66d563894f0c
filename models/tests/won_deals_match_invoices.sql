/*
description: >
  The won deals that were invoiced were invoiced for what was signed: Σ net amounts of the invoices
  (credit notes excluded) carrying the opportunity_id of a won deal, plus what remains to invoice on
  the deals signed within the company's invoicing delay (timing, not a gap:
  intermediate.int_won_deal_invoicing), differ from Σ the signed amounts of those deals by no more
  than the tolerance published in marts.reconciliation (2 % overall). Amounts in the reporting
  currency; returns the overall gap when it is too large. Skipped when billing was not provided.
model: marts.reconciliation
*/
WITH overall AS (
  SELECT sum(amount) AS won_amount, sum(invoiced) AS invoiced_amount, sum(to_invoice) AS to_invoice, count(*) AS won_deals_invoiced
  FROM intermediate.int_won_deal_invoicing
  WHERE invoices > 0
),
tolerance AS (
  SELECT tolerance FROM marts.reconciliation WHERE check_name = 'won_deals_vs_invoices'
)
SELECT
  o.won_deals_invoiced,
  o.won_amount,
  o.invoiced_amount,
  o.to_invoice,
  o.invoiced_amount + o.to_invoice - o.won_amount AS unexplained_difference,
  safe_divide(abs(o.invoiced_amount + o.to_invoice - o.won_amount), o.won_amount) AS relative_difference,
  t.tolerance
FROM overall o
CROSS JOIN tolerance t
WHERE extract_available('invoices') AND extract_available('invoice_lines')
  AND o.won_deals_invoiced > 0
  AND abs(o.invoiced_amount + o.to_invoice - o.won_amount) > t.tolerance * o.won_amount
