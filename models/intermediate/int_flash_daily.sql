/*
description: >
  The daily facts of the flash figures, per team and for the whole company (team 'Toutes les
  équipes'): deals won and lost (count and signed amount, by close date, credited to the deal's
  owner's team), revenue and gross margin (intermediate.int_revenue_lines: invoice date, credit
  notes netted, the team of the seller credited at that time; revenue credited to no seller only
  counts in 'Toutes les équipes'), the revenue objective of the day (intermediate.int_objectives_daily:
  targets spread by days, employment days only; days after the data included, for the objective of
  the period in progress), hours of every logged activity and the time cost of the activities
  logged on a deal.
grain: day × team
unique: [day, team]
not_null: [day, team, won_deals, won_value, lost_deals, lost_value, revenue, objective, activity_hours, opportunity_time_cost]
*/
WITH facts AS (
  SELECT o.closed_at AS day, s.team,
         CASE WHEN o.is_won THEN 1 ELSE 0 END AS won_deals, CASE WHEN o.is_won THEN o.amount ELSE 0 END AS won_value,
         CASE WHEN o.is_lost THEN 1 ELSE 0 END AS lost_deals, CASE WHEN o.is_lost THEN o.amount ELSE 0 END AS lost_value,
         0 AS revenue, 0 AS margin, 0 AS objective, 0 AS activity_hours, 0 AS opportunity_time_cost
  FROM staging.stg_opportunities o
  JOIN staging.stg_sellers s ON s.seller_id = o.owner_seller_id
  WHERE o.closed_at IS NOT NULL
  UNION ALL
  SELECT invoice_date, team, 0, 0, 0, 0, sum(revenue), sum(margin), 0, 0, 0
  FROM intermediate.int_revenue_lines
  GROUP BY ALL
  UNION ALL
  SELECT o.day, s.team, 0, 0, 0, 0, 0, 0, sum(o.revenue_objective), 0, 0
  FROM intermediate.int_objectives_daily o
  JOIN staging.stg_sellers s USING (seller_id)
  GROUP BY ALL
  UNION ALL
  SELECT activity_date, team, 0, 0, 0, 0, 0, 0, 0, sum(hours), coalesce(sum(time_cost) FILTER (WHERE opportunity_id IS NOT NULL), 0)
  FROM intermediate.int_activities_enriched
  GROUP BY ALL
),
daily_by_team AS (
  SELECT day, team,
         sum(won_deals) AS won_deals, sum(won_value) AS won_value, sum(lost_deals) AS lost_deals, sum(lost_value) AS lost_value,
         sum(revenue) AS revenue, sum(margin) AS margin, sum(objective) AS objective,
         sum(activity_hours) AS activity_hours, sum(opportunity_time_cost) AS opportunity_time_cost
  FROM facts
  GROUP BY ALL
),
daily AS (
  SELECT * FROM daily_by_team WHERE team IS NOT NULL
  UNION ALL
  SELECT day, 'Toutes les équipes', sum(won_deals), sum(won_value), sum(lost_deals), sum(lost_value), sum(revenue), sum(margin), sum(objective),
         sum(activity_hours), sum(opportunity_time_cost)
  FROM daily_by_team
  GROUP BY day
)
SELECT * FROM daily
