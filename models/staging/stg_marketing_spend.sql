/*
description: >
  Marketing spend per day, campaign and (when known) segment, in the company's reporting currency
  (converted at the rate of the spend's month); amount_original and currency keep the platform's.
grain: day × campaign × segment (segment may be empty)
not_null: [spend_date, campaign_id, amount, currency]
relationships: { campaign_id: staging.stg_campaigns.campaign_id }
*/
SELECT spend_date, campaign_id, segment, to_reporting(amount, currency, spend_date) AS amount, amount AS amount_original, currency
FROM raw.marketing_spend
