/*
description: >
  Each seller's revenue against objective per month, quarter and year: the objective is the sum of
  the seller's revenue targets spread over the period by days (intermediate.int_team_objectives:
  monthly objectives land whole in their month, one straddling two months is shared by days), the
  revenue is what intermediate.int_revenue_lines credits the seller in the period (invoice date,
  credit notes netted). One row per seller and period overlapped by an objective;
  `is_complete_period` is false for a period the data only partly covers (its attainment is not
  final). Revenue is NULL (not 0) when billing was not provided.
grain: type de période × début de période × commercial
unique: [period_type, period_start, seller_id]
not_null: [period_end, seller_name, team, revenue_objective, has_objective, is_complete_period]
accepted_values: { period_type: [month, quarter, year] }
relationships: { seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Quota attainment
    on_bookings: true
    label: Atteinte de l'objectif de CA
    formula: >
      Chiffre d'affaires crédité au commercial sur la période / objectif de chiffre d'affaires du
      commercial sur la période (objectifs répartis par jour sur les périodes qu'ils recouvrent) ;
      atteint quand le chiffre d'affaires ≥ objectif (objectif arrondi au centime).
    columns: [attainment, reached_objective]
    numerator: revenue
    denominator: revenue_objective
    numerator_label: "Chiffre d'affaires crédité"
    denominator_label: "Objectif de chiffre d'affaires"
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [objectives, invoices, invoice_lines]
*/
WITH revenue AS (
  SELECT period_type, period_start, seller_id, sum(revenue) AS revenue
  FROM intermediate.int_team_seller_accounts
  GROUP BY ALL
),
quota AS (
  SELECT
    o.period_type,
    o.period_start,
    c.period_end,
    c.is_complete AS is_complete_period,
    o.seller_id,
    s.seller_name,
    s.team,
    s.role,
    o.revenue_objective,
    o.revenue_objective > 0 AS has_objective,
    coalesce(r.revenue, 0) AS revenue
  FROM intermediate.int_team_objectives o
  JOIN intermediate.int_calendar c USING (period_type, period_start)
  JOIN staging.stg_sellers s USING (seller_id)
  LEFT JOIN revenue r USING (period_type, period_start, seller_id)
)
SELECT
  *,
  safe_divide(revenue, revenue_objective) AS attainment,
  CASE WHEN has_objective AND revenue IS NOT NULL THEN revenue >= round(revenue_objective, 2) END AS reached_objective
FROM quota
