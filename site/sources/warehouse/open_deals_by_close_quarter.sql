-- Open pipeline by fiscal quarter of expected close × stage, per seller and segment
-- (marts.open_deals_by_close_quarter).
select q.expected_close_quarter_start, q.expected_close_quarter, q.stage,
       case q.stage when 'qualified' then 1 when 'proposal' then 2 else 3 end as stage_order,
       case q.stage when 'qualified' then 'Qualifiée' when 'proposal' then 'Proposition' else 'Négociation' end as stage_label,
       q.owner_seller_id as seller_id, l.seller_label, q.team, q.segment, q.open_deals, cast(q.amount as double) as amount,
       q.weighted_amount, q.derived_close_deals, q.overdue_deals, q.reference_day
from marts.open_deals_by_close_quarter q
join marts.seller_labels l on l.seller_id = q.owner_seller_id
order by q.expected_close_quarter_start nulls last, stage_order
