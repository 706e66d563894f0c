-- The variable pay simulation per complete year: sellers reaching target and the plan's cost.
select year, is_last_complete_year, sellers, sellers_simulated, sellers_reaching_target, share_reaching_target,
       total_payout, total_target_bonus, payout_ratio
from marts.variable_pay_summary
order by year
