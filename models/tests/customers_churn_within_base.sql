/*
description: >
  Churn never loses more customers or more MRR than the period started with, and the churned and
  contraction MRR add up to the MRR lost (returns the rows that break this).
model: marts.churn
*/
SELECT period_type, period_start, segment, customers_at_start, customers_lost, mrr_at_start, churned_mrr, contraction_mrr, lost_mrr
FROM marts.churn
WHERE customers_lost > customers_at_start
   OR lost_mrr > mrr_at_start + 0.005
   OR churned_mrr < 0 OR contraction_mrr < 0
   OR abs(lost_mrr - churned_mrr - contraction_mrr) > 0.005
