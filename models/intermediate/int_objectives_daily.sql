/*
description: >
  The daily spread of seller objectives: each objective of staging.stg_objectives shared equally
  over the days of its own period (a monthly revenue target of 31 000 € in a 31-day month is
  1 000 € a day), kept only on the days the seller was employed (start date to leave date). Summing
  these days over any period gives an objective pro-rated to the days the seller could earn revenue:
  a seller who joins on 16 November carries half of November's objective; one who leaves carries
  none after the leave date. Days beyond the data window are kept (the whole objective of the
  period in progress); marts cut them to the observed days when they compare with revenue
  (intermediate.int_team_objectives). Targets left empty stay NULL.
grain: seller × day
unique: [seller_id, day]
not_null: [day, seller_id]
relationships: { seller_id: staging.stg_sellers.seller_id }
*/
WITH days AS (
  SELECT
    o.seller_id,
    CAST(unnest(generate_series(CAST(greatest(o.period_start, s.start_date) AS TIMESTAMP),
      CAST(least(o.period_end, coalesce(s.leave_date, o.period_end)) AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS day,
    CAST(o.revenue_target AS DOUBLE) / o.period_days AS revenue_objective,
    CAST(o.new_customers_target AS DOUBLE) / o.period_days AS new_customers_objective,
    CAST(o.meetings_target AS DOUBLE) / o.period_days AS meetings_objective
  FROM staging.stg_objectives o
  JOIN staging.stg_sellers s ON s.seller_id = o.seller_id
)
SELECT
  seller_id,
  day,
  sum(revenue_objective) AS revenue_objective,
  sum(new_customers_objective) AS new_customers_objective,
  sum(meetings_objective) AS meetings_objective
FROM days
GROUP BY ALL
