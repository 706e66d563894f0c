-- Revenue and gross margin per fiscal year × segment × seller (regions and product lines summed);
-- revenue credited to no seller appears under '(unassigned)', labelled 'Non attribué'.
select y.period_start as year, y.label as year_label, r.segment, r.seller_id,
       coalesce(l.seller_label, 'Non attribué') as seller_label, r.team,
       cast(sum(r.revenue) as double) as revenue, cast(sum(r.margin) as double) as margin
from marts.revenue_and_margin r
left join marts.calendar y on y.period_type = 'year' and r.month between y.period_start and y.period_end
left join marts.seller_labels l using (seller_id)
group by all
order by year, r.segment, r.seller_id
