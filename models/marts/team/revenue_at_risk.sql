/*
description: >
  What would be exposed if the top N sellers left (N from `concentration.revenueAtRiskTopN`, 1, 2
  and 3 by default), per month, quarter and year, for the whole sales force (team = 'Toutes les
  équipes') and within each team: the revenue and gross margin the N sellers with the highest
  revenue of the period brought (ranked by revenue, ties by seller id), their share of the revenue
  and margin of all sellers with positive revenue, the customers they billed in the period (distinct
  accounts invoiced, credit notes aside) and the customers they own today (accounts with status
  `customer` whose owner they are — a snapshot at extract time, the same for every period). When
  fewer than N sellers have revenue, `sellers_leaving` says how many there are.
grain: "type de période × début de période × périmètre d'équipe × N premiers"
unique: [period_type, period_start, team, top_n]
not_null: [sellers_leaving, sellers_with_revenue, revenue_at_risk, total_revenue, revenue_at_risk_share, customers_billed_by_top, customers_billed, customers_owned_by_top, customers_owned]
accepted_values: { period_type: [month, quarter, year] }
kpis:
  - name: Revenue at risk
    requires: [revenue]
    on_bookings: true
    label: Chiffre d'affaires à risque (départ des N meilleurs commerciaux)
    formula: >
      Chiffre d'affaires des N commerciaux au plus fort chiffre d'affaires de la période / chiffre
      d'affaires de tous les commerciaux au chiffre d'affaires positif (avoirs déduits ; chiffre
      d'affaires attribué à aucun commercial exclu).
    columns: [revenue_at_risk, revenue_at_risk_share, sellers_leaving]
    numerator: revenue_at_risk
    denominator: total_revenue
    numerator_label: "Chiffre d'affaires des N premiers commerciaux"
    denominator_label: "Chiffre d'affaires total"
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
  - name: Margin at risk
    requires: [revenue]
    label: Marge à risque (départ des N meilleurs commerciaux)
    formula: >
      Marge brute des mêmes N premiers commerciaux (classés par chiffre d'affaires) / marge brute de
      tous les commerciaux au chiffre d'affaires positif.
    columns: [margin_at_risk, margin_at_risk_share]
    numerator: margin_at_risk
    denominator: total_margin
    numerator_label: Marge brute des N premiers commerciaux
    denominator_label: Marge brute totale
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
  - name: Customers billed by the top sellers
    requires: [revenue]
    on_bookings: true
    label: Clients facturés par les N meilleurs commerciaux
    formula: >
      Comptes distincts facturés dans la période (hors avoirs) par les N premiers commerciaux /
      comptes distincts facturés par tous les commerciaux au chiffre d'affaires positif du
      périmètre.
    columns: [customers_billed_by_top, customers_billed_share]
    numerator: customers_billed_by_top
    denominator: customers_billed
    numerator_label: Clients facturés par les N premiers commerciaux
    denominator_label: Clients facturés
    unit: rate
    seeds: ['004']
    audiences: [A, E]
  - name: Customers owned by the top sellers
    requires: [revenue]
    on_bookings: true
    label: Clients en portefeuille des N meilleurs commerciaux
    formula: >
      Comptes au statut client (à la date de l'extraction) détenus par les N premiers commerciaux /
      comptes au statut client détenus par un commercial du périmètre (l'équipe, ou tous les
      commerciaux).
    columns: [customers_owned_by_top, customers_owned_share]
    numerator: customers_owned_by_top
    denominator: customers_owned
    numerator_label: Clients détenus par les N premiers commerciaux
    denominator_label: Clients détenus
    unit: rate
    seeds: ['004']
    audiences: [A, E]
*/
WITH top_n AS (
  SELECT DISTINCT unnest(revenue_at_risk_top_n) AS top_n FROM settings.kpi
),
scopes AS (
  SELECT DISTINCT period_type, period_start, team, sellers, scope_revenue, scope_margin FROM intermediate.int_team_seller_ranks
),
leaving AS (
  SELECT s.period_type, s.period_start, s.team, t.top_n, r.seller_id, r.revenue, r.margin
  FROM scopes s
  CROSS JOIN top_n t
  JOIN intermediate.int_team_seller_ranks r
    ON r.period_type = s.period_type AND r.period_start = s.period_start AND r.team = s.team AND r.revenue_rank <= t.top_n
),
owned AS (
  SELECT a.owner_seller_id AS seller_id, s.team, count(*) AS customers
  FROM staging.stg_accounts a
  JOIN staging.stg_sellers s ON s.seller_id = a.owner_seller_id
  WHERE a.status = 'customer'
  GROUP BY ALL
),
owned_by_scope AS (
  SELECT team, sum(customers) AS customers FROM owned GROUP BY team
  UNION ALL
  SELECT 'Toutes les équipes', sum(customers) FROM owned
),
money AS (
  SELECT l.period_type, l.period_start, l.team, l.top_n,
         count(*) AS sellers_leaving,
         sum(l.revenue) AS revenue_at_risk,
         sum(l.margin) AS margin_at_risk,
         coalesce(sum(o.customers), 0) AS customers_owned_by_top
  FROM leaving l
  LEFT JOIN owned o ON o.seller_id = l.seller_id
  GROUP BY ALL
),
billed_by_top AS (
  SELECT l.period_type, l.period_start, l.team, l.top_n, count(DISTINCT a.account_id) AS customers_billed_by_top
  FROM leaving l
  JOIN intermediate.int_team_seller_accounts a
    ON a.period_type = l.period_type AND a.period_start = l.period_start AND a.seller_id = l.seller_id AND a.billed
  GROUP BY ALL
),
billed_in_scope AS (
  SELECT r.period_type, r.period_start, r.team, count(DISTINCT a.account_id) AS customers_billed
  FROM intermediate.int_team_seller_ranks r
  JOIN intermediate.int_team_seller_accounts a
    ON a.period_type = r.period_type AND a.period_start = r.period_start AND a.seller_id = r.seller_id AND a.billed
  GROUP BY ALL
)
SELECT
  m.period_type,
  m.period_start,
  m.team,
  m.top_n,
  m.sellers_leaving,
  s.sellers AS sellers_with_revenue,
  m.revenue_at_risk,
  s.scope_revenue AS total_revenue,
  safe_divide(m.revenue_at_risk, s.scope_revenue) AS revenue_at_risk_share,
  m.margin_at_risk,
  s.scope_margin AS total_margin,
  safe_divide(m.margin_at_risk, s.scope_margin) AS margin_at_risk_share,
  coalesce(bt.customers_billed_by_top, 0) AS customers_billed_by_top,
  coalesce(bs.customers_billed, 0) AS customers_billed,
  safe_divide(coalesce(bt.customers_billed_by_top, 0), bs.customers_billed) AS customers_billed_share,
  m.customers_owned_by_top,
  coalesce(os.customers, 0) AS customers_owned,
  safe_divide(m.customers_owned_by_top, os.customers) AS customers_owned_share
FROM money m
JOIN scopes s USING (period_type, period_start, team)
LEFT JOIN billed_by_top bt USING (period_type, period_start, team, top_n)
LEFT JOIN billed_in_scope bs USING (period_type, period_start, team)
LEFT JOIN owned_by_scope os USING (team)
