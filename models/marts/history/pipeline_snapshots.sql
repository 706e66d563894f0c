/*
description: >
  The snapshots of the pipeline the history holds up to this build's own (history.snapshots): day,
  open deals, their amount and weighted amount. is_current marks this build's snapshot and
  is_previous the one the movement marts compare it with (intermediate.int_history_snapshot_pair):
  a new company has one snapshot, and the pages say there is nothing to compare yet.
grain: instantané (jour)
unique: [snapshot_day]
not_null: [open_deals, pipeline_amount, is_current, is_previous]
*/
SELECT
  s.snapshot_day, s.open_deals, s.pipeline_amount, s.weighted_amount,
  s.snapshot_day = p.current_day AS is_current,
  s.snapshot_day IS NOT DISTINCT FROM p.previous_day AS is_previous
FROM history.snapshots s
JOIN intermediate.int_history_snapshot_pair p ON s.snapshot_day <= p.current_day
