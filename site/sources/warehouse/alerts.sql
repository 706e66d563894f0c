-- marts.alerts for the forecast and alerts pages.
select * from marts.alerts
