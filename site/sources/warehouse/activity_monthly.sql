-- Per month and team: hours (selling / non-selling), meetings due, no-shows and rebooked no-shows.
with time_spent as (
  select month, team, sum(hours) as hours, sum(selling_hours) as selling_hours, sum(non_selling_hours) as non_selling_hours,
         max(non_selling_share_target) as non_selling_share_target
  from marts.selling_time group by all
), shows as (
  select month, team, sum(planned_meetings) as planned_meetings, sum(no_shows) as no_shows, sum(rebooked) as rebooked
  from marts.meeting_no_shows group by all
)
select coalesce(t.month, s.month) as month, coalesce(t.team, s.team) as team,
       coalesce(t.hours, 0) as hours, coalesce(t.selling_hours, 0) as selling_hours, coalesce(t.non_selling_hours, 0) as non_selling_hours,
       cast(t.non_selling_share_target as double) as non_selling_share_target,
       cast(coalesce(s.planned_meetings, 0) as bigint) as planned_meetings, cast(coalesce(s.no_shows, 0) as bigint) as no_shows,
       cast(coalesce(s.rebooked, 0) as bigint) as rebooked
from time_spent t
full join shows s on s.month = t.month and s.team = t.team
order by month, team
