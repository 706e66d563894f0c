-- Conversations between qualification and close per won deal, per year × seller × segment.
select c.year, c.seller_id, l.seller_label, c.team, c.segment, c.won_deals, cast(c.conversations as bigint) as conversations,
       c.conversations_per_won_deal
from marts.conversations_to_close c
join marts.seller_labels l using (seller_id)
order by c.year, c.seller_id, c.segment
