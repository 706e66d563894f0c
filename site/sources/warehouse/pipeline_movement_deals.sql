-- Each deal open in either of the two pipeline snapshots compared (this build's and the one a week
-- before), with what happened to it and its part of the quarter's waterfall; the seller by label.
-- The page draws the waterfall from these rows, so an audience's site shows only its deals' bars.
select d.current_day, d.previous_day, d.quarter_label,
       d.opportunity_id, coalesce(d.opportunity_name, d.opportunity_id) as deal_label, d.account_name,
       d.owner_seller_id, l.seller_label, d.team, d.segment,
       d.stage_before, d.stage_after,
       cast(d.amount_before as double) as amount_before, cast(d.amount_after as double) as amount_after,
       cast(d.amount_change as double) as amount_change,
       d.expected_close_before, d.expected_close_after, d.close_quarter_before, d.close_quarter_after,
       d.movement,
       case d.movement when 'created' then 'Créée' when 'reentered' then 'Réintégrée' when 'won' then 'Gagnée'
         when 'lost' then 'Perdue' when 'removed' then 'Retirée de l''export' when 'pushed' then 'Repoussée'
         when 'pulled_in' then 'Avancée' when 'resized' then 'Montant modifié' else 'Inchangée' end as movement_label,
       d.in_quarter_before, d.in_quarter_after,
       d.quarter_bar, cast(d.quarter_bar_amount as double) as quarter_bar_amount,
       d.pipeline_bar, cast(d.pipeline_bar_amount as double) as pipeline_bar_amount
from marts.pipeline_movement_deals d
left join marts.seller_labels l on l.seller_id = d.owner_seller_id
order by d.opportunity_id
