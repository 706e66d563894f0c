-- Opportunities created per fiscal quarter × origin (marketing, sales, referral) × segment, count and value.
select q.period_start as quarter, q.label as quarter_label, q.fiscal_year, origin, segment,
       cast(sum(opportunities) as bigint) as opportunities, cast(sum(pipeline_value) as double) as pipeline_value
from marts.opportunities_created x
left join marts.calendar q on q.period_type = 'quarter' and x.month between q.period_start and q.period_end
group by all
order by quarter, origin, segment
