-- Leads per fiscal year of creation and owning seller.
select (select c.fiscal_year from marts.calendar c where c.period_type = 'month' and c.period_start = date_trunc('month', c.month)) as year, c.owner_seller_id as seller_id, coalesce(l.seller_label, 'Non attribué') as seller_label,
       cast(sum(c.leads) as bigint) as leads, cast(sum(c.engaged_leads) as bigint) as engaged_leads,
       cast(sum(c.never_engaged_leads) as bigint) as never_engaged_leads, cast(sum(c.qualified_leads) as bigint) as qualified_leads,
       cast(sum(c.opportunity_leads) as bigint) as opportunity_leads, cast(sum(c.customer_leads) as bigint) as customer_leads
from marts.lead_conversion c
left join marts.seller_labels l on l.seller_id = c.owner_seller_id
group by all
order by year, seller_id
