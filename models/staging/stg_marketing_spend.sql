/*
description: Marketing spend per day, campaign and (when known) segment.
grain: day × campaign × segment (segment may be empty)
not_null: [spend_date, campaign_id, amount]
relationships: { campaign_id: staging.stg_campaigns.campaign_id }
*/
SELECT spend_date, campaign_id, segment, amount
FROM raw.marketing_spend
