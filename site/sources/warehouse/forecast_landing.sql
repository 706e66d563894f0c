-- marts.forecast_landing for the forecast and alerts pages.
select * from marts.forecast_landing
