-- The company's calendar: months, fiscal quarters and fiscal years with their labels ('FY2026',
-- 'T1 FY2026'), partial flags and the last complete fiscal year, which pages open on.
select period_type, period_start, period_end, label, fiscal_year, fiscal_quarter, is_complete, is_current, is_last_complete_year
from marts.calendar
order by period_type, period_start
