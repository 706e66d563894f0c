/*
description: >
  Sellers ranked by revenue per period, within the whole sales force (team = 'Toutes les équipes')
  and within their own team: one row per scope, period and seller with positive net revenue in the
  period (sellers with zero or negative net revenue are not ranked). Rank 1 is the highest revenue;
  ties are broken by seller id so that every seller has its own rank. `sellers` and
  `scope_revenue` / `scope_margin` are the number of ranked sellers and their total revenue and
  margin in the scope. The base of seller concentration and revenue at risk.
grain: period type × period start × team scope × seller
unique: [period_type, period_start, team, seller_id]
not_null: [revenue, revenue_rank, sellers, scope_revenue]
*/
WITH by_seller AS (
  SELECT a.period_type, a.period_start, a.seller_id, s.team AS seller_team,
         sum(a.revenue) AS revenue, sum(a.margin) AS margin
  FROM intermediate.int_team_seller_accounts a
  JOIN staging.stg_sellers s USING (seller_id)
  GROUP BY ALL
  HAVING sum(a.revenue) > 0
),
scoped AS (
  SELECT period_type, period_start, unnest([seller_team, 'Toutes les équipes']) AS team, seller_id, revenue, margin
  FROM by_seller
)
SELECT
  period_type,
  period_start,
  team,
  seller_id,
  revenue,
  margin,
  row_number() OVER (PARTITION BY period_type, period_start, team ORDER BY revenue DESC, seller_id) AS revenue_rank,
  count(*) OVER (PARTITION BY period_type, period_start, team) AS sellers,
  sum(revenue) OVER (PARTITION BY period_type, period_start, team) AS scope_revenue,
  sum(margin) OVER (PARTITION BY period_type, period_start, team) AS scope_margin
FROM scoped
