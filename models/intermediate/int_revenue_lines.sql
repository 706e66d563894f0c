/*
description: >
  Every revenue line with its revenue, cost and gross margin, the customer's segment and
  firmographics, and the seller credited at the time of the line (`attribution` says by which rule):
  the owner of the deal the line bills ('deal owner'); for a line without a deal (recurring
  revenue), the account's owner at the invoice date from the ownership history ('account owner at
  invoice date', optional extract account_owners); for an account without history, its current
  owner ('current account owner'). A seller is only credited between their start and leave dates:
  a line no rule credits to a seller employed on its date has no seller ('none': counted in every
  company total, in no seller's). The single source of revenue for every mart, so they all reconcile to one basis
  (`revenue_basis`). With billing provided, the lines are the invoice lines ('invoiced'). Without
  billing (a CRM-only export), each won deal is one line at its close date for its amount
  ('booked'): revenue by seller, sector or month stays visible, but cost and margin are unknown and
  left NULL, never zero.
grain: invoice line (invoiced) or won deal (booked)
unique: [invoice_id, line_number]
not_null: [invoice_date, revenue, segment, revenue_basis]
accepted_values: { revenue_basis: [invoiced, booked], attribution: [deal owner, account owner at invoice date, current account owner, none] }
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
    o.owner_seller_id AS deal_owner_id,
    a.owner_seller_id AS current_owner_id,
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
    owner_seller_id AS deal_owner_id,
    CAST(NULL AS VARCHAR) AS current_owner_id,
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
),
-- The account's owner at the line's date, from the ownership history (the latest ownership
-- started on or before that day, should two overlap). It depends on the account and the day only:
-- read once per account × day invoiced, not once per line (an invoice has several lines).
owner_at_date AS (
  SELECT l.account_id, l.invoice_date, arg_max(h.seller_id, h.valid_from) AS history_owner_id
  FROM (SELECT DISTINCT account_id, invoice_date FROM lines) l
  JOIN staging.stg_account_owners h ON h.account_id = l.account_id AND l.invoice_date BETWEEN h.valid_from AND h.valid_until
  GROUP BY ALL
),
with_history AS (
  SELECT DISTINCT account_id FROM staging.stg_account_owners
),
employed AS (
  SELECT seller_id, start_date, coalesce(leave_date, DATE '9999-12-31') AS leave_date FROM staging.stg_sellers
),
attributed AS (
  SELECT
    l.*,
    CASE
      WHEN d.seller_id IS NOT NULL THEN l.deal_owner_id
      WHEN hist.seller_id IS NOT NULL THEN o.history_owner_id
      WHEN wh.account_id IS NULL AND cur.seller_id IS NOT NULL THEN l.current_owner_id
    END AS seller_id,
    CASE
      WHEN d.seller_id IS NOT NULL THEN 'deal owner'
      WHEN hist.seller_id IS NOT NULL THEN 'account owner at invoice date'
      WHEN wh.account_id IS NULL AND cur.seller_id IS NOT NULL THEN 'current account owner'
      ELSE 'none'
    END AS attribution
  FROM lines l
  LEFT JOIN owner_at_date o ON o.account_id = l.account_id AND o.invoice_date = l.invoice_date
  LEFT JOIN with_history wh ON wh.account_id = l.account_id
  LEFT JOIN employed d ON d.seller_id = l.deal_owner_id AND l.invoice_date BETWEEN d.start_date AND d.leave_date
  LEFT JOIN employed hist ON hist.seller_id = o.history_owner_id AND l.invoice_date BETWEEN hist.start_date AND hist.leave_date
  LEFT JOIN employed cur ON cur.seller_id = l.current_owner_id AND l.invoice_date BETWEEN cur.start_date AND cur.leave_date
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
  r.attribution,
  s.team,
  r.product_line,
  r.product_code,
  r.quantity,
  r.revenue,
  r.cost,
  r.revenue - r.cost AS margin,
  r.revenue_basis
FROM attributed r
JOIN staging.stg_accounts a ON a.account_id = r.account_id
LEFT JOIN staging.stg_sellers s ON s.seller_id = r.seller_id
