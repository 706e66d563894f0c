/*
description: Objectives per seller and period, with the number of days the period covers.
grain: seller × objective period
unique: [seller_id, period_start]
not_null: [period_end, revenue_target]
relationships: { seller_id: staging.stg_sellers.seller_id }
*/
SELECT
  seller_id,
  period_start,
  period_end,
  datediff('day', period_start, period_end) + 1 AS period_days,
  revenue_target,
  new_customers_target,
  meetings_target
FROM raw.objectives
