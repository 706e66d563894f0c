-- Share of revenue carried by the top 5 % and top 10 % of sellers, per quarter and year.
select period_type, period_start, case when team in ('all', 'Toutes les équipes') then 'Toutes les équipes' else team end as team, top_fraction, top_sellers, sellers_with_revenue,
       cast(top_revenue as double) as top_revenue, cast(total_revenue as double) as total_revenue, top_share
from marts.top_seller_share
where period_type in ('quarter', 'year')
order by period_type, period_start, team, top_fraction
