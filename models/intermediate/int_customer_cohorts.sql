/*
description: >
  New customers, by the month of their first purchase (cohort): the customers of
  intermediate.int_customers (first invoice, acquiring seller) minus those that were already
  customers before the billing extract begins — an account with a subscription that started before
  the first invoice date of the extract was not acquired on its first invoice, it was only first
  *seen* then (in the sample, the base subscribers billed from the first month). Those are kept with
  `is_new_customer = false` so counts reconcile with int_customers.
grain: customer account
unique: [account_id]
not_null: [segment, first_purchase_date, first_purchase_month, is_new_customer]
relationships: { account_id: staging.stg_accounts.account_id }
*/
WITH billing_start AS (
  SELECT min(invoice_date) AS first_invoice_date FROM staging.stg_invoices
),
subscribed_before AS (
  SELECT DISTINCT s.account_id
  FROM staging.stg_subscriptions s
  CROSS JOIN billing_start b
  WHERE s.start_date < b.first_invoice_date
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
  sb.account_id IS NULL AS is_new_customer
FROM intermediate.int_customers c
LEFT JOIN subscribed_before sb ON sb.account_id = c.account_id
