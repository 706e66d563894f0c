-- Open pipeline by forecast category × quarter of expected close, per seller
-- (marts.pipeline_by_forecast_category).
select p.forecast_category,
       case p.forecast_category when 'commit' then 'Engagé' when 'best_case' then 'Probable' when 'pipeline' then 'Pipeline' else 'Exclu' end as forecast_category_label,
       case p.forecast_category when 'commit' then 1 when 'best_case' then 2 when 'pipeline' then 3 else 4 end as forecast_category_order,
       p.expected_close_quarter_start, p.expected_close_quarter, p.owner_seller_id as seller_id, l.seller_label, p.team,
       p.open_deals, cast(p.amount as double) as amount, p.weighted_amount, p.crm_category_deals, p.reference_day
from marts.pipeline_by_forecast_category p
join marts.seller_labels l on l.seller_id = p.owner_seller_id
order by p.expected_close_quarter_start nulls last, forecast_category_order
