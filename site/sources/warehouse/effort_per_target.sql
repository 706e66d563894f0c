-- Commercial effort per target segment, seller and year against the new customers won there.
select e.year, e.segment, e.seller_id, l.seller_label, e.activities, e.meetings_held, e.hours, e.new_customers,
       e.meetings_per_new_customer, e.hours_per_new_customer
from marts.effort_per_target e
join marts.seller_labels l using (seller_id)
order by e.year, e.segment, e.seller_id
