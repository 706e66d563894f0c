-- Per cohort year and segment: CAC against the first-year gross margin of the customers acquired.
select year, case when segment in ('all', 'Tous les segments') then 'Tous les segments' else segment end as segment, acquisition_cost, cast(new_customers as bigint) as new_customers, cac,
       cast(first_year_revenue as double) as first_year_revenue, cast(first_year_margin as double) as first_year_margin,
       avg_first_year_margin, cac_to_margin_ratio, payback_months,
       cast(margin_alert_ratio as double) as margin_alert_ratio, cast(watch_ratio as double) as watch_ratio, cac_eats_margin,
       cast(first_year_complete_customers as bigint) as first_year_complete_customers, is_first_year_complete, cohort_maturity
from marts.cac_vs_value
order by year, segment
