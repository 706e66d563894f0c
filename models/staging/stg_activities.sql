/*
description: Seller activities with hours and the flags the KPIs use (selling, conversation, meeting, advancing), as set in kpi-settings.yaml.
grain: activity
unique: [activity_id]
not_null: [seller_id, type, status, hours]
accepted_values:
  type: [call, email, meeting, video, demo, admin]
  status: [held, planned, no_show, cancelled]
relationships: { seller_id: staging.stg_sellers.seller_id }
*/
SELECT
  a.activity_id,
  a.seller_id,
  a.type,
  a.counterpart,
  a.purpose,
  a.direction,
  a.account_id,
  a.lead_id,
  a.opportunity_id,
  a.scheduled_at,
  CAST(a.scheduled_at AS DATE) AS activity_date,
  a.status,
  a.duration_minutes / 60.0 AS hours,
  a.outcome,
  a.rebooked_activity_id,
  list_contains(s.selling_types, a.type) AND NOT list_contains(s.non_selling_purposes, a.purpose) AS is_selling,
  a.status = 'held' AND a.purpose <> 'support' AND a.counterpart <> 'internal'
    AND (list_contains(s.conversation_types, a.type) OR (a.type = 'email' AND a.direction = 'inbound')) AS is_conversation,
  list_contains(s.meeting_types, a.type) AS is_meeting,
  coalesce(list_contains(s.advancing_outcomes, a.outcome), false) AS is_advancing,
  a.status = 'held' AND (a.direction = 'inbound' OR a.type <> 'email') AND a.type <> 'admin'
    AND coalesce(a.outcome NOT IN ('voicemail', 'no_answer'), true) AS is_two_way
FROM raw.activities a
CROSS JOIN settings.kpi s
