/*
description: >
  Every period of finance's tie-out (marts.revenue_tie_out) differs from the invoice lines read from
  the files by exactly the money held out at load (or after the as-of day): returns the periods
  with an unexplained difference. Skipped without billing.
model: marts.revenue_tie_out
*/
SELECT period_type, period_start, period_label, mart_revenue, lines_read, difference, explained_held_out, unexplained
FROM marts.revenue_tie_out
WHERE extract_available('invoices') AND extract_available('invoice_lines') AND unexplained <> 0
