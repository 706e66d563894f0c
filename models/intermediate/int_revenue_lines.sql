/*
description: >
  Every revenue line with its revenue, cost and gross margin, the customer's segment and
  firmographics, and the seller credited: the owner of the deal the line bills, else the account's
  owner. The single source of revenue for every mart, so they all reconcile to one basis
  (`revenue_basis`). With billing provided, the lines are the invoice lines ('invoiced'). Without
  billing (a CRM-only export), each won deal is one line at its close date for its amount
  ('booked'): revenue by seller, sector or month stays visible, but cost and margin are unknown and
  left NULL, never zero.
grain: invoice line (invoiced) or won deal (booked)
unique: [invoice_id, line_number]
not_null: [invoice_date, revenue, segment, revenue_basis]
accepted_values: { revenue_basis: [invoiced, booked] }
*/
WITH invoiced AS (
  SELECT
    l.invoice_id,
    l.line_number,
    i.invoice_date,
    i.document_type,
    i.is_credit_note,
    i.account_id,
    i.opportunity_id,
    coalesce(o.owner_seller_id, a.owner_seller_id) AS seller_id,
    l.product_line,
    l.product_code,
    l.quantity,
    l.revenue,
    l.cost
  FROM staging.stg_invoice_lines l
  JOIN staging.stg_invoices i USING (invoice_id)
  JOIN staging.stg_accounts a ON a.account_id = i.account_id
  LEFT JOIN staging.stg_opportunities o ON o.opportunity_id = i.opportunity_id
),
booked AS (
  SELECT
    'booking:' || opportunity_id AS invoice_id,
    1 AS line_number,
    closed_at AS invoice_date,
    'booking' AS document_type,
    false AS is_credit_note,
    account_id,
    opportunity_id,
    owner_seller_id AS seller_id,
    product_line,
    CAST(NULL AS VARCHAR) AS product_code,
    CAST(NULL AS DECIMAL(18, 3)) AS quantity,
    amount AS revenue,
    CAST(NULL AS DECIMAL(18, 2)) AS cost
  FROM staging.stg_opportunities
  WHERE is_won AND closed_at IS NOT NULL AND revenue_basis() = 'booked'
),
lines AS (
  SELECT *, 'invoiced' AS revenue_basis FROM invoiced
  UNION ALL BY NAME
  SELECT *, 'booked' AS revenue_basis FROM booked
)
SELECT
  r.invoice_id,
  r.line_number,
  r.invoice_date,
  CAST(date_trunc('month', r.invoice_date) AS DATE) AS month,
  r.document_type,
  r.is_credit_note,
  r.account_id,
  r.opportunity_id,
  a.segment,
  a.industry,
  a.size_band,
  a.region,
  r.seller_id,
  s.team,
  r.product_line,
  r.product_code,
  r.quantity,
  r.revenue,
  r.cost,
  r.revenue - r.cost AS margin,
  r.revenue_basis
FROM lines r
JOIN staging.stg_accounts a ON a.account_id = r.account_id
LEFT JOIN staging.stg_sellers s ON s.seller_id = r.seller_id
