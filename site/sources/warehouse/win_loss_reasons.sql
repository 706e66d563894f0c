-- Won and lost deals by close quarter × segment × seller × reason (marts.win_loss_reasons).
select w.close_quarter_start, w.close_quarter, w.segment, w.owner_seller_id as seller_id, l.seller_label, w.team,
       w.outcome, case w.outcome when 'won' then 'Gagnée' else 'Perdue' end as outcome_label,
       w.reason, w.deals, cast(w.amount as double) as amount, w.share_of_lost
from marts.win_loss_reasons w
join marts.seller_labels l on l.seller_id = w.owner_seller_id
order by w.close_quarter_start, w.segment, w.owner_seller_id, w.outcome, w.reason
