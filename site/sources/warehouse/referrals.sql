-- New customers giving a valid referral within 6 months of their first purchase, per cohort month and segment.
select cohort_month, segment, new_customers, customers_referring, window_complete, referral_rate
from marts.referrals_within_6_months
order by cohort_month, segment
