-- CAC per calendar year and seller: own acquisition time + spend of the leads that reached them.
select c.year, c.seller_id, l.seller_label, c.team, c.acquisition_hours,
       cast(c.seller_time_cost as double) as seller_time_cost, c.lead_spend, c.new_customers,
       c.acquisition_cost, c.cac
from marts.cac_by_seller c
join marts.seller_labels l using (seller_id)
order by c.year, c.seller_id
