/*
description: >
  One row per account that ever bought: its first purchase (first invoice, not a credit note),
  the seller credited with it, and the revenue and gross margin of its first 12 months
  (first purchase day included, 365 days). `is_new_customer` is false for customers who were
  already customers when the billing extract starts (a subscription started before their first
  invoice in the extract): their first invoice is not an acquisition, and CAC must not count them.
grain: customer account
unique: [account_id]
not_null: [first_purchase_date, segment, is_new_customer]
*/
WITH first_invoice AS (
  SELECT account_id, invoice_date, invoice_id, seller_id,
         row_number() OVER (PARTITION BY account_id ORDER BY invoice_date, invoice_id) AS n
  FROM (SELECT DISTINCT account_id, invoice_date, invoice_id, seller_id FROM intermediate.int_revenue_lines WHERE NOT is_credit_note)
),
first_year AS (
  SELECT r.account_id, sum(r.revenue) AS first_year_revenue, sum(r.margin) AS first_year_margin
  FROM intermediate.int_revenue_lines r
  JOIN first_invoice f ON f.account_id = r.account_id AND f.n = 1
  WHERE r.invoice_date < f.invoice_date + INTERVAL 365 DAY
  GROUP BY r.account_id
)
SELECT
  a.account_id,
  a.segment,
  a.industry,
  a.size_band,
  a.region,
  f.invoice_date AS first_purchase_date,
  CAST(date_trunc('month', f.invoice_date) AS DATE) AS first_purchase_month,
  f.invoice_id AS first_invoice_id,
  f.seller_id AS acquiring_seller_id,
  y.first_year_revenue,
  y.first_year_margin,
  NOT EXISTS (
    SELECT 1 FROM staging.stg_subscriptions sub
    WHERE sub.account_id = f.account_id AND sub.start_date < f.invoice_date
  ) AS is_new_customer
FROM first_invoice f
JOIN staging.stg_accounts a USING (account_id)
JOIN first_year y USING (account_id)
WHERE f.n = 1
