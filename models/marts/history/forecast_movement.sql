/*
description: >
  How the forecast moved between the two snapshots compared (intermediate.int_history_snapshot_pair):
  for each period this build's snapshot forecasts (fiscal quarter and year) and each scope (the
  company, each team, each segment), the forecast shown then and now and the change. forecast_before
  is NULL when the previous snapshot did not forecast that period (a new quarter began in between).
  team is the team of a team's row (NULL otherwise).
grain: type de période × périmètre (entreprise, équipe, segment)
unique: [period_type, scope_type, scope]
not_null: [current_day, previous_day, forecast_after]
*/
WITH pair AS (
  SELECT * FROM intermediate.int_history_snapshot_pair WHERE previous_day IS NOT NULL
)
SELECT
  pair.current_day, pair.previous_day,
  a.period_type, a.period_start, a.period_end, a.period_label, a.scope_type, a.scope,
  CASE WHEN a.scope_type = 'Équipe' THEN a.scope END AS team,
  b.forecast AS forecast_before, a.forecast AS forecast_after, a.forecast - b.forecast AS forecast_change,
  b.method AS method_before, a.method AS method_after
FROM pair
JOIN history.forecast a ON a.snapshot_day = pair.current_day
LEFT JOIN history.forecast b ON b.snapshot_day = pair.previous_day AND b.period_type = a.period_type
  AND b.period_start = a.period_start AND b.scope_type = a.scope_type AND b.scope = a.scope
