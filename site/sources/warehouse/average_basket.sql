-- Average basket per fiscal year × segment × size band (revenue and orders add up; the basket is
-- recomputed on the page as Σ revenue / Σ orders).
select y.period_start as year, y.label as year_label, segment, size_band,
       cast(sum(revenue) as double) as revenue, cast(sum(orders) as bigint) as orders
from marts.average_basket x
left join marts.calendar y on y.period_type = 'year' and x.month between y.period_start and y.period_end
group by all
order by year, segment, size_band
