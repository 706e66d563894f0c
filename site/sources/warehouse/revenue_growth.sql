-- Revenue per month, quarter and year, overall (segment 'Tous les segments') and per segment, against the
-- previous period and the same period a year earlier (like for like for the period in progress).
select period_type, period_start, period_end, observed_end, is_complete_period, case when segment in ('all', 'Tous les segments') then 'Tous les segments' else segment end as segment,
       cast(revenue as double) as revenue, cast(margin as double) as margin, margin_rate,
       cast(previous_period_revenue as double) as previous_period_revenue,
       cast(same_period_last_year_revenue as double) as same_period_last_year_revenue,
       cast(revenue_change_pop as double) as revenue_change_pop, growth_pop,
       cast(revenue_change_yoy as double) as revenue_change_yoy, growth_yoy
from marts.revenue_growth
order by period_type, period_start, segment
