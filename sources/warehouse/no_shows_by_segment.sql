-- Meetings due and no-shows per calendar year and segment.
select year(month) as year, segment, cast(sum(planned_meetings) as bigint) as planned_meetings,
       cast(sum(no_shows) as bigint) as no_shows, cast(sum(rebooked) as bigint) as rebooked
from marts.meeting_no_shows
group by all
order by year, segment
