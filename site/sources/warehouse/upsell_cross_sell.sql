-- Customers who bought more (higher tier, new product line) per month, quarter and year, by segment.
select period_type, period_start, period_end, is_complete_period, segment, customers_at_start,
       upsell_customers, cross_sell_customers, expanding_customers, upsell_rate, cross_sell_rate, expansion_rate
from marts.upsell_cross_sell
order by period_type, period_start, segment
