/*
description: >
  The open pipeline by the fiscal quarter it is expected to close in × stage, per seller (and team,
  segment): deals, amount and weighted amount (amount × the stage's historical win rate), and how many
  of them have a close date derived from the stage history rather than the CRM's. Deals whose expected
  close cannot be told (the CRM has none and no deal won from the stage stayed in it as long) are on
  a row with expected_close_quarter NULL, never dropped: the rows add up to marts.open_pipeline.
grain: trimestre de clôture prévue × étape × commercial × segment
unique: [expected_close_quarter, stage, owner_seller_id, segment]
not_null: [stage, owner_seller_id, team, segment, open_deals, amount, derived_close_deals, reference_day]
accepted_values: { stage: [qualified, proposal, negotiation] }
relationships: { owner_seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Pipeline by expected close quarter
    label: Pipeline par trimestre de clôture prévue
    formula: >
      Σ montant des affaires ouvertes par trimestre fiscal de clôture prévue et par étape ; pondéré :
      × taux de gain historique de l'étape. La clôture prévue est celle du CRM, sinon la date d'entrée
      dans l'étape plus le délai médian jusqu'au gain des affaires gagnées depuis cette étape.
    columns: [amount, weighted_amount]
    unit: EUR
    audiences: [A, E]
    needs: []
*/
SELECT
  expected_close_quarter_start,
  coalesce(any_value(expected_close_quarter), '(date inconnue)') AS expected_close_quarter,
  stage,
  owner_seller_id,
  any_value(team) AS team,
  segment,
  count(*) AS open_deals,
  sum(amount) AS amount,
  sum(weighted_amount) AS weighted_amount,
  count(*) FILTER (WHERE expected_close_source = 'stage_history') AS derived_close_deals,
  count(*) FILTER (WHERE is_close_overdue) AS overdue_deals,
  any_value(reference_day) AS reference_day
FROM intermediate.int_open_deals
GROUP BY expected_close_quarter_start, stage, owner_seller_id, segment
