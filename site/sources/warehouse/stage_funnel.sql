-- Opportunities per fiscal quarter of creation × segment × product line × team, and the stages reached.
select q.period_start as quarter, q.label as quarter_label, q.fiscal_year, segment, product_line, team,
       cast(sum(opportunities) as bigint) as opportunities, cast(sum(reached_proposal) as bigint) as reached_proposal,
       cast(sum(reached_negotiation) as bigint) as reached_negotiation, cast(sum(won) as bigint) as won,
       cast(sum(lost) as bigint) as lost, cast(sum(open) as bigint) as open
from marts.stage_conversion x
left join marts.calendar q on q.period_type = 'quarter' and x.month between q.period_start and q.period_end
group by all
order by quarter, segment, product_line, team
