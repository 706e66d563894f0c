-- Return of each campaign / event: cost against the won revenue and margin of its leads.
select campaign_id, campaign_name, channel, is_event, coalesce(target_segment, '—') as target_segment,
       start_date, end_date, cast(cost as double) as cost, attributed_leads, attributed_opportunities,
       won_deals, won_amount, won_revenue, won_margin, lead_to_win_rate, cost_per_lead,
       net_return, roi, revenue_per_euro
from marts.campaign_roi
order by campaign_id
