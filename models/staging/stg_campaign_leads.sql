/*
description: Leads credited to campaigns with their attribution weight.
grain: campaign × lead
unique: [campaign_id, lead_id]
relationships: { campaign_id: staging.stg_campaigns.campaign_id, lead_id: staging.stg_leads.lead_id }
*/
SELECT campaign_id, lead_id, touched_at, attribution_weight
FROM raw.campaign_leads
