-- The days of the pipeline snapshots the history holds (this build's and earlier ones), and the two
-- the week-over-week page compares; company totals stay out (an audience sees only its deals).
select snapshot_day, is_current, is_previous
from marts.pipeline_snapshots
order by snapshot_day
