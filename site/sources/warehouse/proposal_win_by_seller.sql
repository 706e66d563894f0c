-- Proposals decided and won per fiscal year of close and seller.
select (select c.fiscal_year from marts.calendar c where c.period_type = 'month' and c.period_start = date_trunc('month', p.month)) as year, p.seller_id, l.seller_label, p.team,
       cast(sum(p.proposals_decided) as bigint) as proposals_decided, cast(sum(p.proposals_won) as bigint) as proposals_won,
       cast(sum(p.proposals_lost) as bigint) as proposals_lost,
       cast(max(p.benchmark_win_rate) as double) as benchmark_win_rate
from marts.proposal_win_rate p
join marts.seller_labels l using (seller_id)
group by all
order by year, p.seller_id
