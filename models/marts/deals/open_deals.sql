/*
description: >
  The open deals one by one, as sales leaders inspect them (intermediate.int_open_deals): deal and
  account names (business data; no contact), seller and team, stage, amount and weighted amount,
  expected close and its fiscal quarter with where it comes from (the CRM's date, or derived from the
  stage's historical time to close), forecast category and where it comes from, days in stage, last
  activity, is_quiet beyond `funnel.quietAfterDays` (quiet_after_days; NULL without an activities extract). is_current_quarter / is_next_quarter: expected to close in the current fiscal quarter
  (current_quarter: the one holding the day after the reference day, the landing forecast's as-of
  date, intermediate.int_forecast_cutoffs: data ending on a quarter's last day make the next quarter
  the current one) or the one after it. amount_rank: rank by amount among the
  deals expected to close in the same quarter, company-wide (1 = largest; ties by deal id).
grain: affaire ouverte
unique: [opportunity_id]
not_null: [owner_seller_id, team, account_name, stage, amount, expected_close_source, forecast_category, forecast_category_source, days_in_stage, quiet_after_days, current_quarter_start, current_quarter, is_current_quarter, is_next_quarter, reference_day]
relationships: { owner_seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Deals closing this quarter
    label: Affaires attendues ce trimestre
    formula: >
      Affaires ouvertes dont la date de clôture prévue tombe dans le trimestre fiscal en cours (date
      du CRM, sinon déduite du temps que les affaires gagnées ont mis depuis la même étape), en nombre
      et en montant ; pondéré : montant × taux de gain historique de l'étape.
    columns: [amount, weighted_amount]
    unit: EUR
    audiences: [A, E]
    needs: []
*/
SELECT
  d.opportunity_id,
  d.opportunity_name,
  d.account_id,
  d.account_name,
  d.owner_seller_id,
  d.team,
  d.segment,
  d.product_line,
  d.stage,
  d.created_at,
  d.amount,
  d.probability,
  d.weighted_amount,
  d.expected_close_at,
  d.expected_close_source,
  d.expected_close_quarter_start,
  d.expected_close_quarter,
  d.is_close_overdue,
  d.forecast_category,
  d.forecast_category_source,
  d.days_in_stage,
  d.last_activity_at,
  d.days_without_activity,
  d.is_quiet,
  k.quiet_after_days,
  fiscal_quarter_start(d.reference_day + 1) AS current_quarter_start,
  period_label('quarter', fiscal_quarter_start(d.reference_day + 1)) AS current_quarter,
  coalesce(d.expected_close_quarter_start = fiscal_quarter_start(d.reference_day + 1), false) AS is_current_quarter,
  coalesce(d.expected_close_quarter_start = CAST(fiscal_quarter_start(d.reference_day + 1) + INTERVAL 3 MONTH AS DATE), false) AS is_next_quarter,
  CASE WHEN d.expected_close_quarter_start IS NOT NULL
       THEN row_number() OVER (PARTITION BY d.expected_close_quarter_start ORDER BY d.amount DESC, d.opportunity_id) END AS amount_rank,
  d.reference_day
FROM intermediate.int_open_deals d
CROSS JOIN settings.kpi k
