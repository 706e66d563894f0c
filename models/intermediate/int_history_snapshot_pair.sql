/*
description: >
  The two snapshots of the pipeline the movement marts compare (pipelines/history): this build's
  own (history.build_snapshot: its reference day or --as-of day) and the one before it, read in
  history.snapshots: the latest taken at least 7 days earlier (week over week), else, when the
  history is younger than a week, the latest earlier one. previous_day is NULL when this build's
  snapshot is the first (a new company). No row when the build recorded no snapshot.
grain: une ligne (l'instantané de cette mise à jour)
unique: [current_day]
*/
SELECT
  c.snapshot_day AS current_day,
  coalesce(
    (SELECT max(s.snapshot_day) FROM history.snapshots s WHERE s.snapshot_day <= c.snapshot_day - 7),
    (SELECT max(s.snapshot_day) FROM history.snapshots s WHERE s.snapshot_day < c.snapshot_day)) AS previous_day,
  (SELECT count(*) FROM history.snapshots s WHERE s.snapshot_day <= c.snapshot_day) AS snapshots_to_date,
  fiscal_quarter_start(c.snapshot_day) AS quarter_start,
  period_label('quarter', fiscal_quarter_start(c.snapshot_day)) AS quarter_label
FROM history.build_snapshot c
