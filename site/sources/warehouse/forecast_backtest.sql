-- marts.forecast_backtest for the forecast and alerts pages.
select * from marts.forecast_backtest
