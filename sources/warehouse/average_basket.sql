-- Average basket per calendar year × segment × size band (revenue and orders add up; the basket is
-- recomputed on the page as Σ revenue / Σ orders).
select date_trunc('year', month) as year, segment, size_band,
       cast(sum(revenue) as double) as revenue, cast(sum(orders) as bigint) as orders
from marts.average_basket
group by all
order by year, segment, size_band
