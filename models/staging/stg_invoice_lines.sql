/*
description: >
  Invoice lines with revenue (net amount, negative on credit notes) and cost of goods sold
  (quantity × unit cost), in the company's reporting currency: converted at the rate of the invoice's
  month when the invoice is in another currency (each figure rounded to the cent, as the loader's
  money accounting does). revenue_original and currency keep the invoice's own figures.
grain: invoice line
unique: [invoice_id, line_number]
not_null: [revenue, cost, currency]
relationships: { invoice_id: staging.stg_invoices.invoice_id }
*/
SELECT
  l.invoice_id,
  l.line_number,
  l.product_line,
  l.product_code,
  l.quantity,
  to_reporting(l.unit_price, i.currency, i.invoice_date) AS unit_price,
  l.discount_rate,
  to_reporting(l.net_amount, i.currency, i.invoice_date) AS revenue,
  to_reporting(round(l.quantity * l.unit_cost, 2), i.currency, i.invoice_date) AS cost,
  l.net_amount AS revenue_original,
  i.currency
FROM raw.invoice_lines l
JOIN raw.invoices i USING (invoice_id)
