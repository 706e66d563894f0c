/*
description: >
  Won deals per year of close, seller and segment, and the conversations (held calls, meetings,
  video calls, demos and inbound e-mail replies, support excluded) linked to each deal between its
  qualification and its close.
grain: année × commercial × segment
unique: [year, seller_id, segment]
not_null: [won_deals]
kpis:
  - name: Conversations to close
    requires: [won_deal]
    label: Conversations pour conclure
    formula: >
      Conversations sur les affaires gagnées entre la qualification et la clôture / affaires
      gagnées.
    columns: [conversations_per_won_deal]
    numerator: conversations
    denominator: won_deals
    numerator_label: Conversations
    denominator_label: Affaires gagnées
    unit: ratio
    seeds: ['002']
    audiences: [A]
    needs: [activities]
*/
WITH per_deal AS (
  SELECT j.opportunity_id, j.closed_at, j.owner_seller_id, j.team, j.segment,
         count(a.activity_id) AS conversations
  FROM intermediate.int_opportunity_journey j
  LEFT JOIN staging.stg_activities a
    ON a.opportunity_id = j.opportunity_id AND a.is_conversation
   AND a.scheduled_at >= j.qualified_at AND a.activity_date <= j.closed_at
  WHERE j.is_won
  GROUP BY ALL
)
SELECT fiscal_year(closed_at) AS year, owner_seller_id AS seller_id, team, segment,
       count(*) AS won_deals,
       CASE WHEN extract_available('activities') THEN sum(conversations) END AS conversations,
       CASE WHEN extract_available('activities') THEN safe_divide(sum(conversations), count(*)) END AS conversations_per_won_deal
FROM per_deal
GROUP BY ALL
