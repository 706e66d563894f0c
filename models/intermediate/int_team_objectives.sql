/*
description: >
  Seller objectives (staging.stg_objectives) spread over the months, quarters and years of the
  calendar (intermediate.int_team_calendar): each objective counts in a period in proportion to the
  days of its own period that fall in it (a monthly objective lands whole in its month; an
  objective from 16 April to 15 May counts half in April and half in May). Targets left empty stay
  NULL. Objective days outside the data's calendar are not reported.
grain: period type × period start × seller
unique: [period_type, period_start, seller_id]
not_null: [revenue_objective, objective_days]
*/
WITH spread AS (
  SELECT
    c.period_type,
    c.period_start,
    o.seller_id,
    o.revenue_target,
    o.new_customers_target,
    o.meetings_target,
    o.period_days,
    datediff('day', greatest(o.period_start, c.period_start), least(o.period_end, c.period_end)) + 1 AS overlap_days
  FROM staging.stg_objectives o
  JOIN intermediate.int_team_calendar c ON o.period_start <= c.period_end AND o.period_end >= c.period_start
)
SELECT
  period_type,
  period_start,
  seller_id,
  sum(CAST(revenue_target AS DOUBLE) * overlap_days / period_days) AS revenue_objective,
  sum(CAST(new_customers_target AS DOUBLE) * overlap_days / period_days) AS new_customers_objective,
  sum(CAST(meetings_target AS DOUBLE) * overlap_days / period_days) AS meetings_objective,
  sum(overlap_days) AS objective_days
FROM spread
GROUP BY ALL
