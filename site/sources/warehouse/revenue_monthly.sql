-- Revenue, cost and gross margin per month × segment × product line × team (regions and sellers
-- summed): the base of the revenue page's filters. Adds up over every column.
select month, segment, product_line, team,
       cast(sum(revenue) as double) as revenue, cast(sum(cost) as double) as cost,
       cast(sum(margin) as double) as margin, cast(sum(units) as double) as units
from marts.revenue_and_margin
group by all
order by month, segment, product_line, team
