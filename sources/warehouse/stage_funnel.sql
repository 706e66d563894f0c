-- Opportunities per quarter of creation × segment × product line × team, and the stages reached.
select date_trunc('quarter', month) as quarter, segment, product_line, team,
       cast(sum(opportunities) as bigint) as opportunities, cast(sum(reached_proposal) as bigint) as reached_proposal,
       cast(sum(reached_negotiation) as bigint) as reached_negotiation, cast(sum(won) as bigint) as won,
       cast(sum(lost) as bigint) as lost, cast(sum(open) as bigint) as open
from marts.stage_conversion
group by all
order by quarter, segment, product_line, team
