-- Open deals with no activity held for more than the quiet threshold (marts.deals_gone_quiet).
select d.opportunity_id, coalesce(d.opportunity_name, 'Affaire ' || d.opportunity_id) as deal_label, d.account_name,
       d.owner_seller_id as seller_id, l.seller_label, d.team, d.segment,
       case d.stage when 'qualified' then 'Qualifiée' when 'proposal' then 'Proposition' else 'Négociation' end as stage_label,
       cast(d.amount as double) as amount, d.expected_close_at, d.expected_close_quarter, d.last_activity_at,
       d.days_without_activity, d.quiet_after_days, d.reference_day
from marts.deals_gone_quiet d
join marts.seller_labels l on l.seller_id = d.owner_seller_id
order by d.days_without_activity desc, d.amount desc
