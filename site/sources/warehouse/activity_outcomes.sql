-- Held activities and those followed by measurable progress of the deal, per fiscal quarter × type ×
-- counterpart × team.
select q.period_start as quarter, q.label as quarter_label, q.fiscal_year, type, counterpart, team,
       cast(sum(held_activities) as bigint) as held_activities, cast(sum(advancing_activities) as bigint) as advancing_activities
from marts.activity_outcomes x
left join marts.calendar q on q.period_type = 'quarter' and x.month between q.period_start and q.period_end
group by all
order by quarter, type, counterpart, team
