/*
description: >
  Coverage of next fiscal quarter's objective (the quarter after the current one, which holds the
  day after the data's last day, as in marts.open_deals and the landing forecast) by the open deals expected to close in it, per seller (with team): the
  revenue objective of that quarter (intermediate.int_objectives_daily summed over its days: NULL
  when no objective is set for it) and the open amount by forecast category. coverage = (commit +
  best case + pipeline) / objective; commit_coverage = commit / objective (NULL without objective).
  Omitted deals are shown, never counted in coverage. Sellers with neither an objective nor a deal
  expected next quarter have no row.
grain: commercial (trimestre suivant)
unique: [owner_seller_id]
not_null: [team, quarter_start, quarter, commit_amount, best_case_amount, pipeline_amount, omitted_amount, reference_day]
relationships: { owner_seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Next quarter pipeline coverage
    label: Couverture de l'objectif du trimestre suivant
    formula: >
      Σ montant des affaires ouvertes attendues au trimestre fiscal suivant (catégories engagé,
      probable et pipeline ; les exclues à part) ÷ objectif de chiffre d'affaires de ce trimestre.
    columns: [coverage, commit_coverage]
    numerator: forecast_amount
    numerator_label: montant des affaires ouvertes attendues au trimestre suivant (hors exclues)
    denominator: objective
    denominator_label: objectif de chiffre d'affaires du trimestre suivant
    unit: ratio
    audiences: [A, E]
    needs: [objectives]
*/
WITH q AS (
  SELECT CAST(fiscal_quarter_start(max(data_end) + 1) + INTERVAL 3 MONTH AS DATE) AS quarter_start, max(data_end) AS reference_day
  FROM intermediate.int_calendar
),
objective AS (
  SELECT o.seller_id AS owner_seller_id, sum(o.revenue_objective) AS objective
  FROM intermediate.int_objectives_daily o CROSS JOIN q
  WHERE o.day >= q.quarter_start AND o.day < q.quarter_start + INTERVAL 3 MONTH
  GROUP BY o.seller_id
),
deals AS (
  SELECT d.owner_seller_id,
         coalesce(sum(d.amount) FILTER (WHERE d.forecast_category = 'commit'), 0) AS commit_amount,
         coalesce(sum(d.amount) FILTER (WHERE d.forecast_category = 'best_case'), 0) AS best_case_amount,
         coalesce(sum(d.amount) FILTER (WHERE d.forecast_category = 'pipeline'), 0) AS pipeline_amount,
         coalesce(sum(d.amount) FILTER (WHERE d.forecast_category = 'omitted'), 0) AS omitted_amount,
         count(*) AS open_deals
  FROM intermediate.int_open_deals d CROSS JOIN q
  WHERE d.expected_close_quarter_start = q.quarter_start
  GROUP BY d.owner_seller_id
),
sellers AS (
  SELECT owner_seller_id FROM objective UNION SELECT owner_seller_id FROM deals
)
SELECT
  s.owner_seller_id,
  sel.team,
  q.quarter_start,
  period_label('quarter', q.quarter_start) AS quarter,
  ob.objective,
  coalesce(d.open_deals, 0) AS open_deals,
  coalesce(d.commit_amount, 0) AS commit_amount,
  coalesce(d.best_case_amount, 0) AS best_case_amount,
  coalesce(d.pipeline_amount, 0) AS pipeline_amount,
  coalesce(d.omitted_amount, 0) AS omitted_amount,
  coalesce(d.commit_amount + d.best_case_amount + d.pipeline_amount, 0) AS forecast_amount,
  safe_divide(coalesce(d.commit_amount + d.best_case_amount + d.pipeline_amount, 0), ob.objective) AS coverage,
  safe_divide(coalesce(d.commit_amount, 0), ob.objective) AS commit_coverage,
  q.reference_day
FROM sellers s
CROSS JOIN q
JOIN staging.stg_sellers sel ON sel.seller_id = s.owner_seller_id
LEFT JOIN objective ob USING (owner_seller_id)
LEFT JOIN deals d USING (owner_seller_id)
