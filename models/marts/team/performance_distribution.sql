/*
description: >
  Each seller's year against the sellers of the same role employed that year (start date ≤ 31
  December and no leave date before 1 January, within the days the data covers), on more than revenue, as [004] asks: revenue
  credited (intermediate.int_revenue_lines), leads generated (leads the seller owns, by creation
  date), qualification rate of those leads (qualified status or turned into a deal), proposals made
  (deals owned that reached proposal, in the year the proposal stage was entered — the deal's
  creation day when there is no stage history) and deals won (by close date). Every metric gets a
  percentile rank within year × role — volumes per full year employed (divided by `employed_share`,
  the share of the year's observed days the seller was employed), so joiners and leavers compete on
  the same footing: (sellers strictly below + ½ × sellers tied) / sellers with a
  value, so the lowest of 5 is 0.1, the middle 0.5, the best 0.9, a seller alone 0.5. The composite
  score is the average of the available percentiles (a metric whose extract is missing, or a
  qualification rate without leads, is left out); the class comes from the percentile rank of the
  composite score: over-performing at or above `concentration.overPercentile` (0.9), under-performing
  at or below `concentration.underPercentile` (0.1), average between. The 5–10 % / 80–90 % / 5–10 %
  split of [004] is, by construction, what the percentile thresholds give; what the mart adds is who
  is in each class and on which metrics (counts and revenue per class in marts.performance_classes).
  A seller with no activity in the year (no revenue, no lead, no proposal, no win — a manager who
  does not sell, say) is not rated (`is_rated` false): every percentile, the score and the class are
  NULL, and the distribution is taken over the rated sellers only — otherwise a role of sellers with
  nothing would all tie at 0 and read 50 %.
grain: année × commercial
unique: [year, seller_id]
not_null: [seller_name, team, role, proposals, won_deals, is_rated, sellers_in_role, is_complete_year]
accepted_values: { performance_class: [over_performing, average, under_performing] }
relationships: { seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Performance class
    label: Classe de performance (sur-, moyenne, sous-performance)
    formula: >
      Rang centile, parmi les commerciaux du même rôle employés dans l'année, de la moyenne des
      rangs centiles du commercial sur le chiffre d'affaires, les leads générés, le taux de
      qualification, les propositions faites et les affaires gagnées (volumes ramenés à une année
      pleine d'emploi ; rang centile = (commerciaux en dessous + ½ × commerciaux à égalité) /
      commerciaux) ; surperformance au-dessus du centile haut (réglage, 0,9), sous-performance sous
      le centile bas (réglage, 0,1), moyenne sinon. Le chiffre d'affaires et les leads n'entrent
      dans le score que si la facturation et les leads sont fournis.
    columns: [performance_class, composite_score, composite_percentile]
    unit: index
    seeds: ['004']
    audiences: [A, E]
    needs: []
  - name: Leads generated per seller
    label: Leads générés par commercial
    formula: >
      Leads dont le commercial est propriétaire, par date de création ; taux de qualification =
      leads qualifiés (statut qualifié ou transformés en affaire) / leads générés.
    columns: [leads_generated, leads_qualified, qualification_rate, leads_percentile, qualification_percentile]
    numerator: leads_qualified
    denominator: leads_generated
    numerator_label: Leads qualifiés
    denominator_label: Leads générés
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [leads]
  - name: Proposals and wins per seller
    label: Propositions et affaires gagnées par commercial
    formula: >
      Affaires détenues ayant atteint l'étape proposition (comptées l'année d'entrée dans l'étape,
      ou l'année de création de l'affaire sans historique des étapes), et affaires gagnées (par date
      de clôture), avec leurs rangs centiles par année et par rôle.
    columns: [proposals, won_deals, proposals_percentile, won_deals_percentile]
    unit: count
    seeds: ['004']
    audiences: [A, E]
    needs: []
  - name: Revenue percentile per seller
    requires: [revenue]
    on_bookings: true
    label: Rang centile du CA du commercial
    formula: >
      Rang centile du chiffre d'affaires du commercial parmi les commerciaux du même rôle employés
      dans l'année.
    columns: [revenue, revenue_percentile]
    unit: index
    seeds: ['004']
    audiences: [A, E]
    needs: [invoices, invoice_lines]
*/
WITH years AS (
  SELECT period_start AS year, is_complete,
         greatest(period_start, data_start) AS observed_start, observed_end
  FROM intermediate.int_calendar
  WHERE period_type = 'year'
),
roster AS (
  SELECT y.year, y.is_complete, s.seller_id, s.seller_name, s.team, s.role,
         datediff('day', greatest(y.observed_start, s.start_date), least(y.observed_end, coalesce(s.leave_date, y.observed_end))) + 1 AS employed_days,
         datediff('day', y.observed_start, y.observed_end) + 1 AS observed_days
  FROM years y
  JOIN staging.stg_sellers s ON s.start_date <= y.observed_end AND coalesce(s.leave_date, DATE '9999-12-31') >= y.observed_start
  -- The placeholder for deals with no known owner is not a seller of the distribution.
  WHERE NOT s.is_placeholder
),
revenue AS (
  SELECT seller_id, fiscal_year_start(invoice_date) AS year, sum(revenue) AS revenue
  FROM intermediate.int_revenue_lines
  WHERE seller_id IS NOT NULL
  GROUP BY ALL
),
leads AS (
  SELECT owner_seller_id AS seller_id, fiscal_year_start(created_at) AS year,
         count(*) AS leads, count(*) FILTER (WHERE qualified) AS qualified
  FROM intermediate.int_lead_engagement
  WHERE owner_seller_id IS NOT NULL
  GROUP BY ALL
),
proposals AS (
  SELECT owner_seller_id AS seller_id, fiscal_year_start(coalesce(CAST(proposal_at AS DATE), created_at)) AS year, count(*) AS proposals
  FROM intermediate.int_opportunity_journey
  WHERE reached_proposal
  GROUP BY ALL
),
won AS (
  SELECT owner_seller_id AS seller_id, fiscal_year_start(closed_at) AS year, count(*) AS won_deals
  FROM intermediate.int_opportunity_journey
  WHERE is_won
  GROUP BY ALL
),
metrics AS (
  SELECT
    r.*,
    -- No revenue line at all (no won deal, no invoice): unknown, not 0 € for everyone.
    CASE WHEN EXISTS (SELECT 1 FROM intermediate.int_revenue_lines) THEN coalesce(rv.revenue, 0) END AS revenue,
    CASE WHEN extract_available('leads') THEN coalesce(l.leads, 0) END AS leads_generated,
    CASE WHEN extract_available('leads') THEN coalesce(l.qualified, 0) END AS leads_qualified,
    coalesce(p.proposals, 0) AS proposals,
    coalesce(w.won_deals, 0) AS won_deals
  FROM roster r
  LEFT JOIN revenue rv USING (seller_id, year)
  LEFT JOIN leads l USING (seller_id, year)
  LEFT JOIN proposals p USING (seller_id, year)
  LEFT JOIN won w USING (seller_id, year)
),
rated AS (
  -- Volumes are ranked per full year employed (÷ employed share), so a seller who joined or left
  -- during the year is compared on the same footing.
  SELECT *,
         safe_divide(leads_qualified, leads_generated) AS qualification_rate,
         employed_days / observed_days AS employed_share,
         revenue / (employed_days / observed_days) AS revenue_per_year,
         leads_generated / (employed_days / observed_days) AS leads_per_year,
         proposals / (employed_days / observed_days) AS proposals_per_year,
         won_deals / (employed_days / observed_days) AS won_deals_per_year,
         coalesce(revenue, 0) <> 0 OR coalesce(leads_generated, 0) > 0 OR proposals > 0 OR won_deals > 0 AS is_rated
  FROM metrics
),
percentiles AS (
  SELECT
    *,
    CASE WHEN revenue_per_year IS NOT NULL THEN (rank() OVER (PARTITION BY year, role ORDER BY revenue_per_year ASC NULLS LAST) - 1
      + 0.5 * count(*) OVER (PARTITION BY year, role, revenue_per_year)) / count(revenue_per_year) OVER (PARTITION BY year, role) END AS revenue_percentile,
    CASE WHEN leads_per_year IS NOT NULL THEN (rank() OVER (PARTITION BY year, role ORDER BY leads_per_year ASC NULLS LAST) - 1
      + 0.5 * count(*) OVER (PARTITION BY year, role, leads_per_year)) / count(leads_per_year) OVER (PARTITION BY year, role) END AS leads_percentile,
    CASE WHEN qualification_rate IS NOT NULL THEN (rank() OVER (PARTITION BY year, role ORDER BY qualification_rate ASC NULLS LAST) - 1
      + 0.5 * count(*) OVER (PARTITION BY year, role, qualification_rate)) / count(qualification_rate) OVER (PARTITION BY year, role) END AS qualification_percentile,
    (rank() OVER (PARTITION BY year, role ORDER BY proposals_per_year) - 1
      + 0.5 * count(*) OVER (PARTITION BY year, role, proposals_per_year)) / count(*) OVER (PARTITION BY year, role) AS proposals_percentile,
    (rank() OVER (PARTITION BY year, role ORDER BY won_deals_per_year) - 1
      + 0.5 * count(*) OVER (PARTITION BY year, role, won_deals_per_year)) / count(*) OVER (PARTITION BY year, role) AS won_deals_percentile
  FROM rated
  WHERE is_rated
),
scored AS (
  SELECT *, list_avg([revenue_percentile, leads_percentile, qualification_percentile, proposals_percentile, won_deals_percentile]) AS composite_score
  FROM percentiles
),
classed AS (
  SELECT *,
    (rank() OVER (PARTITION BY year, role ORDER BY composite_score) - 1
      + 0.5 * count(*) OVER (PARTITION BY year, role, composite_score)) / count(*) OVER (PARTITION BY year, role) AS composite_percentile,
    count(*) OVER (PARTITION BY year, role) AS sellers_in_role
  FROM scored
  -- The sellers not rated keep their row, with no percentile, score nor class.
  UNION ALL BY NAME
  SELECT u.*, (SELECT count(*) FROM rated r WHERE r.is_rated AND r.year = u.year AND r.role = u.role) AS sellers_in_role
  FROM rated u
  WHERE NOT u.is_rated
)
SELECT
  c.year,
  c.seller_id,
  c.seller_name,
  c.team,
  c.role,
  c.is_complete AS is_complete_year,
  c.employed_days,
  c.employed_share,
  c.is_rated,
  c.sellers_in_role,
  c.revenue,
  c.leads_generated,
  c.leads_qualified,
  c.qualification_rate,
  c.proposals,
  c.won_deals,
  c.revenue_percentile,
  c.leads_percentile,
  c.qualification_percentile,
  c.proposals_percentile,
  c.won_deals_percentile,
  c.composite_score,
  c.composite_percentile,
  CASE
    WHEN c.composite_percentile IS NULL THEN NULL
    WHEN c.composite_percentile >= k.over_percentile THEN 'over_performing'
    WHEN c.composite_percentile <= k.under_percentile THEN 'under_performing'
    ELSE 'average'
  END AS performance_class
FROM classed c
CROSS JOIN settings.kpi k
