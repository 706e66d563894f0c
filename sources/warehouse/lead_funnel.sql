-- Leads per quarter of creation × segment × source × warmth (sellers summed): engagement,
-- qualification, opportunities and customers. Adds up over every column.
select date_trunc('quarter', month) as quarter, segment, source, warmth,
       cast(sum(leads) as bigint) as leads, cast(sum(engaged_leads) as bigint) as engaged_leads,
       cast(sum(never_engaged_leads) as bigint) as never_engaged_leads, cast(sum(never_touched_leads) as bigint) as never_touched_leads,
       cast(sum(qualified_leads) as bigint) as qualified_leads, cast(sum(opportunity_leads) as bigint) as opportunity_leads,
       cast(sum(customer_leads) as bigint) as customer_leads
from marts.lead_conversion
group by all
order by quarter, segment, source, warmth
