/*
description: >
  Share of revenue carried by the top x % of sellers, for each fraction x listed in
  `concentration.topShares` (5 % and 10 % by default), per month, quarter and year, for the whole
  sales force (team = 'Toutes les équipes') and within each team. The top x % of n sellers with
  positive net revenue is max(1, ceil(x × n)) sellers ranked by revenue (x × n rounded to 9
  decimals first, so 10 % of 30 sellers is 3); with fewer than 1 / x sellers it is the best seller.
grain: "type de période × début de période × périmètre d'équipe × part des meilleurs"
unique: [period_type, period_start, team, top_fraction]
not_null: [top_sellers, sellers_with_revenue, top_revenue, total_revenue, top_share]
accepted_values: { period_type: [month, quarter, year] }
kpis:
  - name: Revenue share of the top sellers
    requires: [revenue]
    on_bookings: true
    label: Part du CA des x % meilleurs commerciaux
    formula: >
      Chiffre d'affaires des meilleurs commerciaux de la période, au nombre de max(1, arrondi
      supérieur de fraction × commerciaux au chiffre d'affaires positif) / chiffre d'affaires de
      tous les commerciaux au chiffre d'affaires positif (fractions réglables, 5 % et 10 % par
      défaut).
    columns: [top_share, top_sellers]
    numerator: top_revenue
    denominator: total_revenue
    numerator_label: "Chiffre d'affaires des meilleurs commerciaux"
    denominator_label: "Chiffre d'affaires total"
    unit: rate
    seeds: ['004']
    audiences: [A, E]
*/
WITH fractions AS (
  SELECT DISTINCT unnest(concentration_top_shares) AS top_fraction FROM settings.kpi
),
scopes AS (
  SELECT DISTINCT period_type, period_start, team, sellers, scope_revenue FROM intermediate.int_team_seller_ranks
),
cuts AS (
  SELECT s.*, f.top_fraction, greatest(1, CAST(ceil(round(f.top_fraction * s.sellers, 9)) AS BIGINT)) AS top_sellers
  FROM scopes s CROSS JOIN fractions f
)
SELECT
  c.period_type,
  c.period_start,
  c.team,
  c.top_fraction,
  c.top_sellers,
  c.sellers AS sellers_with_revenue,
  sum(r.revenue) AS top_revenue,
  c.scope_revenue AS total_revenue,
  sum(r.revenue) / c.scope_revenue AS top_share
FROM cuts c
JOIN intermediate.int_team_seller_ranks r
  ON r.period_type = c.period_type AND r.period_start = c.period_start AND r.team = c.team AND r.revenue_rank <= c.top_sellers
GROUP BY c.period_type, c.period_start, c.team, c.top_fraction, c.top_sellers, c.sellers, c.scope_revenue
