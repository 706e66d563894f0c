-- Open deals on the last day of the data, per seller × segment × product line × stage: count,
-- value, value weighted by the stage's historical win rate, age and stalled deals.
select p.seller_id, l.seller_label, p.team, coalesce(m.seller_label, '(sans manager)') as manager_label,
       p.segment, p.product_line, p.stage,
       case p.stage when 'qualified' then 1 when 'proposal' then 2 else 3 end as stage_order,
       case p.stage when 'qualified' then 'Qualifiée' when 'proposal' then 'Proposition' else 'Négociation' end as stage_label,
       p.open_deals, cast(p.pipeline_value as double) as pipeline_value, cast(p.weighted_value as double) as weighted_value,
       p.stage_win_rate, p.avg_age_days, p.stalled_deals, cast(p.stalled_value as double) as stalled_value, p.as_of
from marts.open_pipeline p
join marts.seller_labels l on l.seller_id = p.seller_id
left join marts.seller_labels m on m.seller_id = p.manager_id
order by p.seller_id, p.segment, p.product_line, stage_order
