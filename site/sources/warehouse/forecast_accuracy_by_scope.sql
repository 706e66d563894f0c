-- marts.forecast_accuracy_by_scope for the forecast page (backtest per team and segment).
select * from marts.forecast_accuracy_by_scope
