/*
description: >
  Activities with the account's segment, the seller's team, and the cost of the seller's time
  (hours × hourly cost × the multiplier in kpi-settings.yaml); `is_acquisition` marks time spent
  winning new customers: held activities (planned, cancelled or no-show ones took no time) with a
  counterpart listed in cac.acquisitionCounterparts, before the first purchase of the account they
  concern (the activity's account, else its lead's, else its deal's): after it, the time serves a
  customer, not an acquisition.
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
  list_contains(k.cac_acquisition_counterparts, a.counterpart) AND a.status = 'held'
    AND (c.first_purchase_date IS NULL OR a.activity_date < c.first_purchase_date) AS is_acquisition
FROM staging.stg_activities a
JOIN staging.stg_sellers s USING (seller_id)
LEFT JOIN staging.stg_accounts acc ON acc.account_id = a.account_id
LEFT JOIN staging.stg_leads l ON l.lead_id = a.lead_id
LEFT JOIN staging.stg_opportunities o ON o.opportunity_id = a.opportunity_id
LEFT JOIN intermediate.int_customers c ON c.account_id = coalesce(a.account_id, l.account_id, o.account_id)
CROSS JOIN settings.kpi k
