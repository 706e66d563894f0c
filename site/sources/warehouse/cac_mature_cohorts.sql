-- CAC and CAC / first-year margin per segment over the mature cohorts (every customer's first year
-- over at the reference day): the one value the front page, the alerts, /acquisition and the
-- segment pages show.
select segment, cast(mature_cohorts as bigint) as mature_cohorts, first_cohort, last_cohort, mature_cohorts_label, mature_cohorts_phrase,
       acquisition_cost, cast(new_customers as bigint) as new_customers,
       cast(first_year_revenue as double) as first_year_revenue, cast(first_year_margin as double) as first_year_margin,
       cast(young_customers as bigint) as young_customers, young_cohorts, unallocated_cost, reference_day,
       cast(margin_alert_ratio as double) as margin_alert_ratio, cast(watch_ratio as double) as watch_ratio,
       cac, avg_first_year_margin, cac_to_margin_ratio, payback_months, blended_cac, cac_eats_margin, signal,
       cast(signal_level as integer) as signal_level,
       case segment when 'Or' then 1 when 'Argent' then 2 when 'Bronze' then 3 else 4 end as segment_order
from marts.cac_mature_cohorts
order by segment_order
