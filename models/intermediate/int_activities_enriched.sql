/*
description: >
  Activities with the account's segment, the seller's team, and the cost of the seller's time
  (hours × hourly cost × the multiplier in kpi-settings.yaml); `is_acquisition` marks time spent
  winning new customers (counterparts listed in cac.acquisitionCounterparts).
grain: activity
unique: [activity_id]
not_null: [time_cost]
*/
SELECT
  a.*,
  CAST(date_trunc('month', a.activity_date) AS DATE) AS month,
  acc.segment,
  s.team,
  CAST(a.hours * s.hourly_cost * k.cac_seller_cost_multiplier AS DECIMAL(18, 2)) AS time_cost,
  list_contains(k.cac_acquisition_counterparts, a.counterpart) AS is_acquisition
FROM staging.stg_activities a
JOIN staging.stg_sellers s USING (seller_id)
LEFT JOIN staging.stg_accounts acc ON acc.account_id = a.account_id
CROSS JOIN settings.kpi k
