/*
description: >
  Without billing, revenue is booked from the won deals (intermediate.int_revenue_lines): the
  revenue of marts.revenue_and_margin equals the amount of the won deals loaded (staging, in the
  reporting currency), to the cent. Returns the two totals when they differ. Skipped when billing was provided.
model: marts.revenue_and_margin
*/
WITH totals AS (
  SELECT
    (SELECT coalesce(sum(revenue), 0) FROM marts.revenue_and_margin) AS mart_revenue,
    (SELECT coalesce(sum(amount), 0) FROM staging.stg_opportunities WHERE is_won) AS booked_revenue
)
SELECT mart_revenue, booked_revenue, mart_revenue - booked_revenue AS difference
FROM totals
WHERE revenue_basis() = 'booked' AND round(mart_revenue - booked_revenue, 2) <> 0
