-- What each seller would have earned under the variable pay plan, per complete year.
select v.year, v.is_last_complete_year, v.seller_id, l.seller_label, v.team, v.role, v.employed_days, v.target_bonus,
       cast(v.revenue as double) as revenue, v.revenue_objective, v.revenue_attainment, v.revenue_weight, v.revenue_paid,
       v.meetings_held, v.meetings_per_week, v.meetings_per_week_target, v.meetings_attainment, v.meetings_weight, v.meetings_paid,
       v.new_customers, v.new_customers_target, v.new_customers_attainment, v.new_customers_weight, v.new_customers_paid,
       v.won_deals, v.decided_proposals, v.win_rate, v.win_rate_target, v.win_rate_attainment, v.win_rate_weight, v.win_rate_paid,
       v.criteria_in_plan, v.criteria_at_target, v.weighted_attainment, v.payout, v.reaches_target
from marts.variable_pay_simulation v
join marts.seller_labels l using (seller_id)
order by v.year, v.payout desc nulls last
