-- Coverage of next fiscal quarter's objective by the open deals expected then, per seller
-- (marts.next_quarter_coverage).
select c.owner_seller_id as seller_id, l.seller_label, c.team, c.quarter_start, c.quarter, c.objective, c.open_deals,
       cast(c.commit_amount as double) as commit_amount, cast(c.best_case_amount as double) as best_case_amount,
       cast(c.pipeline_amount as double) as pipeline_amount, cast(c.omitted_amount as double) as omitted_amount,
       cast(c.forecast_amount as double) as forecast_amount, c.coverage, c.commit_coverage, c.reference_day
from marts.next_quarter_coverage c
join marts.seller_labels l on l.seller_id = c.owner_seller_id
order by c.owner_seller_id
