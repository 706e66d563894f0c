-- Each seller's revenue against objective per quarter and year.
select q.period_type, q.period_start, q.period_end, q.is_complete_period, q.seller_id, l.seller_label, q.team, q.role,
       q.revenue_objective, q.has_objective, cast(q.revenue as double) as revenue, q.attainment, q.reached_objective
from marts.quota_attainment q
join marts.seller_labels l using (seller_id)
where q.period_type in ('quarter', 'year')
order by q.period_type, q.period_start, q.seller_id
