/*
description: >
  Every invoice line with its revenue, cost and gross margin, the customer's segment and
  firmographics, and the seller credited: the owner of the deal the invoice bills, else the
  account's owner. The single source of revenue for every mart, so they all reconcile to billing.
grain: invoice line
unique: [invoice_id, line_number]
not_null: [invoice_date, revenue, cost, margin, segment]
*/
SELECT
  l.invoice_id,
  l.line_number,
  i.invoice_date,
  CAST(date_trunc('month', i.invoice_date) AS DATE) AS month,
  i.document_type,
  i.is_credit_note,
  i.account_id,
  i.opportunity_id,
  a.segment,
  a.industry,
  a.size_band,
  a.region,
  coalesce(o.owner_seller_id, a.owner_seller_id) AS seller_id,
  s.team,
  l.product_line,
  l.product_code,
  l.quantity,
  l.revenue,
  l.cost,
  l.revenue - l.cost AS margin
FROM staging.stg_invoice_lines l
JOIN staging.stg_invoices i USING (invoice_id)
JOIN staging.stg_accounts a ON a.account_id = i.account_id
LEFT JOIN staging.stg_opportunities o ON o.opportunity_id = i.opportunity_id
LEFT JOIN staging.stg_sellers s ON s.seller_id = coalesce(o.owner_seller_id, a.owner_seller_id)
