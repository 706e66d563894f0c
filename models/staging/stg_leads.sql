/*
description: Leads with creation time, source, warmth and first seller touch; response time in hours.
grain: lead
unique: [lead_id]
accepted_values: { warmth: [hot, warm, cold] }
relationships: { account_id: staging.stg_accounts.account_id, owner_seller_id: staging.stg_sellers.seller_id }
*/
SELECT
  lead_id,
  account_id,
  contact_id,
  source,
  campaign_id,
  warmth,
  owner_seller_id,
  created_at,
  CAST(created_at AS DATE) AS created_date,
  first_touch_at,
  datediff('minute', created_at, first_touch_at) / 60.0 AS response_hours,
  status
FROM raw.leads
