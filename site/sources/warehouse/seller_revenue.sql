-- Revenue and margin credited to each seller per month, quarter and year, with rank and shares.
-- Sellers are named by their label (pseudonymised builds show pseudonyms).
select r.period_type, r.period_start, r.seller_id, l.seller_label, r.team,
       cast(r.revenue as double) as revenue, cast(r.margin as double) as margin, r.margin_rate,
       r.customers_billed, r.is_ranked, r.revenue_rank, r.sellers_ranked,
       cast(r.ranked_revenue as double) as ranked_revenue, r.revenue_share,
       cast(r.cumulative_revenue as double) as cumulative_revenue, r.cumulative_revenue_share,
       r.team_revenue_rank, cast(r.team_ranked_revenue as double) as team_ranked_revenue, r.team_revenue_share
from marts.seller_revenue r
join marts.seller_labels l using (seller_id)
order by r.period_type, r.period_start, r.revenue_rank
