-- marts.forecast_accuracy for the forecast and alerts pages.
select * from marts.forecast_accuracy
