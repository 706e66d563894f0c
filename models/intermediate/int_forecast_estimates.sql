/*
description: >
  The landing forecast of each cutoff (intermediate.int_forecast_cutoffs) for every scope: the
  company ('Entreprise'), each team and segment, and for the current cutoff only each seller. Three
  methods: 'pipeline' = revenue to date + expected revenue of the open pipeline (Σ amount × win rate
  × probability of closing in the period, intermediate.int_forecast_open_deals) + recurring run-rate;
  'run_rate' = revenue to date + the run-rate of all revenue over the days left; 'blend' = revenue
  to date + forecast.blendWeight × the pipeline method's forward part + the rest × the run-rate's.
  Interval: `forecast.simulations` draws, in each of which every open deal is won inside the period
  with its probability (win rate × probability of closing in time), drawn from a seeded hash of
  (seed, deal, as-of, period, draw) so a build is reproducible; P10/P50/P90 of the draws, shifted
  for each method to its own point (the spread is the pipeline's). prob_reach_objective: share of
  draws at or above the period's revenue objective (objectives prorated by days of overlap; NULL
  when the objectives do not span the whole period, and for segments, which have none).
grain: as-of date × period type × scope type × scope × method
unique: [as_of, period_type, scope_type, scope, method]
not_null: [revenue_to_date, forecast, p10, p50, p90, method]
accepted_values: { scope_type: [Entreprise, Équipe, Commercial, Segment], method: [pipeline, run_rate, blend] }
*/
WITH c AS (
  SELECT c.*, k.forecast_simulations AS sims, k.forecast_seed AS seed, k.forecast_blend_weight AS w
  FROM intermediate.int_forecast_cutoffs c CROSS JOIN settings.kpi k
),
-- Each row's scopes: the company, teams and segments at every cutoff (their errors are backtested
-- and calibrate their intervals), sellers only for the current forecast.
deal_scopes AS (
  SELECT d.as_of, d.period_type, s.scope_type, s.scope, d.opportunity_id, d.expected_amount, d.amount,
         CASE WHEN d.amount > 0 THEN d.expected_amount / d.amount ELSE 0 END AS p
  FROM intermediate.int_forecast_open_deals d
  CROSS JOIN LATERAL (VALUES ('Entreprise', 'Entreprise', true), ('Équipe', coalesce(d.team, '(sans équipe)'), true),
                             ('Commercial', d.owner_seller_id, d.is_current), ('Segment', d.segment, true)) AS s(scope_type, scope, keep)
  WHERE s.keep
),
revenue_scopes AS (
  SELECT r.as_of, r.period_type, s.scope_type, s.scope,
         sum(r.revenue_to_date) AS revenue_to_date, sum(r.recurring_forward) AS recurring_forward, sum(r.run_rate_forward) AS run_rate_forward
  FROM intermediate.int_forecast_revenue r
  JOIN c ON c.as_of = r.as_of AND c.period_type = r.period_type
  CROSS JOIN LATERAL (VALUES ('Entreprise', 'Entreprise', true), ('Équipe', coalesce(r.team, '(sans équipe)'), true),
                             ('Commercial', r.seller_id, c.is_current), ('Segment', r.segment, true)) AS s(scope_type, scope, keep)
  WHERE s.keep
  GROUP BY ALL
),
scopes AS (
  SELECT DISTINCT as_of, period_type, scope_type, scope FROM deal_scopes
  UNION
  SELECT as_of, period_type, scope_type, scope FROM revenue_scopes
  UNION
  SELECT as_of, period_type, 'Entreprise', 'Entreprise' FROM c
),
draw_ids AS (
  SELECT DISTINCT c.as_of, c.period_type, c.seed, d.draw FROM c, range(1, c.sims + 1) AS d(draw)
),
-- Each open deal drawn once per draw, not once per scope it counts in (the draw depends on the
-- deal, not the scope): the hash is computed deals × draws times instead of deals × scopes × draws.
-- The amounts won are summed per group of deals sharing every scope (team × seller × segment of a
-- cutoff, numbered), and each scope's sum is the sum of its groups' (integer keys throughout, the
-- scopes' names joined at the end). Amounts are exact decimals: the same sums in any grouping.
deal_groups AS MATERIALIZED (
  SELECT d.as_of, d.period_type, d.opportunity_id, d.amount, d.expected_amount / d.amount AS p, c.seed, c.sims,
         d.is_current, coalesce(d.team, '(sans équipe)') AS team, d.owner_seller_id, d.segment,
         dense_rank() OVER (ORDER BY d.as_of, d.period_type, d.is_current, coalesce(d.team, '(sans équipe)'), d.owner_seller_id, d.segment) AS gid
  FROM intermediate.int_forecast_open_deals d
  JOIN c ON c.as_of = d.as_of AND c.period_type = d.period_type
  WHERE d.amount > 0 AND d.expected_amount / d.amount > 0
),
won_by_group AS MATERIALIZED (
  SELECT d.gid, g.draw, sum(d.amount) AS won
  FROM deal_groups d, range(1, d.sims + 1) AS g(draw)
  WHERE (hash(hash(d.seed, d.opportunity_id, d.as_of, d.period_type, g.draw)) % 1000000) / 1000000.0 < d.p
  GROUP BY d.gid, g.draw
),
-- Each group's scopes (the seller's only at the current cutoff), each scope numbered.
group_scopes AS MATERIALIZED (
  SELECT g.gid, g.as_of, g.period_type, s.scope_type, s.scope,
         dense_rank() OVER (ORDER BY g.as_of, g.period_type, s.scope_type, s.scope) AS sid
  FROM (SELECT DISTINCT gid, as_of, period_type, is_current, team, owner_seller_id, segment FROM deal_groups) g
  CROSS JOIN LATERAL (VALUES ('Entreprise', 'Entreprise', true), ('Équipe', g.team, true),
                             ('Commercial', g.owner_seller_id, g.is_current), ('Segment', g.segment, true)) AS s(scope_type, scope, keep)
  WHERE s.keep
),
won_by_scope AS (
  SELECT m.sid, w.draw, sum(w.won) AS won
  FROM won_by_group w JOIN group_scopes m ON m.gid = w.gid
  GROUP BY m.sid, w.draw
),
-- Σ amounts of the deals won inside the period in each draw, per scope (a scope with no deal won
-- in a draw has no row: 0, as below).
draws AS MATERIALIZED (
  SELECT k.as_of, k.period_type, k.scope_type, k.scope, w.draw, w.won
  FROM won_by_scope w
  JOIN (SELECT DISTINCT sid, as_of, period_type, scope_type, scope FROM group_scopes) k ON k.sid = w.sid
),
pipeline AS (
  SELECT as_of, period_type, scope_type, scope, sum(expected_amount) AS pipeline_expected, sum(amount) AS open_pipeline, count(*) AS open_deals
  FROM deal_scopes GROUP BY ALL
),
objectives AS (
  SELECT c.as_of, c.period_type, s.scope_type, s.scope,
         sum(o.revenue_target * (datediff('day', greatest(o.period_start, c.period_start), least(o.period_end, c.period_end)) + 1) / o.period_days) AS objective,
         min(o.period_start) <= any_value(c.period_start) AND max(o.period_end) >= any_value(c.period_end) AS covers_period
  FROM c
  JOIN staging.stg_objectives o ON o.period_start <= c.period_end AND o.period_end >= c.period_start
  LEFT JOIN staging.stg_sellers sl ON sl.seller_id = o.seller_id
  CROSS JOIN LATERAL (VALUES ('Entreprise', 'Entreprise', true), ('Équipe', coalesce(sl.team, '(sans équipe)'), true),
                             ('Commercial', o.seller_id, c.is_current)) AS s(scope_type, scope, keep)
  WHERE s.keep
  GROUP BY ALL
),
points AS (
  SELECT s.as_of, s.period_type, s.scope_type, s.scope, any_value(c.is_current) AS is_current,
         any_value(c.period_start) AS period_start, any_value(c.period_end) AS period_end, any_value(c.horizon_months) AS horizon_months,
         coalesce(any_value(r.revenue_to_date), 0) AS revenue_to_date,
         coalesce(any_value(p.open_pipeline), 0) AS open_pipeline, coalesce(any_value(p.open_deals), 0) AS open_deals,
         coalesce(any_value(p.pipeline_expected), 0) AS pipeline_expected,
         coalesce(any_value(r.recurring_forward), 0) AS recurring_forward,
         coalesce(any_value(r.run_rate_forward), 0) AS run_rate_forward,
         any_value(c.w) AS w, any_value(CASE WHEN o.covers_period THEN o.objective END) AS objective
  FROM scopes s
  JOIN c ON c.as_of = s.as_of AND c.period_type = s.period_type
  LEFT JOIN revenue_scopes r ON r.as_of = s.as_of AND r.period_type = s.period_type AND r.scope_type = s.scope_type AND r.scope = s.scope
  LEFT JOIN pipeline p ON p.as_of = s.as_of AND p.period_type = s.period_type AND p.scope_type = s.scope_type AND p.scope = s.scope
  LEFT JOIN objectives o ON o.as_of = s.as_of AND o.period_type = s.period_type AND o.scope_type = s.scope_type AND o.scope = s.scope
  GROUP BY ALL
),
methods AS (
  SELECT p.*, m.method,
         CASE m.method
           WHEN 'pipeline' THEN p.revenue_to_date + p.pipeline_expected + p.recurring_forward
           WHEN 'run_rate' THEN p.revenue_to_date + p.run_rate_forward
           ELSE p.revenue_to_date + p.w * (p.pipeline_expected + p.recurring_forward) + (1 - p.w) * p.run_rate_forward
         END AS forecast
  FROM points p
  CROSS JOIN (VALUES ('pipeline'), ('run_rate'), ('blend')) AS m(method)
),
-- Every draw of every scope (a scope without a drawn deal has 0 won in each), as a deviation from the expectation.
spread AS (
  SELECT p.as_of, p.period_type, p.scope_type, p.scope, g.draw, coalesce(d.won, 0) - p.pipeline_expected AS deviation
  FROM points p
  JOIN draw_ids g ON g.as_of = p.as_of AND g.period_type = p.period_type
  LEFT JOIN draws d ON d.as_of = p.as_of AND d.period_type = p.period_type AND d.scope_type = p.scope_type AND d.scope = p.scope AND d.draw = g.draw
 ),
quantiles AS (
  SELECT as_of, period_type, scope_type, scope,
         quantile_cont(deviation, 0.1) AS d10, quantile_cont(deviation, 0.5) AS d50, quantile_cont(deviation, 0.9) AS d90
  FROM spread GROUP BY ALL
)
SELECT m.as_of, m.is_current, m.period_type, m.period_start, m.period_end, m.horizon_months, m.scope_type, m.scope, m.method,
       m.revenue_to_date, m.open_deals, m.open_pipeline, m.pipeline_expected, m.recurring_forward, m.run_rate_forward,
       m.forecast,
       m.forecast + any_value(q.d10) AS p10,
       m.forecast + any_value(q.d50) AS p50,
       m.forecast + any_value(q.d90) AS p90,
       m.objective,
       CASE WHEN m.objective IS NOT NULL THEN avg(CASE WHEN m.forecast + s.deviation >= m.objective THEN 1.0 ELSE 0.0 END) END AS prob_reach_objective
FROM methods m
JOIN spread s ON s.as_of = m.as_of AND s.period_type = m.period_type AND s.scope_type = m.scope_type AND s.scope = m.scope
JOIN quantiles q ON q.as_of = m.as_of AND q.period_type = m.period_type AND q.scope_type = m.scope_type AND q.scope = m.scope
GROUP BY m.as_of, m.is_current, m.period_type, m.period_start, m.period_end, m.horizon_months, m.scope_type, m.scope, m.method,
         m.revenue_to_date, m.open_deals, m.open_pipeline, m.pipeline_expected, m.recurring_forward, m.run_rate_forward, m.forecast, m.objective
