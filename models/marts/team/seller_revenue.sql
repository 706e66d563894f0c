/*
description: >
  Revenue and gross margin credited to each seller per month, quarter and year (invoice date; the
  seller is the owner of the deal the invoice bills, else the account owner; credit notes netted),
  with the seller's rank and share of the revenue of all sellers and of the seller's team. Only
  sellers with positive net revenue in the period are ranked (`is_ranked`); a seller whose period
  holds only credit notes keeps a row with its negative revenue and no rank or share. Revenue
  credited to no seller is not in this mart. The base of seller concentration and revenue at risk.
grain: type de période × début de période × commercial
unique: [period_type, period_start, seller_id]
not_null: [seller_name, team, revenue, customers_billed, is_ranked]
accepted_values: { period_type: [month, quarter, year] }
relationships: { seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Revenue by seller
    requires: [revenue]
    on_bookings: true
    label: Chiffre d'affaires par commercial
    formula: >
      Σ montants nets facturés (avoirs déduits) crédités au commercial sur la période : le
      propriétaire de l'affaire facturée, sinon le propriétaire du compte facturé.
    columns: [revenue]
    unit: EUR
    seeds: ['004']
    audiences: [A, E, F]
  - name: Gross margin by seller
    label: Marge brute par commercial
    formula: >
      Σ (montant net − quantité × coût unitaire) des lignes de facture créditées au commercial ;
      taux de marge = marge / chiffre d'affaires.
    columns: [margin, margin_rate]
    numerator: margin
    denominator: revenue
    numerator_label: Marge brute
    denominator_label: "Chiffre d'affaires"
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
  - name: Seller share of revenue
    requires: [revenue]
    on_bookings: true
    label: Part du chiffre d'affaires du commercial
    formula: >
      Chiffre d'affaires du commercial / chiffre d'affaires de tous les commerciaux au chiffre
      d'affaires positif sur la période ; part cumulée = chiffre d'affaires des commerciaux classés
      au même rang ou avant lui (classés par chiffre d'affaires, égalités départagées par
      identifiant) / le même total. La part dans l'équipe fait de même au sein de l'équipe du
      commercial.
    columns: [revenue_share, cumulative_revenue_share, team_revenue_share, revenue_rank]
    numerator: revenue
    denominator: ranked_revenue
    numerator_label: "Chiffre d'affaires du commercial"
    denominator_label: "Chiffre d'affaires des commerciaux classés"
    unit: rate
    seeds: ['004']
    audiences: [A, E]
*/
WITH by_seller AS (
  SELECT period_type, period_start, seller_id,
         sum(revenue) AS revenue,
         sum(margin) AS margin,
         count(*) FILTER (WHERE billed) AS customers_billed
  FROM intermediate.int_team_seller_accounts
  GROUP BY ALL
),
sellers AS (
  SELECT b.*, s.seller_name, s.team, s.role, b.revenue > 0 AS is_ranked
  FROM by_seller b
  JOIN staging.stg_sellers s USING (seller_id)
)
SELECT
  period_type,
  period_start,
  seller_id,
  seller_name,
  team,
  role,
  revenue,
  margin,
  safe_divide(margin, revenue) AS margin_rate,
  customers_billed,
  is_ranked,
  CASE WHEN is_ranked THEN row_number() OVER (PARTITION BY period_type, period_start, is_ranked ORDER BY revenue DESC, seller_id) END AS revenue_rank,
  CASE WHEN is_ranked THEN count(*) OVER (PARTITION BY period_type, period_start, is_ranked) END AS sellers_ranked,
  CASE WHEN is_ranked THEN sum(revenue) OVER (PARTITION BY period_type, period_start, is_ranked) END AS ranked_revenue,
  CASE WHEN is_ranked THEN revenue / sum(revenue) OVER (PARTITION BY period_type, period_start, is_ranked) END AS revenue_share,
  CASE WHEN is_ranked THEN sum(revenue) OVER (PARTITION BY period_type, period_start, is_ranked ORDER BY revenue DESC, seller_id ROWS UNBOUNDED PRECEDING) END AS cumulative_revenue,
  CASE WHEN is_ranked THEN sum(revenue) OVER (PARTITION BY period_type, period_start, is_ranked ORDER BY revenue DESC, seller_id ROWS UNBOUNDED PRECEDING)
    / sum(revenue) OVER (PARTITION BY period_type, period_start, is_ranked) END AS cumulative_revenue_share,
  CASE WHEN is_ranked THEN row_number() OVER (PARTITION BY period_type, period_start, team, is_ranked ORDER BY revenue DESC, seller_id) END AS team_revenue_rank,
  CASE WHEN is_ranked THEN sum(revenue) OVER (PARTITION BY period_type, period_start, team, is_ranked) END AS team_ranked_revenue,
  CASE WHEN is_ranked THEN revenue / sum(revenue) OVER (PARTITION BY period_type, period_start, team, is_ranked) END AS team_revenue_share
FROM sellers
