-- Each seller's year against the sellers of the same role, on revenue, leads, qualification,
-- proposals and wins; performance class from the composite percentile.
select p.year, p.seller_id, l.seller_label, p.team, p.role, p.is_complete_year, p.is_rated, p.employed_days, p.employed_share,
       p.sellers_in_role, cast(p.revenue as double) as revenue, p.leads_generated, p.leads_qualified, p.qualification_rate,
       p.proposals, p.won_deals, p.revenue_percentile, p.leads_percentile, p.qualification_percentile,
       p.proposals_percentile, p.won_deals_percentile, p.composite_score, p.composite_percentile, p.performance_class,
       case p.performance_class when 'over_performing' then 'Sur-performance' when 'average' then 'Dans la moyenne'
            when 'under_performing' then 'Sous-performance' else 'Non calculé (aucune activité dans l''année)' end as performance_class_label
from marts.performance_distribution p
join marts.seller_labels l using (seller_id)
order by p.year, p.role, p.composite_percentile desc nulls last
