/*
description: >
  Subscriptions with their monthly recurring revenue in the company's reporting currency (converted
  at the rate of the start month); mrr_original and currency keep the billing system's figures.
grain: subscription
unique: [subscription_id]
not_null: [mrr, currency]
relationships: { account_id: staging.stg_accounts.account_id }
*/
SELECT
  subscription_id, account_id, product_line, plan_tier, start_date, end_date,
  to_reporting(monthly_amount, currency, start_date) AS mrr,
  monthly_amount AS mrr_original,
  currency
FROM raw.subscriptions
