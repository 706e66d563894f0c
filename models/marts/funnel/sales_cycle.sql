/*
description: >
  Sales cycle per fiscal year of close, seller and segment: days from lead creation (or opportunity
  creation when there is no lead) to won, average and median, and the average days won deals spent
  in each stage (from the stage history: time between entering a stage and entering the next).
grain: année × commercial × segment
unique: [year, seller_id, segment]
not_null: [won_deals, total_cycle_days]
kpis:
  - name: Sales cycle length
    requires: [won_deal]
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Durée du cycle de vente
    formula: >
      Σ jours entre le début du cycle et le gain / affaires gagnées (moyenne), et la médiane, par
      exercice de clôture. Le cycle part de deux points différents : la création du lead pour une
      affaire issue d'un lead, la création de l'affaire pour une affaire sans lead (dont le cycle
      paraît donc plus court).
    columns: [avg_cycle_days, median_cycle_days]
    numerator: total_cycle_days
    denominator: won_deals
    numerator_label: Jours de cycle cumulés
    denominator_label: Affaires gagnées
    unit: days
    seeds: ['002', '003']
    audiences: [A, E]
  - name: Days in each stage
    requires: [won_deal]
    label: Jours passés par étape
    formula: >
      Nombre moyen de jours passés par les affaires gagnées aux étapes qualifiée, proposition et
      négociation, d'après l'historique des étapes.
    columns: [avg_days_qualified, avg_days_proposal, avg_days_negotiation]
    unit: days
    seeds: ['002', '003']
    audiences: [A]
    needs: [opportunity_stage_history]
*/
WITH stage_days AS (
  SELECT opportunity_id,
         sum(datediff('hour', entered_at, left_at) / 24.0) FILTER (WHERE stage = 'qualified') AS days_qualified,
         sum(datediff('hour', entered_at, left_at) / 24.0) FILTER (WHERE stage = 'proposal') AS days_proposal,
         sum(datediff('hour', entered_at, left_at) / 24.0) FILTER (WHERE stage = 'negotiation') AS days_negotiation
  FROM staging.stg_opportunity_stage_history
  WHERE left_at IS NOT NULL
  GROUP BY opportunity_id
)
SELECT
  fiscal_year(j.closed_at) AS year,
  j.owner_seller_id AS seller_id,
  j.team,
  j.segment,
  count(*) AS won_deals,
  sum(j.days_lead_to_won) AS total_cycle_days,
  avg(j.days_lead_to_won) AS avg_cycle_days,
  median(j.days_lead_to_won) AS median_cycle_days,
  avg(s.days_qualified) AS avg_days_qualified,
  avg(s.days_proposal) AS avg_days_proposal,
  avg(s.days_negotiation) AS avg_days_negotiation
FROM intermediate.int_opportunity_journey j
LEFT JOIN stage_days s USING (opportunity_id)
WHERE j.is_won
GROUP BY ALL
