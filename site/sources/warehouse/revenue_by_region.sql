-- Revenue and margin per fiscal year × segment × region.
select y.period_start as year, y.label as year_label, segment, region,
       cast(sum(revenue) as double) as revenue, cast(sum(margin) as double) as margin
from marts.revenue_by_customer_profile x
left join marts.calendar y on y.period_type = 'year' and x.month between y.period_start and y.period_end
group by all
order by year, segment, region
