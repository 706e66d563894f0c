/*
description: >
  One row per opportunity with the funnel stages it reached (from the stage history, or its
  current stage when there is no history), when it entered each, its lead's creation time, and
  cycle lengths: lead creation → won, and opportunity creation → close.
grain: opportunity
unique: [opportunity_id]
not_null: [segment, owner_seller_id]
*/
WITH stages AS (
  SELECT opportunity_id,
         min(entered_at) FILTER (WHERE stage = 'qualified') AS qualified_at,
         min(entered_at) FILTER (WHERE stage = 'proposal') AS proposal_at,
         min(entered_at) FILTER (WHERE stage = 'negotiation') AS negotiation_at,
         max(stage_order) AS furthest_stage_order
  FROM staging.stg_opportunity_stage_history
  WHERE stage NOT IN ('won', 'lost')
  GROUP BY opportunity_id
)
SELECT
  o.opportunity_id,
  o.account_id,
  o.lead_id,
  o.owner_seller_id,
  sel.team,
  sel.manager_id,
  acc.segment,
  acc.industry,
  acc.size_band,
  acc.region,
  o.product_line,
  o.origin,
  o.amount,
  o.stage,
  o.is_won,
  o.is_lost,
  o.is_open,
  o.loss_reason,
  o.created_at,
  CAST(date_trunc('month', o.created_at) AS DATE) AS created_month,
  o.closed_at,
  CAST(date_trunc('month', o.closed_at) AS DATE) AS closed_month,
  l.created_at AS lead_created_at,
  coalesce(st.qualified_at, CAST(o.created_at AS TIMESTAMP)) AS qualified_at,
  st.proposal_at,
  st.negotiation_at,
  -- A deal reached proposal if its history says so, or if it is past proposal now. Without any
  -- history a closed deal is taken to have reached proposal, so win rates stay won / decided
  -- instead of counting every won deal and no lost one.
  CASE WHEN st.opportunity_id IS NOT NULL THEN st.proposal_at IS NOT NULL OR o.stage IN ('proposal', 'negotiation', 'won')
       ELSE o.stage IN ('proposal', 'negotiation', 'won', 'lost') END AS reached_proposal,
  st.negotiation_at IS NOT NULL OR o.stage = 'negotiation' AS reached_negotiation,
  st.opportunity_id IS NOT NULL AS has_stage_history,
  CASE WHEN o.is_won THEN datediff('day', coalesce(CAST(l.created_at AS DATE), o.created_at), o.closed_at) END AS days_lead_to_won,
  CASE WHEN NOT o.is_open THEN datediff('day', o.created_at, o.closed_at) END AS days_to_close
FROM staging.stg_opportunities o
JOIN staging.stg_accounts acc ON acc.account_id = o.account_id
JOIN staging.stg_sellers sel ON sel.seller_id = o.owner_seller_id
LEFT JOIN staging.stg_leads l ON l.lead_id = o.lead_id
LEFT JOIN stages st ON st.opportunity_id = o.opportunity_id
