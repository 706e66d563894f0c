-- Concentration of revenue across sellers (HHI, Gini, best seller's share, risk zone) per period.
select c.period_type, c.period_start, case when c.team in ('all', 'Toutes les équipes') then 'Toutes les équipes' else c.team end as team, c.sellers_with_revenue, cast(c.total_revenue as double) as total_revenue,
       c.top_seller_id, l.seller_label as top_seller_label, cast(c.top_seller_revenue as double) as top_seller_revenue,
       c.top_seller_share, c.hhi, c.hhi_10000, c.gini, cast(c.risk_top_fraction as double) as risk_top_fraction,
       c.risk_top_sellers, cast(c.risk_top_revenue as double) as risk_top_revenue, c.risk_top_share,
       cast(c.risk_zone_threshold as double) as risk_zone_threshold, c.risk_zone
from marts.seller_concentration c
left join marts.seller_labels l on l.seller_id = c.top_seller_id
where c.period_type in ('quarter', 'year')
order by c.period_type, c.period_start, c.team
