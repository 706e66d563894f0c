/*
description: >
  The flash figures a manager opens first, per ISO week (from Monday), month and fiscal quarter, per team
  and for the whole company (team 'Toutes les équipes'): deals won and lost (count and value, by close date),
  conversion rate (won / decided), revenue and gross margin to date (invoice date, credit notes
  netted) against the revenue objective (the sellers' revenue targets spread by days over the
  periods they cover), time spent (hours of all logged activities) and the cost of opportunities
  (time cost of the activities logged on a deal). Each figure comes with its value for the previous
  period and the change. The period in progress at the end of the data (`is_current`; the end is
  the latest invoice, deal, activity or lead date) is compared like for like: the previous period is
  cut to the same number of days, and the objective to date is the objective of the days elapsed.
  Daily facts come from intermediate.int_flash_daily, periods and their like-for-like windows from
  intermediate.int_calendar. A team's revenue is the revenue credited to its sellers; revenue
  credited to no seller only counts in 'Toutes les équipes'. Figures needing an extract that was not provided are
  NULL.
grain: type de période × début de période × équipe
unique: [period_type, period_start, team]
not_null: [period_end, observed_end, is_current, is_complete_period, won_deals, won_value, lost_deals, lost_value, decided_deals]
accepted_values: { period_type: [week, month, quarter] }
kpis:
  - name: Flash - opportunities won
    label: Opportunités gagnées
    formula: >
      Affaires gagnées dans la période (date de clôture), nombre et montant signé, comparés à la
      période précédente.
    columns: [won_deals, won_value, previous_won_deals, previous_won_value, won_deals_change, won_value_change]
    unit: count
    seeds: ['004']
    audiences: [A, E]
    needs: []
  - name: Flash - opportunities lost
    label: Opportunités perdues
    formula: >
      Affaires perdues dans la période (date de clôture), nombre et montant, comparés à la période
      précédente.
    columns: [lost_deals, lost_value, previous_lost_deals, previous_lost_value, lost_deals_change, lost_value_change]
    unit: count
    seeds: ['004']
    audiences: [A, E]
    needs: []
  - name: Flash - conversion rate
    label: Taux de transformation
    formula: >
      Affaires gagnées / affaires décidées (gagnées + perdues) dans la période, par date de clôture
      ; évolution en points par rapport à la période précédente.
    columns: [conversion_rate, previous_conversion_rate, conversion_rate_change]
    numerator: won_deals
    denominator: decided_deals
    numerator_label: Affaires gagnées
    denominator_label: Affaires décidées (gagnées + perdues)
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: []
  - name: Flash - revenue to date vs objective
    on_bookings: true
    label: CA à date vs objectif
    formula: >
      Chiffre d'affaires facturé depuis le début de la période (avoirs déduits) / objectif de
      chiffre d'affaires des jours écoulés (objectifs répartis par jour sur les périodes qu'ils
      couvrent) ; marge à date en regard, les deux comparées à la période précédente.
    columns: [revenue, margin, revenue_objective_to_date, revenue_objective, objective_attainment, previous_revenue, revenue_change, previous_margin, margin_change]
    numerator: revenue
    denominator: revenue_objective_to_date
    numerator_label: "Chiffre d'affaires à date"
    denominator_label: "Objectif de chiffre d'affaires à date"
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [invoices, invoice_lines, objectives]
  - name: Flash - time spent
    label: Temps passé
    formula: >
      Heures des activités saisies dans la période (durée des appels, e-mails, rendez-vous, tâches
      administratives…), comparées à la période précédente.
    columns: [activity_hours, previous_activity_hours, activity_hours_change]
    unit: hours
    seeds: ['004']
    audiences: [A, E]
    needs: [activities]
  - name: Flash - cost of opportunities
    label: Coût des opportunités
    formula: >
      Σ coût du temps (heures × coût horaire × coefficient de coût commercial, réglage) des
      activités saisies sur une affaire dans la période, comparé à la période précédente.
    columns: [opportunity_time_cost, previous_opportunity_time_cost, opportunity_time_cost_change]
    unit: EUR
    seeds: ['004']
    audiences: [A, E]
    needs: [activities]
*/
WITH available AS (
  SELECT
    billing_available() AS has_margin,
    extract_available('objectives') AS has_objectives,
    extract_available('activities') AS has_activities
),
teams AS (
  SELECT DISTINCT team FROM staging.stg_sellers
  UNION ALL
  SELECT 'Toutes les équipes'
),
-- The weeks, months and fiscal quarters of the data window, with their like-for-like previous
-- window (intermediate.int_calendar).
grid AS (
  SELECT
    c.period_type, c.period_start, c.period_end, c.label, c.observed_end, c.is_complete AS is_complete_period, c.is_current,
    c.previous_start AS previous_period_start, c.previous_observed_end AS previous_window_end, c.has_previous,
    t.team
  FROM intermediate.int_calendar c
  CROSS JOIN teams t
  WHERE c.period_type IN ('week', 'month', 'quarter')
),
daily AS (
  SELECT * FROM intermediate.int_flash_daily
),
current_figures AS (
  SELECT g.period_type, g.period_start, g.team,
         sum(d.won_deals) AS won_deals, sum(d.won_value) AS won_value, sum(d.lost_deals) AS lost_deals, sum(d.lost_value) AS lost_value,
         sum(d.revenue) AS revenue, sum(d.margin) AS margin, sum(d.objective) AS objective_to_date,
         sum(d.activity_hours) AS activity_hours, sum(d.opportunity_time_cost) AS opportunity_time_cost
  FROM grid g JOIN daily d ON d.team = g.team AND d.day BETWEEN g.period_start AND g.observed_end
  GROUP BY ALL
),
previous_figures AS (
  SELECT g.period_type, g.period_start, g.team,
         sum(d.won_deals) AS won_deals, sum(d.won_value) AS won_value, sum(d.lost_deals) AS lost_deals, sum(d.lost_value) AS lost_value,
         sum(d.revenue) AS revenue, sum(d.margin) AS margin,
         sum(d.activity_hours) AS activity_hours, sum(d.opportunity_time_cost) AS opportunity_time_cost
  FROM grid g JOIN daily d ON d.team = g.team AND d.day BETWEEN g.previous_period_start AND g.previous_window_end
  GROUP BY ALL
),
full_objective AS (
  SELECT g.period_type, g.period_start, g.team, sum(d.objective) AS objective
  FROM grid g JOIN daily d ON d.team = g.team AND d.day BETWEEN g.period_start AND g.period_end
  GROUP BY ALL
),
figures AS (
  SELECT
    g.period_type,
    g.period_start,
    g.period_end,
    g.observed_end,
    g.is_complete_period,
    g.is_current,
    g.team,
    g.label,
    g.previous_period_start,
    g.previous_window_end,
    -- The previous window is only known when it starts within the data.
    g.has_previous,
    coalesce(c.won_deals, 0) AS won_deals,
    coalesce(c.won_value, 0) AS won_value,
    coalesce(c.lost_deals, 0) AS lost_deals,
    coalesce(c.lost_value, 0) AS lost_value,
    coalesce(p.won_deals, 0) AS p_won_deals,
    coalesce(p.won_value, 0) AS p_won_value,
    coalesce(p.lost_deals, 0) AS p_lost_deals,
    coalesce(p.lost_value, 0) AS p_lost_value,
    coalesce(c.revenue, 0) AS revenue,
    CASE WHEN av.has_margin THEN coalesce(c.margin, 0) END AS margin,
    coalesce(p.revenue, 0) AS p_revenue,
    CASE WHEN av.has_margin THEN coalesce(p.margin, 0) END AS p_margin,
    CASE WHEN av.has_objectives THEN coalesce(c.objective_to_date, 0) END AS revenue_objective_to_date,
    CASE WHEN av.has_objectives THEN coalesce(f.objective, 0) END AS revenue_objective,
    CASE WHEN av.has_activities THEN coalesce(c.activity_hours, 0) END AS activity_hours,
    CASE WHEN av.has_activities THEN coalesce(c.opportunity_time_cost, 0) END AS opportunity_time_cost,
    CASE WHEN av.has_activities THEN coalesce(p.activity_hours, 0) END AS p_activity_hours,
    CASE WHEN av.has_activities THEN coalesce(p.opportunity_time_cost, 0) END AS p_opportunity_time_cost
  FROM grid g
  CROSS JOIN available av
  LEFT JOIN current_figures c USING (period_type, period_start, team)
  LEFT JOIN previous_figures p USING (period_type, period_start, team)
  LEFT JOIN full_objective f USING (period_type, period_start, team)
),
with_previous AS (
  SELECT
    * EXCLUDE (has_previous, p_won_deals, p_won_value, p_lost_deals, p_lost_value, p_revenue, p_margin, p_activity_hours, p_opportunity_time_cost),
    CASE WHEN has_previous THEN p_won_deals END AS previous_won_deals,
    CASE WHEN has_previous THEN p_won_value END AS previous_won_value,
    CASE WHEN has_previous THEN p_lost_deals END AS previous_lost_deals,
    CASE WHEN has_previous THEN p_lost_value END AS previous_lost_value,
    CASE WHEN has_previous THEN p_revenue END AS previous_revenue,
    CASE WHEN has_previous THEN p_margin END AS previous_margin,
    CASE WHEN has_previous THEN p_activity_hours END AS previous_activity_hours,
    CASE WHEN has_previous THEN p_opportunity_time_cost END AS previous_opportunity_time_cost
  FROM figures
)
SELECT
  period_type,
  period_start,
  period_end,
  label,
  observed_end,
  is_complete_period,
  is_current,
  team,
  previous_period_start,
  previous_window_end,
  won_deals,
  previous_won_deals,
  won_deals - previous_won_deals AS won_deals_change,
  won_value,
  previous_won_value,
  won_value - previous_won_value AS won_value_change,
  lost_deals,
  previous_lost_deals,
  lost_deals - previous_lost_deals AS lost_deals_change,
  lost_value,
  previous_lost_value,
  lost_value - previous_lost_value AS lost_value_change,
  won_deals + lost_deals AS decided_deals,
  safe_divide(won_deals, won_deals + lost_deals) AS conversion_rate,
  previous_won_deals + previous_lost_deals AS previous_decided_deals,
  safe_divide(previous_won_deals, previous_won_deals + previous_lost_deals) AS previous_conversion_rate,
  safe_divide(won_deals, won_deals + lost_deals) - safe_divide(previous_won_deals, previous_won_deals + previous_lost_deals) AS conversion_rate_change,
  revenue,
  previous_revenue,
  revenue - previous_revenue AS revenue_change,
  margin,
  previous_margin,
  margin - previous_margin AS margin_change,
  revenue_objective_to_date,
  revenue_objective,
  safe_divide(revenue, revenue_objective_to_date) AS objective_attainment,
  activity_hours,
  previous_activity_hours,
  activity_hours - previous_activity_hours AS activity_hours_change,
  opportunity_time_cost,
  previous_opportunity_time_cost,
  opportunity_time_cost - previous_opportunity_time_cost AS opportunity_time_cost_change
FROM with_previous
