-- Each seller's proposal win rate against the rest of the team on the same product line and year
-- (two-proportion z-test; outlier when |z| ≥ funnel.outlierZ with enough decided proposals).
select o.year, o.product_line, o.seller_id, l.seller_label, o.decided, o.won,
       cast(o.rest_decided as bigint) as rest_decided, cast(o.rest_won as bigint) as rest_won,
       o.seller_win_rate, o.rest_win_rate, o.z_score, o.is_outlier
from marts.seller_conversion_outliers o
join marts.seller_labels l using (seller_id)
order by o.year, o.product_line, o.seller_id
