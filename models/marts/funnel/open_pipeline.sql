/*
description: >
  The open pipeline as of the last day of the data: deals neither won nor lost, by seller (with
  team and manager), segment, product line and current stage, with their count, value (amount
  expected), age since creation and the value weighted by the win rate each stage historically
  leads to (won / decided among the closed deals that reached that stage; NULL when no deal that
  reached the stage was decided yet). Deals older than funnel.stalledAfterDays are flagged stalled:
  the pipeline a sales director should question before counting on it.
grain: commercial × segment × gamme × étape (affaires ouvertes seulement)
unique: [seller_id, segment, product_line, stage]
not_null: [team, open_deals, pipeline_value, avg_age_days, stalled_deals, as_of]
accepted_values: { stage: [qualified, proposal, negotiation] }
relationships: { seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Open pipeline
    label: Pipeline ouvert
    formula: >
      Nombre et Σ montant des affaires encore ouvertes (ni gagnées ni perdues) le dernier jour des
      données, par étape.
    columns: [open_deals, pipeline_value]
    unit: EUR
    seeds: ['002', '004']
    audiences: [A, E]
    needs: []
  - name: Weighted pipeline
    requires: [closed_deal]
    label: Pipeline pondéré
    formula: >
      Σ montant des affaires ouvertes × taux de gain de leur étape : gagnées / décidées parmi les
      affaires clôturées ayant atteint l'étape (qualifiée : toutes les affaires clôturées ;
      proposition et négociation : celles qui l'ont atteinte).
    columns: [weighted_value, stage_win_rate]
    unit: EUR
    seeds: ['002']
    audiences: [A, E]
    needs: []
  - name: Stalled pipeline
    label: Pipeline en sommeil
    formula: >
      Affaires ouvertes créées plus de N jours avant le dernier jour des données (seuil d'affaire
      bloquée, réglage), en nombre et en valeur.
    columns: [stalled_deals, stalled_value]
    unit: EUR
    seeds: ['002']
    audiences: [A]
    needs: []
*/
WITH as_of AS (
  SELECT greatest(max(created_at), max(closed_at)) AS as_of FROM intermediate.int_opportunity_journey
)
SELECT
  j.owner_seller_id AS seller_id,
  j.team,
  j.manager_id,
  j.segment,
  j.product_line,
  j.stage,
  count(*) AS open_deals,
  sum(j.amount) AS pipeline_value,
  any_value(so.stage_win_rate) AS stage_win_rate,
  sum(j.amount) * any_value(so.stage_win_rate) AS weighted_value,
  avg(datediff('day', j.created_at, a.as_of)) AS avg_age_days,
  count(*) FILTER (WHERE datediff('day', j.created_at, a.as_of) > k.stalled_after_days) AS stalled_deals,
  coalesce(sum(j.amount) FILTER (WHERE datediff('day', j.created_at, a.as_of) > k.stalled_after_days), 0) AS stalled_value,
  a.as_of
FROM intermediate.int_opportunity_journey j
CROSS JOIN as_of a
CROSS JOIN settings.kpi k
LEFT JOIN intermediate.int_stage_win_rates so ON so.stage = j.stage
WHERE j.is_open
GROUP BY j.owner_seller_id, j.team, j.manager_id, j.segment, j.product_line, j.stage, a.as_of
