/*
description: >
  One row per deal open at the reference day (the data's last day, intermediate.int_calendar's
  data_end; with `--as-of`, the deals as they stood that day), for the deal pages. amount is in the
  reporting currency; probability is the win rate its stage historically leads to (won / decided among
  the closed deals that reached the stage, as marts.open_pipeline: the two tie), weighted_amount =
  amount × probability (NULL while the stage has no decided deal).
  expected_close_at: the CRM's expected close when exported (expected_close_source 'crm'), else
  derived from the stage history ('stage_history'): the day the deal entered its current stage plus
  the lower median of the days from entering that stage to winning, among the deals won from it in
  the `forecast.historyMonths` before the reference day that had stayed in it longer than this deal
  has (so the date is always after the reference day); NULL when no won deal stayed that long. expected_close_quarter is the fiscal quarter's label (the shared calendar's, e.g. 'T1 FY2026').
  forecast_category: the CRM's when exported ('crm'), else from the stage's probability
  ('stage_probability': commit from `funnel.commitFromProbability`, best_case from
  `funnel.bestCaseFromProbability`, else pipeline; pipeline when the stage has no decided deal yet).
  days_in_stage: days since the current stage was entered (the stage history, else the creation).
  last_activity_at: the last activity held on the deal by the reference day (NULL: none);
  days_without_activity counts from it, or from the creation when there is none; is_quiet when it
  exceeds `funnel.quietAfterDays` (both NULL when no activities extract was provided). Contacts never appear here: only the deal and its account.
grain: opportunity (open deals only)
unique: [opportunity_id]
not_null: [account_id, account_name, owner_seller_id, segment, stage, created_at, amount, expected_close_source, forecast_category, forecast_category_source, days_in_stage, reference_day]
accepted_values:
  stage: [qualified, proposal, negotiation]
  expected_close_source: [crm, stage_history]
  forecast_category: [commit, best_case, pipeline, omitted]
  forecast_category_source: [crm, stage_probability]
relationships: { opportunity_id: staging.stg_opportunities.opportunity_id, owner_seller_id: staging.stg_sellers.seller_id }
*/
WITH ref AS (
  SELECT max(data_end) AS reference_day FROM intermediate.int_calendar
),
open_deals AS (
  SELECT j.opportunity_id, o.opportunity_name, j.account_id, a.account_name, j.owner_seller_id, j.team, j.manager_id,
         j.segment, j.product_line, j.stage, j.created_at, j.amount, o.expected_close_at AS crm_expected_close_at,
         o.forecast_category AS crm_forecast_category,
         -- The current stage's entry (the stage history, else the creation: int_forecast_stage_entries).
         coalesce(CAST(e.entered_at AS DATE), j.created_at) AS stage_entered_on,
         r.reference_day
  FROM intermediate.int_opportunity_journey j
  JOIN staging.stg_opportunities o USING (opportunity_id)
  JOIN staging.stg_accounts a ON a.account_id = j.account_id
  CROSS JOIN ref r
  LEFT JOIN intermediate.int_forecast_stage_entries e ON e.opportunity_id = j.opportunity_id AND e.stage = j.stage
  WHERE j.is_open
),
aged AS (
  SELECT d.*, datediff('day', d.stage_entered_on, d.reference_day) AS days_in_stage FROM open_deals d
),
-- Days from entering each stage to winning, of the deals won from it in the history window.
won_days AS (
  SELECT e.stage, datediff('day', CAST(e.entered_at AS DATE), e.closed_at) AS days_to_won, count(*) AS n
  FROM intermediate.int_forecast_stage_entries e
  CROSS JOIN ref r CROSS JOIN settings.kpi k
  WHERE e.is_won AND CAST(e.entered_at AS DATE) <= e.closed_at AND e.closed_at <= r.reference_day
    AND e.closed_at > r.reference_day - to_months(CAST(k.forecast_history_months AS INTEGER))
  GROUP BY ALL
),
cdf AS (
  SELECT stage, days_to_won,
         sum(n) OVER (PARTITION BY stage ORDER BY days_to_won) AS n_at_most,
         sum(n) OVER (PARTITION BY stage) AS n_all
  FROM won_days
),
-- Lower median among the won deals that stayed in the stage longer than days_in_stage (the deal is
-- still open at the end of the reference day, so only those compare): the n_all − (won within
-- that age) last ones; the median is the ceil(half)-th of them, read from
-- the cumulative counts (a set-based lookup, not a join of every deal with every won deal).
median_target AS (
  SELECT a.opportunity_id, a.stage, coalesce(before_age.n_at_most, 0) AS won_before_age, tot.n_all,
         coalesce(before_age.n_at_most, 0) + ceil((tot.n_all - coalesce(before_age.n_at_most, 0)) / 2.0) AS target_rank
  FROM aged a
  JOIN (SELECT DISTINCT stage, n_all FROM cdf) tot ON tot.stage = a.stage
  ASOF LEFT JOIN cdf before_age ON before_age.stage = a.stage AND before_age.days_to_won <= a.days_in_stage
  WHERE a.crm_expected_close_at IS NULL
),
derived_close AS (
  SELECT t.opportunity_id, c.days_to_won AS median_days_to_won
  FROM median_target t
  ASOF JOIN cdf c ON c.stage = t.stage AND t.target_rank <= c.n_at_most
  WHERE t.n_all > t.won_before_age
),
last_activity AS (
  SELECT act.opportunity_id, max(act.scheduled_at) AS last_activity_at
  FROM staging.stg_activities act CROSS JOIN ref r
  WHERE act.status = 'held' AND act.opportunity_id IS NOT NULL AND act.activity_date <= r.reference_day
  GROUP BY act.opportunity_id
),
dated AS (
  SELECT a.*,
         coalesce(a.crm_expected_close_at, CAST(a.stage_entered_on + CAST(dc.median_days_to_won AS INTEGER) AS DATE)) AS expected_close_at,
         CASE WHEN a.crm_expected_close_at IS NOT NULL THEN 'crm' ELSE 'stage_history' END AS expected_close_source,
         so.stage_win_rate AS probability,
         la.last_activity_at
  FROM aged a
  LEFT JOIN derived_close dc USING (opportunity_id)
  LEFT JOIN intermediate.int_stage_win_rates so ON so.stage = a.stage
  LEFT JOIN last_activity la USING (opportunity_id)
)
SELECT
  d.opportunity_id,
  d.opportunity_name,
  d.account_id,
  d.account_name,
  d.owner_seller_id,
  d.team,
  d.manager_id,
  d.segment,
  d.product_line,
  d.stage,
  d.created_at,
  d.amount,
  d.probability,
  d.amount * d.probability AS weighted_amount,
  d.expected_close_at,
  d.expected_close_source,
  -- The shared fiscal calendar's quarter (macros/calendar.sql), also for quarters after the data's window.
  fiscal_quarter_start(d.expected_close_at) AS expected_close_quarter_start,
  period_label('quarter', fiscal_quarter_start(d.expected_close_at)) AS expected_close_quarter,
  -- Expected by the reference day and still open at its end: the date has passed.
  d.expected_close_at <= d.reference_day AS is_close_overdue,
  coalesce(d.crm_forecast_category,
    CASE WHEN d.probability >= k.commit_from_probability THEN 'commit'
         WHEN d.probability >= k.best_case_from_probability THEN 'best_case'
         ELSE 'pipeline' END) AS forecast_category,
  CASE WHEN d.crm_forecast_category IS NOT NULL THEN 'crm' ELSE 'stage_probability' END AS forecast_category_source,
  d.stage_entered_on,
  d.days_in_stage,
  d.last_activity_at,
  -- Without an activities extract nothing can be said of a deal's activity: NULL, not "quiet since creation".
  CASE WHEN extract_available('activities') THEN datediff('day', coalesce(CAST(d.last_activity_at AS DATE), d.created_at), d.reference_day) END AS days_without_activity,
  CASE WHEN extract_available('activities') THEN datediff('day', coalesce(CAST(d.last_activity_at AS DATE), d.created_at), d.reference_day) > k.quiet_after_days END AS is_quiet,
  d.reference_day
FROM dated d
CROSS JOIN settings.kpi k
