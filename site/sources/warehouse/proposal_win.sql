-- Proposals decided, won and lost per fiscal quarter of close × segment × product line × team, with the
-- benchmark line (funnel.proposalWinRateBenchmark) and the B2B market average.
select q.period_start as quarter, q.label as quarter_label, q.fiscal_year, segment, product_line, team,
       cast(sum(proposals_decided) as bigint) as proposals_decided, cast(sum(proposals_won) as bigint) as proposals_won,
       cast(sum(proposals_lost) as bigint) as proposals_lost, cast(sum(won_amount) as double) as won_amount,
       cast(max(benchmark_win_rate) as double) as benchmark_win_rate, cast(max(b2b_average_win_rate) as double) as b2b_average_win_rate
from marts.proposal_win_rate x
left join marts.calendar q on q.period_type = 'quarter' and x.month between q.period_start and q.period_end
group by all
order by quarter, segment, product_line, team
