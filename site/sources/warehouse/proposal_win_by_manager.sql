-- Proposals decided and won per fiscal year of close, team and manager (the manager's label:
-- pseudonymised with the sellers when the site is).
select (select c.fiscal_year from marts.calendar c where c.period_type = 'month' and c.period_start = date_trunc('month', p.month)) as year, p.team, coalesce(l.seller_label, '(sans manager)') as manager_label,
       cast(count(distinct p.seller_id) as bigint) as sellers,
       cast(sum(p.proposals_decided) as bigint) as proposals_decided, cast(sum(p.proposals_won) as bigint) as proposals_won,
       cast(sum(p.won_amount) as double) as won_amount
from marts.proposal_win_rate p
left join marts.seller_labels l on l.seller_id = p.manager_id
group by all
order by year, p.team, manager_label
