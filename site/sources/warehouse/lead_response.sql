-- Time from lead creation to first seller touch, per month of creation × warmth × source.
select month, warmth, source, leads, touched_leads, total_response_hours, avg_response_hours, median_response_hours,
       touched_within_1h, touched_within_24h, within_24h_rate
from marts.lead_response_time
order by month, warmth, source
