-- Leads per fiscal quarter of creation × segment × source × warmth (sellers summed): engagement,
-- qualification, opportunities and customers. Adds up over every column.
select q.period_start as quarter, q.label as quarter_label, q.fiscal_year, segment, source, warmth,
       cast(sum(leads) as bigint) as leads, cast(sum(engaged_leads) as bigint) as engaged_leads,
       cast(sum(never_engaged_leads) as bigint) as never_engaged_leads, cast(sum(never_touched_leads) as bigint) as never_touched_leads,
       cast(sum(qualified_leads) as bigint) as qualified_leads, cast(sum(opportunity_leads) as bigint) as opportunity_leads,
       cast(sum(customer_leads) as bigint) as customer_leads
from marts.lead_conversion x
left join marts.calendar q on q.period_type = 'quarter' and x.month between q.period_start and q.period_end
group by all
order by quarter, segment, source, warmth
