/*
description: >
  How much the revenue depends on a few sellers, per month, quarter and year, for the whole sales
  force (team = 'Toutes les équipes') and within each team: Herfindahl-Hirschman index and Gini
  coefficient of revenue across the sellers with positive net revenue in the period, the share of
  the best seller, and the risk zone of [004] — the top `concentration.riskTopShare` fraction of
  sellers (10 % by default) carrying `concentration.riskZoneThreshold` (30 %) of revenue or more.
  A top fraction x of n sellers is max(1, ceil(x × n)) sellers (x × n rounded to 9 decimals first,
  so 10 % of 30 is 3, not 4). Revenue credited to no seller is left out. The shares of each top
  fraction listed in `concentration.topShares` (5 % and 10 %) are in marts.top_seller_share.
grain: "type de période × début de période × périmètre d'équipe"
unique: [period_type, period_start, team]
not_null: [sellers_with_revenue, total_revenue, hhi, hhi_10000, gini, risk_top_sellers, risk_top_revenue, risk_top_share, risk_zone]
accepted_values: { period_type: [month, quarter, year] }
kpis:
  - name: Herfindahl-Hirschman index of seller revenue
    requires: [revenue]
    on_bookings: true
    label: Indice de Herfindahl-Hirschman (CA par commercial)
    formula: >
      Σ sur les commerciaux au chiffre d'affaires positif de (chiffre d'affaires du commercial /
      leur chiffre d'affaires total)² ; de 1/n (chiffre d'affaires réparti également entre n
      commerciaux) à 1 (un seul commercial porte tout) ; aussi donné × 10 000.
    columns: [hhi, hhi_10000]
    unit: index
    seeds: ['004']
    audiences: [A, E]
  - name: Gini coefficient of seller revenue
    requires: [revenue]
    on_bookings: true
    label: Coefficient de Gini du CA par commercial
    formula: >
      Avec les chiffres d'affaires des n commerciaux triés par ordre croissant x₁ ≤ … ≤ xₙ : G = 2 Σ
      i·xᵢ / (n Σ xᵢ) − (n + 1) / n ; 0 quand chaque commercial apporte autant, vers 1 quand un seul
      apporte tout.
    columns: [gini]
    unit: index
    seeds: ['004']
    audiences: [A, E]
  - name: Seller concentration risk zone
    requires: [revenue]
    on_bookings: true
    label: Zone de risque de dépendance aux meilleurs commerciaux
    formula: >
      Chiffre d'affaires de la fraction des meilleurs commerciaux (réglage, max(1, arrondi supérieur
      de fraction × commerciaux), classés par chiffre d'affaires) / chiffre d'affaires de tous les
      commerciaux ; zone de risque quand cette part atteint le seuil de zone de risque (réglages, 10
      % et 30 % par défaut : « les surperformants portent 30 à 40 % du chiffre d'affaires »).
    columns: [risk_top_share, risk_zone, risk_top_sellers]
    numerator: risk_top_revenue
    denominator: total_revenue
    numerator_label: "Chiffre d'affaires des meilleurs commerciaux"
    denominator_label: "Chiffre d'affaires total"
    unit: rate
    seeds: ['004']
    audiences: [A, E]
  - name: Best seller share of revenue
    requires: [revenue]
    on_bookings: true
    label: Part du CA du meilleur commercial
    formula: >
      Chiffre d'affaires du commercial classé premier / chiffre d'affaires de tous les commerciaux
      au chiffre d'affaires positif sur la période.
    columns: [top_seller_share, top_seller_id]
    numerator: top_seller_revenue
    denominator: total_revenue
    numerator_label: "Chiffre d'affaires du premier commercial"
    denominator_label: "Chiffre d'affaires total"
    unit: rate
    seeds: ['004']
    audiences: [A, E]
*/
WITH ranked AS (
  SELECT r.*, k.risk_top_share AS risk_fraction, k.risk_zone_threshold,
         greatest(1, CAST(ceil(round(k.risk_top_share * r.sellers, 9)) AS BIGINT)) AS risk_k
  FROM intermediate.int_team_seller_ranks r
  CROSS JOIN settings.kpi k
)
SELECT
  period_type,
  period_start,
  team,
  any_value(sellers) AS sellers_with_revenue,
  any_value(scope_revenue) AS total_revenue,
  any_value(seller_id) FILTER (WHERE revenue_rank = 1) AS top_seller_id,
  any_value(revenue) FILTER (WHERE revenue_rank = 1) AS top_seller_revenue,
  any_value(revenue) FILTER (WHERE revenue_rank = 1) / any_value(scope_revenue) AS top_seller_share,
  sum(power(revenue / scope_revenue, 2)) AS hhi,
  10000 * sum(power(revenue / scope_revenue, 2)) AS hhi_10000,
  2 * sum((sellers + 1 - revenue_rank) * revenue) / (any_value(sellers) * any_value(scope_revenue))
    - (any_value(sellers) + 1) / any_value(sellers) AS gini,
  any_value(risk_fraction) AS risk_top_fraction,
  any_value(risk_k) AS risk_top_sellers,
  sum(revenue) FILTER (WHERE revenue_rank <= risk_k) AS risk_top_revenue,
  sum(revenue) FILTER (WHERE revenue_rank <= risk_k) / any_value(scope_revenue) AS risk_top_share,
  any_value(risk_zone_threshold) AS risk_zone_threshold,
  sum(revenue) FILTER (WHERE revenue_rank <= risk_k) / any_value(scope_revenue) >= any_value(risk_zone_threshold) AS risk_zone
FROM ranked
GROUP BY period_type, period_start, team
