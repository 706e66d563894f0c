-- Sales cycle per year of close × seller × segment: days from lead creation to won, days per stage.
select c.year, c.seller_id, l.seller_label, c.team, c.segment, c.won_deals, cast(c.total_cycle_days as bigint) as total_cycle_days,
       c.avg_cycle_days, c.median_cycle_days, c.avg_days_qualified, c.avg_days_proposal, c.avg_days_negotiation
from marts.sales_cycle c
join marts.seller_labels l using (seller_id)
order by c.year, c.seller_id, c.segment
