-- New customers with a second purchase within 90 days, per cohort month and segment (sellers summed).
select cohort_month, segment, cast(sum(new_customers) as bigint) as new_customers,
       cast(sum(customers_with_second_sale) as bigint) as customers_with_second_sale,
       bool_and(window_complete) as window_complete
from marts.second_sale
group by all
order by cohort_month, segment
