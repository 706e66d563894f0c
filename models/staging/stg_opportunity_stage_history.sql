/*
description: Every stage an opportunity entered, with when it left it (the next change) and the stage's order in the funnel.
grain: opportunity × stage entry
unique: [opportunity_id, stage, entered_at]
relationships: { opportunity_id: staging.stg_opportunities.opportunity_id }
*/
SELECT
  opportunity_id,
  stage,
  CASE stage WHEN 'qualified' THEN 1 WHEN 'proposal' THEN 2 WHEN 'negotiation' THEN 3 ELSE 4 END AS stage_order,
  changed_at AS entered_at,
  lead(changed_at) OVER (PARTITION BY opportunity_id ORDER BY changed_at, stage) AS left_at
FROM raw.opportunity_stage_history
