/*
description: >
  Which leads each campaign is credited with, and for how much: the multi-touch attribution of
  staging.stg_campaign_leads (weights of a lead sum to 1) when that extract was provided, else the
  campaign the CRM credits on the lead (staging.stg_leads.campaign_id, weight 1). Each credited lead
  carries its account's segment, else the segment the campaign targets (`segment`, NULL when
  neither is known), and the seller it was assigned to: the base of campaign ROI and of the spend
  shared out by segment and by seller in the acquisition cost marts. Weights are exact decimals
  (12 places): their sums do not depend on the order DuckDB's threads add them in, so the shares
  and the spend shared by them come out the same, to the last digit, on every run.
grain: campaign × lead
unique: [campaign_id, lead_id]
not_null: [weight, attribution_source]
accepted_values: { attribution_source: [campaign_leads, lead_campaign], segment: [Or, Argent, Bronze, (non renseigné)] }
*/
WITH attribution AS (
  SELECT campaign_id, lead_id, CAST(attribution_weight AS DECIMAL(18, 12)) AS weight, 'campaign_leads' AS attribution_source
  FROM staging.stg_campaign_leads
  WHERE extract_available('campaign_leads')
  UNION ALL
  SELECT campaign_id, lead_id, CAST(1 AS DECIMAL(18, 12)), 'lead_campaign'
  FROM staging.stg_leads
  WHERE campaign_id IS NOT NULL AND NOT extract_available('campaign_leads')
)
SELECT
  a.campaign_id,
  a.lead_id,
  a.weight,
  a.attribution_source,
  l.account_id,
  l.owner_seller_id,
  acc.segment AS account_segment,
  c.target_segment,
  coalesce(acc.segment, c.target_segment) AS segment
FROM attribution a
LEFT JOIN staging.stg_leads l ON l.lead_id = a.lead_id
LEFT JOIN staging.stg_accounts acc ON acc.account_id = l.account_id
LEFT JOIN staging.stg_campaigns c ON c.campaign_id = a.campaign_id
