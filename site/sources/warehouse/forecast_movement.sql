-- The forecast at the two snapshots compared, per period and scope, and its change.
select current_day, previous_day, period_type, period_start, period_label, scope_type, scope, team,
       cast(forecast_before as double) as forecast_before, cast(forecast_after as double) as forecast_after,
       cast(forecast_change as double) as forecast_change, method_before, method_after
from marts.forecast_movement
order by period_type desc, scope_type, scope
