/*
description: >
  Why deals were won or lost, by fiscal quarter of their close × segment × seller: decided deals
  (won and lost) and their amount per outcome and loss reason (won deals: reason '(affaire gagnée)'; a lost deal
  whose CRM gives no reason: '(non renseigné)'), and each reason's share of the lost deals of the
  same quarter × segment × seller.
grain: trimestre de clôture × segment × commercial × issue × motif
unique: [close_quarter_start, segment, owner_seller_id, outcome, reason]
not_null: [close_quarter, reason, segment, owner_seller_id, team, outcome, deals, amount]
accepted_values: { outcome: [won, lost] }
relationships: { owner_seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Loss reasons
    label: Motifs de perte
    formula: >
      Affaires perdues par motif (celui saisi dans le CRM), en nombre et en montant, par trimestre de
      clôture, segment et commercial ; part de chaque motif parmi les affaires perdues.
    columns: [deals, amount, share_of_lost]
    unit: count
    audiences: [A, E]
    needs: []
*/
WITH decided AS (
  SELECT fiscal_quarter_start(closed_at) AS close_quarter_start, segment, owner_seller_id, team,
         CASE WHEN is_won THEN 'won' ELSE 'lost' END AS outcome,
         CASE WHEN is_lost THEN coalesce(nullif(trim(loss_reason), ''), '(non renseigné)') ELSE '(affaire gagnée)' END AS reason,
         amount
  FROM intermediate.int_opportunity_journey
  WHERE is_won OR is_lost
),
counted AS (
  SELECT close_quarter_start, segment, owner_seller_id, any_value(team) AS team, outcome, reason,
         count(*) AS deals, sum(amount) AS amount
  FROM decided
  GROUP BY close_quarter_start, segment, owner_seller_id, outcome, reason
)
SELECT close_quarter_start, period_label('quarter', close_quarter_start) AS close_quarter, segment, owner_seller_id, team,
       outcome, reason, deals, amount,
       CASE WHEN outcome = 'lost' THEN deals / sum(deals) FILTER (WHERE outcome = 'lost') OVER (PARTITION BY close_quarter_start, segment, owner_seller_id) END AS share_of_lost
FROM counted
