-- Share of sellers reaching their objective, per team and for the company, against the healthy band.
select period_type, period_start, case when team in ('all', 'Toutes les équipes') then 'Toutes les équipes' else team end as team, is_complete_period, sellers_with_objective, sellers_reaching,
       revenue_objective, cast(revenue as double) as revenue, share_reaching, team_attainment,
       cast(healthy_low as double) as healthy_low, cast(healthy_high as double) as healthy_high, health
from marts.team_quota_attainment
where period_type in ('quarter', 'year')
order by period_type, period_start, team
