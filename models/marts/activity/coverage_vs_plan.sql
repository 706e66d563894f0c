/*
description: >
  Coverage and pressure against plan, per year and segment: the touches planned per account per
  year (coveragePlan in kpi-settings.yaml, by segment and activity type) times the accounts of the
  segment that existed that year (created on or before 31 December), against the touches actually
  held, and the accounts under-covered (fewer held touches than planned, all planned types together).
grain: année × segment
unique: [year, segment]
not_null: [accounts, planned_touches, actual_touches, under_covered_accounts]
kpis:
  - name: Coverage vs plan
    label: Couverture vs plan
    formula: >
      Contacts réalisés, des types d'activité prévus, avec les comptes du segment / contacts prévus
      (plan par compte × comptes).
    columns: [coverage_rate]
    numerator: actual_touches
    denominator: planned_touches
    numerator_label: Contacts réalisés
    denominator_label: Contacts prévus
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [activities]
  - name: Under-covered accounts
    label: Comptes sous-couverts
    formula: >
      Comptes ayant reçu moins de contacts des types prévus que le plan par compte / comptes du
      segment.
    columns: [under_covered_rate, under_covered_accounts]
    numerator: under_covered_accounts
    denominator: accounts
    numerator_label: Comptes sous-couverts
    denominator_label: Comptes du segment
    unit: rate
    seeds: ['004']
    audiences: [A]
    needs: [activities]
*/
WITH years AS (
  SELECT DISTINCT fiscal_year(activity_date) AS year FROM intermediate.int_activities_enriched
),
plan AS (
  SELECT segment, sum(touches_per_year) AS touches_per_account, list(activity_type) AS types
  FROM settings.coverage_plan GROUP BY segment
),
account_years AS (
  SELECT y.year, a.account_id, a.segment
  FROM staging.stg_accounts a JOIN years y ON fiscal_year(a.created_at) <= y.year
),
touches AS (
  SELECT fiscal_year(e.activity_date) AS year, e.account_id, count(*) AS touches
  FROM intermediate.int_activities_enriched e
  JOIN plan p ON p.segment = e.segment AND list_contains(p.types, e.type)
  WHERE e.status = 'held'
  GROUP BY ALL
)
SELECT ay.year, ay.segment,
       count(*) AS accounts,
       any_value(p.touches_per_account) AS planned_touches_per_account,
       count(*) * any_value(p.touches_per_account) AS planned_touches,
       coalesce(sum(t.touches), 0) AS actual_touches,
       safe_divide(coalesce(sum(t.touches), 0), count(*) * any_value(p.touches_per_account)) AS coverage_rate,
       count(*) FILTER (WHERE coalesce(t.touches, 0) < p.touches_per_account) AS under_covered_accounts,
       safe_divide(count(*) FILTER (WHERE coalesce(t.touches, 0) < p.touches_per_account), count(*)) AS under_covered_rate
FROM account_years ay
JOIN plan p ON p.segment = ay.segment
LEFT JOIN touches t ON t.year = ay.year AND t.account_id = ay.account_id
GROUP BY ALL
