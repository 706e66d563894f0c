-- Customers and recurring revenue lost per month, quarter and year, by segment.
select period_type, period_start, period_end, is_complete_period, segment, customers_at_start, customers_lost,
       cast(mrr_at_start as double) as mrr_at_start, cast(churned_mrr as double) as churned_mrr,
       cast(contraction_mrr as double) as contraction_mrr, cast(lost_mrr as double) as lost_mrr,
       churn_rate, revenue_churn_rate
from marts.churn
order by period_type, period_start, segment
