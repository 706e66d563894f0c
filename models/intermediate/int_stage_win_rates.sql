/*
description: >
  What each open stage historically leads to: won / decided among the closed deals that reached it
  (qualified: every closed deal; proposal and negotiation: those that reached it, as
  intermediate.int_opportunity_journey tells), with the counts behind the rate. NULL rate when no deal
  that reached the stage was decided yet. The one rate the open pipeline is weighted by
  (marts.open_pipeline) and the deal pages' probability (intermediate.int_open_deals): they tie.
grain: étape ouverte (atteinte par au moins une affaire close)
unique: [stage]
not_null: [decided, won]
accepted_values: { stage: [qualified, proposal, negotiation] }
*/
SELECT stage, count(*) AS decided, count(*) FILTER (WHERE is_won) AS won,
       safe_divide(count(*) FILTER (WHERE is_won), count(*)) AS stage_win_rate
FROM (
  SELECT 'qualified' AS stage, is_won FROM intermediate.int_opportunity_journey WHERE NOT is_open
  UNION ALL
  SELECT 'proposal', is_won FROM intermediate.int_opportunity_journey WHERE NOT is_open AND reached_proposal
  UNION ALL
  SELECT 'negotiation', is_won FROM intermediate.int_opportunity_journey WHERE NOT is_open AND reached_negotiation
)
GROUP BY stage
