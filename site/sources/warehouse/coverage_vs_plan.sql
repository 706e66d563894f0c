-- Planned touches per account (coveragePlan) against touches held, and under-covered accounts, per year and segment.
select year, segment, accounts, planned_touches_per_account, planned_touches, cast(actual_touches as bigint) as actual_touches,
       coverage_rate, under_covered_accounts, under_covered_rate
from marts.coverage_vs_plan
order by year, segment
