/*
description: Invoice lines with revenue (net amount, negative on credit notes) and cost of goods sold (quantity × unit cost).
grain: invoice line
unique: [invoice_id, line_number]
not_null: [revenue, cost]
relationships: { invoice_id: staging.stg_invoices.invoice_id }
*/
SELECT
  invoice_id,
  line_number,
  product_line,
  product_code,
  quantity,
  unit_price,
  discount_rate,
  net_amount AS revenue,
  CAST(round(quantity * unit_cost, 2) AS DECIMAL(18, 2)) AS cost
FROM raw.invoice_lines
