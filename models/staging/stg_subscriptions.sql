/*
description: Subscriptions with their monthly recurring revenue.
grain: subscription
unique: [subscription_id]
relationships: { account_id: staging.stg_accounts.account_id }
*/
SELECT subscription_id, account_id, product_line, plan_tier, start_date, end_date, monthly_amount AS mrr
FROM raw.subscriptions
