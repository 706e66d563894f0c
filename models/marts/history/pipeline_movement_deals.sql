/*
description: >
  What happened to each deal between the two snapshots compared (intermediate.int_history_snapshot_pair):
  every deal open in either, with its amount, stage and expected close before and after.
  movement (the whole pipeline): created (absent from the previous snapshot, created after it),
  reentered (absent from it but created before: reopened, or exported late), won / lost (closed
  since, as this build's data says), removed (no longer in the export), pushed / pulled_in (its
  expected close moved to a later / an earlier fiscal quarter; no expected close counts as later
  than any date), resized (same quarter, amount changed), unchanged.
  The waterfall of the quarter holding this build's day (quarter_start): quarter_bar and
  quarter_bar_amount, each deal's signed contribution: a deal in that quarter in both snapshots adds
  its change in amount (resized); one entering the quarter adds its current amount (created,
  reentered, pulled_in, or pushed when it came from an earlier quarter); one leaving subtracts its
  previous amount (won, lost, removed, pushed, or pulled_in to an earlier quarter). So the quarter's
  pipeline before + Σ quarter_bar_amount = its pipeline after, to the cent. pipeline_bar and
  pipeline_bar_amount do the same for the whole open pipeline (no push or pull there: a change of
  quarter moves nothing in or out of it).
grain: affaire (ouverte dans l'un des deux instantanés comparés)
unique: [opportunity_id]
not_null: [current_day, previous_day, movement, owner_seller_id, quarter_bar_amount, pipeline_bar_amount]
accepted_values:
  movement: [created, reentered, won, lost, removed, pushed, pulled_in, resized, unchanged]
  quarter_bar: [created, reentered, won, lost, removed, pushed, pulled_in, resized]
  pipeline_bar: [created, reentered, won, lost, removed, resized]
*/
WITH pair AS (
  SELECT * FROM intermediate.int_history_snapshot_pair WHERE previous_day IS NOT NULL
),
b AS (SELECT d.* FROM history.pipeline_deals d JOIN pair ON d.snapshot_day = pair.previous_day),
a AS (SELECT d.* FROM history.pipeline_deals d JOIN pair ON d.snapshot_day = pair.current_day),
joined AS (
  SELECT
    coalesce(a.opportunity_id, b.opportunity_id) AS opportunity_id,
    b.opportunity_id IS NOT NULL AS in_previous,
    a.opportunity_id IS NOT NULL AS in_current,
    coalesce(a.opportunity_name, b.opportunity_name) AS opportunity_name,
    coalesce(a.account_name, b.account_name) AS account_name,
    coalesce(a.owner_seller_id, b.owner_seller_id) AS owner_seller_id,
    coalesce(a.segment, b.segment) AS segment,
    b.stage AS stage_before, a.stage AS stage_after,
    b.amount AS amount_before, a.amount AS amount_after,
    b.weighted_amount AS weighted_before, a.weighted_amount AS weighted_after,
    b.expected_close_at AS expected_close_before, a.expected_close_at AS expected_close_after,
    a.forecast_category AS forecast_category_after,
    fiscal_quarter_start(b.expected_close_at) AS close_quarter_before_start,
    fiscal_quarter_start(a.expected_close_at) AS close_quarter_after_start
  FROM b FULL OUTER JOIN a ON a.opportunity_id = b.opportunity_id
),
classified AS (
  SELECT j.*, pair.current_day, pair.previous_day, pair.quarter_start, pair.quarter_label,
    o.created_at, o.closed_at,
    CASE WHEN j.in_current OR o.opportunity_id IS NULL THEN NULL WHEN o.is_won THEN 'won' WHEN o.is_lost THEN 'lost' END AS outcome,
    -- No expected close sorts after every date: getting one is a pull, losing one a push.
    coalesce(j.expected_close_after, DATE '9999-12-31') > coalesce(j.expected_close_before, DATE '9999-12-31') AS moved_later,
    j.in_previous AND j.close_quarter_before_start IS NOT DISTINCT FROM pair.quarter_start AS in_quarter_before,
    j.in_current AND j.close_quarter_after_start IS NOT DISTINCT FROM pair.quarter_start AS in_quarter_after
  FROM joined j
  CROSS JOIN pair
  LEFT JOIN staging.stg_opportunities o ON o.opportunity_id = j.opportunity_id
),
moved AS (
  SELECT *,
    CASE
      WHEN NOT in_previous THEN CASE WHEN created_at > previous_day THEN 'created' ELSE 'reentered' END
      WHEN NOT in_current THEN coalesce(outcome, 'removed')
      WHEN close_quarter_before_start IS DISTINCT FROM close_quarter_after_start THEN CASE WHEN moved_later THEN 'pushed' ELSE 'pulled_in' END
      WHEN amount_after <> amount_before THEN 'resized'
      ELSE 'unchanged'
    END AS movement
  FROM classified
)
SELECT
  current_day, previous_day, quarter_start, quarter_label,
  m.opportunity_id, opportunity_name, account_name, owner_seller_id, s.team, segment,
  stage_before, stage_after, amount_before, amount_after,
  CASE WHEN in_previous AND in_current THEN amount_after - amount_before END AS amount_change,
  weighted_before, weighted_after,
  expected_close_before, expected_close_after,
  period_label('quarter', close_quarter_before_start) AS close_quarter_before,
  period_label('quarter', close_quarter_after_start) AS close_quarter_after,
  forecast_category_after, created_at, closed_at,
  movement,
  in_quarter_before, in_quarter_after,
  CASE
    WHEN in_quarter_before AND in_quarter_after THEN CASE WHEN amount_after <> amount_before THEN 'resized' END
    WHEN in_quarter_after THEN CASE WHEN NOT in_previous THEN movement WHEN moved_later THEN 'pushed' ELSE 'pulled_in' END
    WHEN in_quarter_before THEN CASE WHEN NOT in_current THEN movement WHEN moved_later THEN 'pushed' ELSE 'pulled_in' END
  END AS quarter_bar,
  CASE
    WHEN in_quarter_before AND in_quarter_after THEN amount_after - amount_before
    WHEN in_quarter_after THEN amount_after
    WHEN in_quarter_before THEN -amount_before
    ELSE 0
  END AS quarter_bar_amount,
  CASE
    WHEN in_previous AND in_current THEN CASE WHEN amount_after <> amount_before THEN 'resized' END
    ELSE movement
  END AS pipeline_bar,
  coalesce(amount_after, 0) - coalesce(amount_before, 0) AS pipeline_bar_amount
FROM moved m
LEFT JOIN staging.stg_sellers s ON s.seller_id = m.owner_seller_id
