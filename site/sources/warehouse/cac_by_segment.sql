-- CAC per quarter and year and per segment ('Tous les segments' = the company, with the blended CAC that
-- includes spend and time no segment carries).
select period_type, period_start, period_end, case when segment in ('all', 'Tous les segments') then 'Tous les segments' else segment end as segment, unallocated_spend_rule,
       cast(tagged_spend as double) as tagged_spend, allocated_spend, marketing_spend,
       cast(seller_time_cost as double) as seller_time_cost, acquisition_cost,
       cast(new_customers as bigint) as new_customers, cac,
       cast(unallocated_spend as double) as unallocated_spend, cast(unallocated_time_cost as double) as unallocated_time_cost,
       total_acquisition_cost, blended_cac
from marts.cac_by_segment
order by period_type, period_start, segment
