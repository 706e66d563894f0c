-- Sellers and revenue per performance class, year and role.
select year, role, performance_class, class_order,
       case performance_class when 'over_performing' then 'Sur-performance' when 'average' then 'Dans la moyenne'
            when 'under_performing' then 'Sous-performance' end as performance_class_label,
       is_complete_year, sellers, sellers_in_role, seller_share,
       cast(revenue as double) as revenue, cast(role_revenue as double) as role_revenue, revenue_share
from marts.performance_classes
order by year, role, class_order
