/*
description: >
  Seller revenue adds up, for every month, quarter and year, to the revenue that
  intermediate.int_revenue_lines credits to a seller, and the ranked sellers' cumulative share ends
  at 1 (returns the periods that do not).
model: marts.seller_revenue
*/
WITH lines AS (
  SELECT p.period_type, period_start_of(p.period_type, r.invoice_date) AS period_start, sum(r.revenue) AS revenue
  FROM intermediate.int_revenue_lines r
  CROSS JOIN (VALUES ('month'), ('quarter'), ('year')) AS p(period_type)
  WHERE r.seller_id IS NOT NULL
  GROUP BY ALL
),
mart AS (
  SELECT period_type, period_start, sum(revenue) AS revenue,
         max(cumulative_revenue_share) FILTER (WHERE revenue_rank = sellers_ranked) AS last_cumulative_share
  FROM marts.seller_revenue
  GROUP BY ALL
)
SELECT l.period_type, l.period_start, l.revenue AS lines_revenue, m.revenue AS mart_revenue, m.last_cumulative_share
FROM lines l
FULL JOIN mart m USING (period_type, period_start)
WHERE l.revenue IS DISTINCT FROM m.revenue
   OR (m.last_cumulative_share IS NOT NULL AND abs(m.last_cumulative_share - 1) > 1e-9)
