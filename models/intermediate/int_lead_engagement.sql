/*
description: >
  One row per lead: first seller touch, whether any two-way interaction ever happened (a held
  call or meeting, or an inbound reply), and whether it became an opportunity and a new customer
  (`became_customer`: its account, or its deal's, was acquired with a first purchase on or after the
  lead's creation; a lead on an account that was already a customer does not count).
grain: lead
unique: [lead_id]
*/
WITH interactions AS (
  SELECT lead_id,
         count(*) AS activities,
         count(*) FILTER (WHERE is_two_way) AS two_way_interactions,
         min(scheduled_at) AS first_activity_at
  FROM staging.stg_activities
  WHERE lead_id IS NOT NULL
  GROUP BY lead_id
),
opportunities AS (
  SELECT lead_id, count(*) AS opportunities, bool_or(is_won) AS won, min(created_at) AS first_opportunity_date,
         any_value(account_id ORDER BY created_at, opportunity_id) AS account_id
  FROM staging.stg_opportunities
  WHERE lead_id IS NOT NULL
  GROUP BY lead_id
)
SELECT
  l.lead_id,
  l.account_id,
  acc.segment,
  l.source,
  l.campaign_id,
  l.warmth,
  l.owner_seller_id,
  l.created_at,
  CAST(date_trunc('month', l.created_at) AS DATE) AS created_month,
  l.status,
  coalesce(l.first_touch_at, i.first_activity_at) AS first_touch_at,
  datediff('minute', l.created_at, coalesce(l.first_touch_at, i.first_activity_at)) / 60.0 AS response_hours,
  coalesce(i.activities, 0) AS activities,
  coalesce(i.two_way_interactions, 0) > 0 AS engaged,
  l.status = 'qualified' OR coalesce(o.opportunities, 0) > 0 AS qualified,
  coalesce(o.opportunities, 0) > 0 AS became_opportunity,
  -- A new customer: the account's first purchase came on or after the lead, and it was acquired (not
  -- a customer already). A lead on an existing customer wins no new customer, even when its deal is won.
  coalesce(c.is_new_customer AND c.first_purchase_date >= CAST(l.created_at AS DATE), false) AS became_customer
FROM staging.stg_leads l
LEFT JOIN staging.stg_accounts acc ON acc.account_id = l.account_id
LEFT JOIN interactions i ON i.lead_id = l.lead_id
LEFT JOIN opportunities o ON o.lead_id = l.lead_id
LEFT JOIN intermediate.int_customers c ON c.account_id = coalesce(l.account_id, o.account_id)
