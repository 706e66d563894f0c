/*
description: >
  For each forecast cutoff (intermediate.int_forecast_cutoffs), the deals open as of that date
  (created before it, not closed before it) in the stage they were in then (last open stage
  entered before the date), with what the history known then says about them. Only facts dated
  before as_of are used — a deal's later close, stage or outcome never reaches its past forecast.
  win_rate: won / decided among deals that had entered the same stage, in the same segment, and
  closed in the `forecast.historyMonths` before as_of (the stage's rate over all segments when fewer
  than `forecast.minDecided` were decided; NULL when the stage has no decided deal at all).
  p_close_in_period: among deals won from that stage in the window, those whose time from entering
  the stage to closing was at least this deal's age in it (they were still open at that age), the
  share that closed within the days left to the period's end; 0 when no won deal ever stayed open
  that long (the deal is older than every deal that was won). expected_amount = amount × win_rate ×
  p_close_in_period.
grain: as-of date × period type × opportunity
unique: [as_of, period_type, opportunity_id]
not_null: [stage, amount, segment, owner_seller_id, age_days, days_left]
*/
WITH c AS (
  SELECT c.*, k.forecast_history_months AS history_months, k.forecast_min_decided AS min_decided
  FROM intermediate.int_forecast_cutoffs c CROSS JOIN settings.kpi k
),
as_ofs AS (
  SELECT DISTINCT as_of, history_months, min_decided FROM c
),
-- Deals decided, counted per closing day × stage entered × segment × outcome × days to close
-- first: each as-of's history window then reads these counts, not the deals (the window join grows
-- with days × stages × segments, not with the deals times the as-of dates). Counts add up exactly.
decided_daily AS (
  SELECT e.closed_at, e.stage, e.segment, e.is_won, datediff('day', CAST(e.entered_at AS DATE), e.closed_at) AS days_to_close, count(*) AS n
  FROM intermediate.int_forecast_stage_entries e
  WHERE (e.is_won OR e.is_lost) AND CAST(e.entered_at AS DATE) <= e.closed_at
  GROUP BY ALL
),
-- Deals decided in the history window of each as-of, with every open stage they had entered.
decided AS (
  SELECT a.as_of, d.stage, d.segment, d.is_won, d.days_to_close, d.n
  FROM as_ofs a
  JOIN decided_daily d
    ON d.closed_at < a.as_of AND d.closed_at >= a.as_of - to_months(CAST(a.history_months AS INTEGER))
),
rate_segment AS (
  SELECT as_of, stage, segment, CAST(coalesce(sum(n) FILTER (WHERE is_won), 0) AS BIGINT) AS won, CAST(sum(n) AS BIGINT) AS decided FROM decided GROUP BY ALL
),
rate_stage AS (
  SELECT as_of, stage, CAST(coalesce(sum(n) FILTER (WHERE is_won), 0) AS BIGINT) AS won, CAST(sum(n) AS BIGINT) AS decided FROM decided GROUP BY ALL
),
-- Cumulative distribution of days from entering the stage to winning.
won_days AS (
  SELECT as_of, stage, days_to_close, CAST(sum(n) AS BIGINT) AS n FROM decided WHERE is_won GROUP BY ALL
),
cdf AS (
  SELECT as_of, stage, days_to_close,
         sum(n) OVER (PARTITION BY as_of, stage ORDER BY days_to_close) AS n_at_most,
         sum(n) OVER (PARTITION BY as_of, stage) AS n_all
  FROM won_days
),
-- Which deals are open, and in which stage, depends on the as-of date only, not on the period
-- forecast: read once per as-of date (not once per as-of date × period type), then given to both
-- periods.
open_at AS (
  SELECT a.as_of, e.opportunity_id,
         arg_max(e.stage, e.entered_at) AS stage, max(e.entered_at) AS stage_entered_at,
         any_value(e.amount) AS amount, any_value(e.segment) AS segment,
         any_value(e.owner_seller_id) AS owner_seller_id, any_value(e.team) AS team
  FROM as_ofs a
  JOIN intermediate.int_forecast_stage_entries e
    ON e.created_at < a.as_of AND (e.closed_at IS NULL OR e.closed_at >= a.as_of) AND e.entered_at < a.as_of
  GROUP BY ALL
),
open_deals AS (
  SELECT c.as_of, c.period_type, c.period_end, c.is_current, o.opportunity_id, o.stage, o.stage_entered_at,
         o.amount, o.segment, o.owner_seller_id, o.team, c.min_decided
  FROM c
  JOIN open_at o ON o.as_of = c.as_of
),
aged AS (
  SELECT d.*,
         datediff('day', CAST(d.stage_entered_at AS DATE), d.as_of) AS age_days,
         datediff('day', CAST(d.stage_entered_at AS DATE), d.period_end) AS days_by_period_end,
         datediff('day', d.as_of, d.period_end) + 1 AS days_left
  FROM open_deals d
),
-- Won deals that closed before this age (they cannot tell about a deal still open at it) and within the period.
with_cdf AS (
  SELECT a.*,
         coalesce(before_age.n_at_most, 0) AS won_before_age,
         coalesce(by_end.n_at_most, 0) AS won_by_period_end,
         coalesce(tot.n_all, 0) AS won_all
  FROM aged a
  LEFT JOIN (SELECT DISTINCT as_of, stage, n_all FROM cdf) tot ON tot.as_of = a.as_of AND tot.stage = a.stage
  ASOF LEFT JOIN cdf before_age ON before_age.as_of = a.as_of AND before_age.stage = a.stage AND before_age.days_to_close < a.age_days
  ASOF LEFT JOIN cdf by_end ON by_end.as_of = a.as_of AND by_end.stage = a.stage AND by_end.days_to_close <= a.days_by_period_end
)
SELECT w.as_of, w.period_type, w.is_current, w.opportunity_id, w.stage, w.stage_entered_at, w.amount,
       w.segment, w.owner_seller_id, w.team, w.age_days, w.days_left,
       coalesce(CASE WHEN rs.decided >= w.min_decided THEN rs.won / rs.decided END, st.won / st.decided) AS win_rate,
       CASE WHEN rs.decided >= w.min_decided THEN 'étape × segment' WHEN st.decided > 0 THEN 'étape' END AS win_rate_basis,
       CASE WHEN w.won_all - w.won_before_age > 0
            THEN greatest(w.won_by_period_end - w.won_before_age, 0) / (w.won_all - w.won_before_age)
            ELSE 0 END AS p_close_in_period,
       w.amount * coalesce(CASE WHEN rs.decided >= w.min_decided THEN rs.won / rs.decided END, st.won / st.decided, 0)
         * CASE WHEN w.won_all - w.won_before_age > 0 THEN greatest(w.won_by_period_end - w.won_before_age, 0) / (w.won_all - w.won_before_age) ELSE 0 END AS expected_amount
FROM with_cdf w
LEFT JOIN rate_segment rs ON rs.as_of = w.as_of AND rs.stage = w.stage AND rs.segment = w.segment
LEFT JOIN rate_stage st ON st.as_of = w.as_of AND st.stage = w.stage
