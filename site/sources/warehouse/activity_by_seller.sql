-- Per fiscal year (number of the calendar year it ends in, as marts.calendar.fiscal_year) and seller: held activities and those that advanced a deal, conversations,
-- prospect calls and e-mails, hours (selling / non-selling), meetings due and no-shows.
with outcomes as (
  select (select c.fiscal_year from marts.calendar c where c.period_type = 'month' and c.period_start = date_trunc('month', month)) as year, seller_id, sum(held_activities) as held_activities, sum(advancing_activities) as advancing_activities
  from marts.activity_outcomes group by all
), prospecting as (
  select (select c.fiscal_year from marts.calendar c where c.period_type = 'month' and c.period_start = date_trunc('month', month)) as year, seller_id, sum(conversations) as conversations, sum(prospect_calls) as prospect_calls,
         sum(prospecting_emails) as prospecting_emails
  from marts.prospecting_activity group by all
), time_spent as (
  select (select c.fiscal_year from marts.calendar c where c.period_type = 'month' and c.period_start = date_trunc('month', month)) as year, seller_id, sum(hours) as hours, sum(selling_hours) as selling_hours, sum(non_selling_hours) as non_selling_hours,
         max(non_selling_share_target) as non_selling_share_target
  from marts.selling_time group by all
), shows as (
  select (select c.fiscal_year from marts.calendar c where c.period_type = 'month' and c.period_start = date_trunc('month', month)) as year, seller_id, sum(planned_meetings) as planned_meetings, sum(no_shows) as no_shows, sum(rebooked) as rebooked
  from marts.meeting_no_shows group by all
), keys as (
  select year, seller_id from outcomes union select year, seller_id from prospecting
  union select year, seller_id from time_spent union select year, seller_id from shows
)
select k.year, k.seller_id, l.seller_label,
       cast(coalesce(o.held_activities, 0) as bigint) as held_activities, cast(coalesce(o.advancing_activities, 0) as bigint) as advancing_activities,
       cast(coalesce(p.conversations, 0) as bigint) as conversations, cast(coalesce(p.prospect_calls, 0) as bigint) as prospect_calls,
       cast(coalesce(p.prospecting_emails, 0) as bigint) as prospecting_emails,
       coalesce(t.hours, 0) as hours, coalesce(t.selling_hours, 0) as selling_hours, coalesce(t.non_selling_hours, 0) as non_selling_hours,
       cast(t.non_selling_share_target as double) as non_selling_share_target,
       cast(coalesce(s.planned_meetings, 0) as bigint) as planned_meetings, cast(coalesce(s.no_shows, 0) as bigint) as no_shows,
       cast(coalesce(s.rebooked, 0) as bigint) as rebooked
from keys k
join marts.seller_labels l using (seller_id)
left join outcomes o using (year, seller_id)
left join prospecting p using (year, seller_id)
left join time_spent t using (year, seller_id)
left join shows s using (year, seller_id)
order by k.year, k.seller_id
