/*
description: >
  What each seller would have earned under the variable pay plan of kpi-settings.yaml
  (`variablePay`: 2 to 4 weighted criteria, a target bonus, a threshold and a cap), applied to
  every complete calendar year of data — `is_last_complete_year` marks "last year's data". Sellers:
  account executives employed during the year, and anyone else with a revenue objective in it.
  Criteria, each measured over the days the seller was employed in the year:
  revenue_attainment = revenue credited / revenue objective (objectives spread by days);
  meetings_per_week = held meetings (activity types in `activities.meetingTypes`, with a prospect or
  a customer) / weeks employed, against the objectives' meeting targets per week employed (else the
  criterion's target); new_customers = customers acquired (first purchase in the year credited to the
  seller, pre-existing subscribers aside, see intermediate.int_customers) / the objectives'
  new-customer targets (else the criterion's target, per year, prorated to the days employed);
  win_rate = deals won / deals decided after reaching proposal (closed in the year), against the
  criterion's target (else `funnel.proposalWinRateBenchmark`). A criterion's attainment pays nothing
  below `variablePay.threshold` and is capped at `variablePay.cap`. Payout = target bonus × days
  employed / days in the year × Σ weight × paid attainment over the criteria of the plan; NULL when a
  criterion of the plan cannot be measured (missing extract or no target). Columns of a criterion
  left out of the plan are still shown, with a NULL weight.
grain: année × commercial
unique: [year, seller_id]
not_null: [seller_name, team, role, employed_days, target_bonus, is_last_complete_year, criteria_in_plan, criteria_at_target]
relationships: { seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Variable pay simulation
    on_bookings: true
    label: Simulation de la rémunération variable
    formula: >
      prime cible × (jours employés / jours de l'année) × Σ sur les critères du plan de poids ×
      atteinte payée, où atteinte payée = 0 sous le seuil, min(atteinte, plafond) sinon ; atteinte =
      chiffre d'affaires / objectif, rendez-vous par semaine / cible, nouveaux clients / cible, taux
      de gain sur propositions / cible.
    columns: [payout, weighted_attainment]
    unit: EUR
    seeds: ['004']
    audiences: [A, E, F]
    needs: [objectives, invoices, invoice_lines, activities]
  - name: Seller reaches variable pay target
    on_bookings: true
    label: Commercial atteignant sa cible de variable
    formula: >
      Σ poids × atteinte payée ≥ 1 : le commercial touche au moins la prime cible (au prorata des
      jours employés) ; le nombre de critères atteints compte ceux dont l'atteinte est ≥ 1.
    columns: [reaches_target, criteria_at_target]
    unit: count
    seeds: ['004']
    audiences: [A, E]
    needs: [objectives, invoices, invoice_lines, activities]
*/
WITH years AS (
  SELECT period_start AS year, period_end AS year_end, days AS year_days, is_last_complete_year
  FROM intermediate.int_calendar
  WHERE period_type = 'year' AND is_complete
),
objectives AS (
  SELECT period_start AS year, seller_id, revenue_objective, new_customers_objective, meetings_objective
  FROM intermediate.int_team_objectives
  WHERE period_type = 'year'
),
roster AS (
  SELECT
    y.year, y.year_days, y.is_last_complete_year,
    s.seller_id, s.seller_name, s.team, s.role,
    datediff('day', greatest(y.year, s.start_date), least(y.year_end, coalesce(s.leave_date, y.year_end))) + 1 AS employed_days
  FROM years y
  JOIN staging.stg_sellers s ON s.start_date <= y.year_end AND coalesce(s.leave_date, DATE '9999-12-31') >= y.year
  LEFT JOIN objectives o ON o.year = y.year AND o.seller_id = s.seller_id
  -- The placeholder for deals with no known owner is nobody's pay.
  WHERE (s.role = 'account_executive' OR o.revenue_objective > 0) AND NOT s.is_placeholder
),
revenue AS (
  SELECT period_start AS year, seller_id, sum(revenue) AS revenue
  FROM intermediate.int_team_seller_accounts
  WHERE period_type = 'year'
  GROUP BY ALL
),
meetings AS (
  SELECT fiscal_year_start(activity_date) AS year, seller_id, count(*) AS meetings_held
  FROM staging.stg_activities
  WHERE is_meeting AND status = 'held' AND counterpart IN ('prospect', 'customer')
  GROUP BY ALL
),
acquired AS (
  SELECT fiscal_year_start(first_purchase_date) AS year, acquiring_seller_id AS seller_id, count(*) AS new_customers
  FROM intermediate.int_customers
  WHERE is_new_customer AND acquiring_seller_id IS NOT NULL
  GROUP BY ALL
),
decided AS (
  SELECT fiscal_year_start(closed_at) AS year, owner_seller_id AS seller_id,
         count(*) AS decided_proposals, count(*) FILTER (WHERE is_won) AS won_deals
  FROM intermediate.int_opportunity_journey
  WHERE reached_proposal AND NOT is_open
  GROUP BY ALL
),
plan AS (
  SELECT
    max(weight) FILTER (WHERE metric = 'revenue_attainment') AS w_revenue,
    max(weight) FILTER (WHERE metric = 'meetings_per_week') AS w_meetings,
    max(target) FILTER (WHERE metric = 'meetings_per_week') AS t_meetings,
    max(weight) FILTER (WHERE metric = 'new_customers') AS w_new_customers,
    max(target) FILTER (WHERE metric = 'new_customers') AS t_new_customers,
    max(weight) FILTER (WHERE metric = 'win_rate') AS w_win_rate,
    max(target) FILTER (WHERE metric = 'win_rate') AS t_win_rate,
    count(*) AS criteria_in_plan
  FROM settings.variable_pay_criteria
),
measured AS (
  SELECT
    r.*,
    r.employed_days / 7.0 AS weeks_employed,
    k.variable_pay_target_bonus * r.employed_days / r.year_days AS target_bonus,
    coalesce(rv.revenue, 0) AS revenue,
    o.revenue_objective,
    CASE WHEN extract_available('activities') THEN coalesce(m.meetings_held, 0) END AS meetings_held,
    coalesce(o.meetings_objective / (r.employed_days / 7.0), p.t_meetings) AS meetings_per_week_target,
    coalesce(a.new_customers, 0) AS new_customers,
    coalesce(o.new_customers_objective, p.t_new_customers * r.employed_days / r.year_days) AS new_customers_target,
    coalesce(d.won_deals, 0) AS won_deals,
    coalesce(d.decided_proposals, 0) AS decided_proposals,
    coalesce(p.t_win_rate, k.proposal_win_rate_benchmark) AS win_rate_target,
    p.w_revenue, p.w_meetings, p.w_new_customers, p.w_win_rate, p.criteria_in_plan,
    k.variable_pay_threshold AS threshold,
    k.variable_pay_cap AS cap
  FROM roster r
  CROSS JOIN settings.kpi k
  CROSS JOIN plan p
  LEFT JOIN objectives o USING (year, seller_id)
  LEFT JOIN revenue rv USING (year, seller_id)
  LEFT JOIN meetings m USING (year, seller_id)
  LEFT JOIN acquired a USING (year, seller_id)
  LEFT JOIN decided d USING (year, seller_id)
),
attained AS (
  SELECT
    *,
    meetings_held / weeks_employed AS meetings_per_week,
    safe_divide(won_deals, decided_proposals) AS win_rate,
    safe_divide(revenue, revenue_objective) AS revenue_attainment,
    safe_divide(meetings_held / weeks_employed, meetings_per_week_target) AS meetings_attainment,
    safe_divide(new_customers, new_customers_target) AS new_customers_attainment,
    safe_divide(safe_divide(won_deals, decided_proposals), win_rate_target) AS win_rate_attainment
  FROM measured
),
paid AS (
  SELECT
    *,
    CASE WHEN revenue_attainment IS NULL THEN NULL WHEN revenue_attainment < threshold THEN 0 ELSE least(revenue_attainment, cap) END AS revenue_paid,
    CASE WHEN meetings_attainment IS NULL THEN NULL WHEN meetings_attainment < threshold THEN 0 ELSE least(meetings_attainment, cap) END AS meetings_paid,
    CASE WHEN new_customers_attainment IS NULL THEN NULL WHEN new_customers_attainment < threshold THEN 0 ELSE least(new_customers_attainment, cap) END AS new_customers_paid,
    CASE WHEN win_rate_attainment IS NULL THEN NULL WHEN win_rate_attainment < threshold THEN 0 ELSE least(win_rate_attainment, cap) END AS win_rate_paid
  FROM attained
),
weighted AS (
  SELECT
    *,
    -- A criterion outside the plan adds 0; one in the plan that cannot be measured makes the sum NULL.
    CASE WHEN w_revenue IS NULL THEN 0 ELSE w_revenue * revenue_paid END
      + CASE WHEN w_meetings IS NULL THEN 0 ELSE w_meetings * meetings_paid END
      + CASE WHEN w_new_customers IS NULL THEN 0 ELSE w_new_customers * new_customers_paid END
      + CASE WHEN w_win_rate IS NULL THEN 0 ELSE w_win_rate * win_rate_paid END AS weighted_attainment,
    (w_revenue IS NOT NULL AND coalesce(revenue_attainment >= 1, false))::INTEGER
      + (w_meetings IS NOT NULL AND coalesce(meetings_attainment >= 1, false))::INTEGER
      + (w_new_customers IS NOT NULL AND coalesce(new_customers_attainment >= 1, false))::INTEGER
      + (w_win_rate IS NOT NULL AND coalesce(win_rate_attainment >= 1, false))::INTEGER AS criteria_at_target
  FROM paid
)
SELECT
  year,
  is_last_complete_year,
  seller_id,
  seller_name,
  team,
  role,
  employed_days,
  weeks_employed,
  target_bonus,
  revenue,
  revenue_objective,
  revenue_attainment,
  w_revenue AS revenue_weight,
  revenue_paid,
  meetings_held,
  meetings_per_week,
  meetings_per_week_target,
  meetings_attainment,
  w_meetings AS meetings_weight,
  meetings_paid,
  new_customers,
  new_customers_target,
  new_customers_attainment,
  w_new_customers AS new_customers_weight,
  new_customers_paid,
  won_deals,
  decided_proposals,
  win_rate,
  win_rate_target,
  win_rate_attainment,
  w_win_rate AS win_rate_weight,
  win_rate_paid,
  criteria_in_plan,
  criteria_at_target,
  weighted_attainment,
  target_bonus * weighted_attainment AS payout,
  -- Rounded so that weights and attainments adding up to exactly 1 are not lost to binary fractions.
  round(weighted_attainment, 9) >= 1 AS reaches_target
FROM weighted
