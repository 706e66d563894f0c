-- Second sale within 90 days per cohort year and acquiring seller.
select date_trunc('year', s.cohort_month) as year, s.seller_id, l.seller_label,
       cast(sum(s.new_customers) as bigint) as new_customers,
       cast(sum(s.customers_with_second_sale) as bigint) as customers_with_second_sale,
       bool_and(s.window_complete) as window_complete
from marts.second_sale s
join marts.seller_labels l using (seller_id)
group by all
order by year, s.seller_id
