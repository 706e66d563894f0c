/*
description: >
  The open pipeline by forecast category (commit, best_case, pipeline, omitted) × fiscal quarter of
  expected close, per seller (and team): deals, amount, weighted amount, and how many deals took
  their category from the CRM ('crm') or from their stage's historical win rate
  ('stage_probability': `funnel.commitFromProbability`, `funnel.bestCaseFromProbability`).
  Deals whose expected close cannot be told are on a row with expected_close_quarter '(date inconnue)' (expected_close_quarter_start NULL).
grain: catégorie de prévision × trimestre de clôture prévue × commercial
unique: [forecast_category, expected_close_quarter, owner_seller_id]
not_null: [forecast_category, owner_seller_id, team, open_deals, amount, crm_category_deals, reference_day]
accepted_values: { forecast_category: [commit, best_case, pipeline, omitted] }
relationships: { owner_seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Pipeline by forecast category
    label: Pipeline par catégorie de prévision
    formula: >
      Σ montant des affaires ouvertes par catégorie de prévision : engagé, probable, pipeline, exclu.
      La catégorie est celle du CRM quand il l'exporte, sinon celle que donne le taux de gain
      historique de l'étape de l'affaire (seuils réglables).
    columns: [amount, weighted_amount]
    unit: EUR
    audiences: [A, E]
    needs: []
*/
SELECT
  forecast_category,
  expected_close_quarter_start,
  coalesce(any_value(expected_close_quarter), '(date inconnue)') AS expected_close_quarter,
  owner_seller_id,
  any_value(team) AS team,
  count(*) AS open_deals,
  sum(amount) AS amount,
  sum(weighted_amount) AS weighted_amount,
  count(*) FILTER (WHERE forecast_category_source = 'crm') AS crm_category_deals,
  any_value(reference_day) AS reference_day
FROM intermediate.int_open_deals
GROUP BY forecast_category, expected_close_quarter_start, owner_seller_id
