-- Second sale within 90 days per fiscal cohort year and acquiring seller.
select y.period_start as year, y.label as year_label, s.seller_id, l.seller_label,
       cast(sum(s.new_customers) as bigint) as new_customers,
       cast(sum(s.customers_with_second_sale) as bigint) as customers_with_second_sale,
       bool_and(s.window_complete) as window_complete
from marts.second_sale s
left join marts.calendar y on y.period_type = 'year' and s.cohort_month between y.period_start and y.period_end
join marts.seller_labels l using (seller_id)
group by all
order by year, s.seller_id
