-- Meetings due and no-shows per fiscal year and segment.
select (select c.fiscal_year from marts.calendar c where c.period_type = 'month' and c.period_start = date_trunc('month', month)) as year, segment, cast(sum(planned_meetings) as bigint) as planned_meetings,
       cast(sum(no_shows) as bigint) as no_shows, cast(sum(rebooked) as bigint) as rebooked
from marts.meeting_no_shows
group by all
order by year, segment
