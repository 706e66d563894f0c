/*
description: Marketing campaigns, events and ad programmes.
grain: campaign
unique: [campaign_id]
accepted_values: { channel: [paid_search, paid_social, event, webinar, email, content, partner, (non renseigné)] }
*/
SELECT
  campaign_id,
  campaign_name,
  channel,
  channel = 'event' AS is_event,
  target_segment,
  start_date,
  end_date
FROM raw.campaigns
