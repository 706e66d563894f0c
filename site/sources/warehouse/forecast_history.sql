-- The forecast shown week by week (the last snapshot of each week), per period and scope.
select week_start, week_label, snapshot_day, period_type, period_start, period_end, period_label,
       scope_type, scope, team, method, cast(forecast as double) as forecast, cast(p10 as double) as p10,
       cast(p90 as double) as p90, is_current_period
from marts.forecast_history
order by week_start, period_type, scope_type, scope
