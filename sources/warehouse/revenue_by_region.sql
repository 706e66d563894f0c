-- Revenue and margin per calendar year × segment × region.
select date_trunc('year', month) as year, segment, region,
       cast(sum(revenue) as double) as revenue, cast(sum(margin) as double) as margin
from marts.revenue_by_customer_profile
group by all
order by year, segment, region
