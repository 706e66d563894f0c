-- Each segment's share of the fiscal year's revenue against the strategic target (year = first day
-- of the fiscal year, year_label 'FY2026').
select year, year_label, segment, is_complete_year, cast(revenue as double) as revenue, cast(year_revenue as double) as year_revenue,
       revenue_share, target_share, share_gap, target_revenue, revenue_gap
from marts.segment_mix_vs_plan
order by year, segment
