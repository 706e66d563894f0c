-- Opportunities created per quarter × origin (marketing, sales, referral) × segment, count and value.
select date_trunc('quarter', month) as quarter, origin, segment,
       cast(sum(opportunities) as bigint) as opportunities, cast(sum(pipeline_value) as double) as pipeline_value
from marts.opportunities_created
group by all
order by quarter, origin, segment
