/*
description: >
  Every open stage (qualified, proposal, negotiation) each opportunity entered, and when; a deal
  with no stage history counts as entering 'qualified' at its creation. With the deal's close date
  and outcome, segment, seller and team, so the forecast can tell, as of any date, which deals were
  open in which stage and how deals from each stage ended.
grain: opportunity × open stage entered
unique: [opportunity_id, stage]
not_null: [entered_at, amount, segment, owner_seller_id]
*/
WITH entries AS (
  SELECT opportunity_id, stage, min(entered_at) AS entered_at
  FROM staging.stg_opportunity_stage_history
  WHERE stage IN ('qualified', 'proposal', 'negotiation')
  GROUP BY opportunity_id, stage
  UNION ALL
  SELECT o.opportunity_id, 'qualified', CAST(o.created_at AS TIMESTAMP)
  FROM staging.stg_opportunities o
  WHERE NOT EXISTS (SELECT 1 FROM staging.stg_opportunity_stage_history h WHERE h.opportunity_id = o.opportunity_id AND h.stage IN ('qualified', 'proposal', 'negotiation'))
)
SELECT e.opportunity_id, e.stage, e.entered_at,
       o.created_at, o.closed_at, o.is_won, o.is_lost, o.amount,
       j.segment, j.owner_seller_id, j.team
FROM entries e
JOIN staging.stg_opportunities o USING (opportunity_id)
JOIN intermediate.int_opportunity_journey j USING (opportunity_id)
