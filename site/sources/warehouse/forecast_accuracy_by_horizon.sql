-- marts.forecast_accuracy_by_horizon for the forecast page: the published procedure's backtest error by horizon.
select * from marts.forecast_accuracy_by_horizon
