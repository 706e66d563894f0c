-- Revenue and margin per calendar year × segment × industry × size band (regions summed).
select date_trunc('year', month) as year, segment, industry, size_band,
       cast(sum(revenue) as double) as revenue, cast(sum(margin) as double) as margin
from marts.revenue_by_customer_profile
group by all
order by year, segment, industry, size_band
