-- Held activities and those followed by measurable progress of the deal, per quarter × type ×
-- counterpart × team.
select date_trunc('quarter', month) as quarter, type, counterpart, team,
       cast(sum(held_activities) as bigint) as held_activities, cast(sum(advancing_activities) as bigint) as advancing_activities
from marts.activity_outcomes
group by all
order by quarter, type, counterpart, team
