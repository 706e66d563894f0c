/*
description: >
  The customers of intermediate.int_customers (first purchase = first invoice, not a credit note;
  acquiring seller = the seller credited with it; `is_new_customer` false for a customer whose
  subscription started before its first invoice in the extract: already a customer, not acquired)
  with what acquisition-cost figures need: the acquiring seller's team, lifetime revenue and
  margin, and whether the first year is fully observed: the first year (365 days from the first
  purchase) is complete when it ends on or before the last day of the data window
  (intermediate.int_calendar). This is the one definition of first-year margin and of a mature
  customer that every mart uses.
grain: customer account
unique: [account_id]
not_null: [segment, first_purchase_date, is_new_customer, first_year_complete, lifetime_revenue]
relationships: { account_id: staging.stg_accounts.account_id }
*/
WITH bounds AS (
  -- The data window of intermediate.int_calendar: one definition for every model.
  SELECT any_value(data_end) AS data_end FROM intermediate.int_calendar
),
lifetime AS (
  SELECT account_id, sum(revenue) AS lifetime_revenue, sum(margin) AS lifetime_margin
  FROM intermediate.int_revenue_lines
  GROUP BY account_id
)
SELECT
  c.account_id,
  c.segment,
  c.industry,
  c.size_band,
  c.region,
  c.first_purchase_date,
  c.first_purchase_month,
  c.first_invoice_id,
  c.acquiring_seller_id,
  s.team AS acquiring_team,
  c.is_new_customer,
  c.first_year_revenue,
  c.first_year_margin,
  CAST(c.first_purchase_date + INTERVAL 364 DAY AS DATE) <= b.data_end AS first_year_complete,
  l.lifetime_revenue,
  l.lifetime_margin,
  datediff('day', c.first_purchase_date, b.data_end) + 1 AS observed_days
FROM intermediate.int_customers c
CROSS JOIN bounds b
JOIN lifetime l USING (account_id)
LEFT JOIN staging.stg_sellers s ON s.seller_id = c.acquiring_seller_id
