-- Lifetime value per segment ('Tous les segments' included), also for the customers acquired within the history.
select case when segment in ('all', 'Tous les segments') then 'Tous les segments' else segment end as segment, customers, cast(lifetime_revenue as double) as lifetime_revenue, cast(lifetime_margin as double) as lifetime_margin,
       avg_lifetime_revenue, avg_lifetime_margin, new_customers,
       avg_new_customer_lifetime_revenue, avg_new_customer_lifetime_margin, avg_new_customer_observed_months,
       first_year_complete_customers, cast(first_year_margin as double) as first_year_margin, avg_first_year_margin
from marts.customer_lifetime_value
