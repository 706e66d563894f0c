/*
description: >
  The forecast's line week by week (history.forecast): for each ISO week up to this build's
  snapshot, the forecast shown by the week's last snapshot, per period (the fiscal quarter and year
  that snapshot forecast), for the company, each team and each segment. is_current_period marks the
  periods this build's own snapshot forecasts: the line to follow. team is the team of a team's row
  (NULL otherwise: an audience sees the company's and its own team's lines).
grain: semaine × type de période × début de période × périmètre (entreprise, équipe, segment)
unique: [week_start, period_type, period_start, scope_type, scope]
not_null: [snapshot_day, forecast, method]
accepted_values: { scope_type: [Entreprise, Équipe, Segment], period_type: [quarter, year] }
*/
WITH cur AS (SELECT snapshot_day FROM history.build_snapshot),
weekly AS (
  SELECT f.*, CAST(date_trunc('week', f.snapshot_day) AS DATE) AS week_start,
    max(f.snapshot_day) OVER (PARTITION BY date_trunc('week', f.snapshot_day)) AS last_of_week
  FROM history.forecast f, cur
  WHERE f.snapshot_day <= cur.snapshot_day
)
SELECT
  w.week_start, period_label('week', w.week_start) AS week_label, w.snapshot_day,
  w.period_type, w.period_start, w.period_end, w.period_label,
  w.scope_type, w.scope, CASE WHEN w.scope_type = 'Équipe' THEN w.scope END AS team,
  w.method, w.forecast, w.p10, w.p90,
  EXISTS (SELECT 1 FROM history.forecast c, cur WHERE c.snapshot_day = cur.snapshot_day
          AND c.period_type = w.period_type AND c.period_start = w.period_start) AS is_current_period
FROM weekly w
WHERE w.snapshot_day = w.last_of_week
