-- Revenue, margin and customers exposed if the top 1, 2 or 3 sellers left, per quarter and year.
select period_type, period_start, case when team in ('all', 'Toutes les équipes') then 'Toutes les équipes' else team end as team, top_n, sellers_leaving, sellers_with_revenue,
       cast(revenue_at_risk as double) as revenue_at_risk, cast(total_revenue as double) as total_revenue, revenue_at_risk_share,
       cast(margin_at_risk as double) as margin_at_risk, cast(total_margin as double) as total_margin, margin_at_risk_share,
       customers_billed_by_top, customers_billed, customers_billed_share,
       cast(customers_owned_by_top as bigint) as customers_owned_by_top, cast(customers_owned as bigint) as customers_owned,
       customers_owned_share
from marts.revenue_at_risk
where period_type in ('quarter', 'year')
order by period_type, period_start, team, top_n
