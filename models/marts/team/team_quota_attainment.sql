/*
description: >
  Share of the sellers with an objective who reached it, per month, quarter and year, for each team
  and for the whole sales force (team = 'Toutes les équipes'), against the healthy band of [004]
  (`quotas.healthyShareReaching`, 70–80 %): below the band the objectives are out of reach or the
  team struggles, above it the objectives are probably too easy. Sellers from marts.quota_attainment
  with a positive objective in the period; also the team's total revenue against its total
  objective. `is_complete_period` is false for a period the data only partly covers.
grain: "type de période × début de période × périmètre d'équipe"
unique: [period_type, period_start, team]
not_null: [sellers_with_objective, revenue_objective, healthy_low, healthy_high, is_complete_period]
accepted_values: { period_type: [month, quarter, year], health: [below, healthy, above] }
kpis:
  - name: Share of sellers reaching objective
    on_bookings: true
    label: Part des commerciaux atteignant leur objectif
    formula: >
      Commerciaux dont le chiffre d'affaires a atteint leur objectif sur la période / commerciaux
      ayant un objectif de chiffre d'affaires positif sur la période ; santé = sous / dans /
      au-dessus de la fourchette saine (réglage, 70 à 80 % par défaut).
    columns: [share_reaching, health]
    numerator: sellers_reaching
    denominator: sellers_with_objective
    numerator_label: Commerciaux atteignant leur objectif
    denominator_label: Commerciaux ayant un objectif
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [objectives, invoices, invoice_lines]
  - name: Team quota attainment
    on_bookings: true
    label: Atteinte de l'objectif de CA de l'équipe
    formula: >
      Chiffre d'affaires des commerciaux ayant un objectif / somme de leurs objectifs de chiffre
      d'affaires sur la période.
    columns: [team_attainment]
    numerator: revenue
    denominator: revenue_objective
    numerator_label: "Chiffre d'affaires"
    denominator_label: "Objectif de chiffre d'affaires"
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [objectives, invoices, invoice_lines]
*/
WITH scoped AS (
  SELECT period_type, period_start, is_complete_period, unnest([team, 'Toutes les équipes']) AS team,
         seller_id, revenue_objective, revenue, reached_objective
  FROM marts.quota_attainment
  WHERE has_objective
),
teams AS (
  SELECT
    period_type,
    period_start,
    team,
    bool_and(is_complete_period) AS is_complete_period,
    count(*) AS sellers_with_objective,
    CASE WHEN count(reached_objective) > 0 THEN count(*) FILTER (WHERE reached_objective) END AS sellers_reaching,
    sum(revenue_objective) AS revenue_objective,
    sum(revenue) AS revenue
  FROM scoped
  GROUP BY ALL
)
SELECT
  t.*,
  safe_divide(t.sellers_reaching, t.sellers_with_objective) AS share_reaching,
  safe_divide(t.revenue, t.revenue_objective) AS team_attainment,
  k.quota_healthy_low AS healthy_low,
  k.quota_healthy_high AS healthy_high,
  CASE
    WHEN t.sellers_reaching IS NULL THEN NULL
    WHEN t.sellers_reaching / t.sellers_with_objective < k.quota_healthy_low THEN 'below'
    WHEN t.sellers_reaching / t.sellers_with_objective > k.quota_healthy_high THEN 'above'
    ELSE 'healthy'
  END AS health
FROM teams t
CROSS JOIN settings.kpi k
