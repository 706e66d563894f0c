/*
description: >
  Per cohort (fiscal year of first purchase) and segment: what acquiring a customer cost
  (marts.cac_by_segment, year rows: attributed marketing spend + seller acquisition time, over the
  new customers of the year) against what the new customers bring in their first year (gross margin
  of their first 365 days, intermediate.int_acquisition_customers). cac_to_margin_ratio = acquisition
  cost / first-year margin of the cohort, i.e. CAC / average first-year margin; payback months =
  CAC / (average first-year margin / 12). `cac_eats_margin` flags a cohort whose CAC reaches
  cac.marginAlertRatio of its first-year margin (or whose first-year margin is not positive): the
  "Or customers that cost nearly what they bring" case. Only mature cohorts can fire it: the first
  year of recent customers is not over (`first_year_complete_customers` counts those whose first
  year is, `is_first_year_complete` says whether all of the cohort's is); a young cohort
  (`cohort_maturity` 'young') keeps its figures, shown apart, but its `cac_eats_margin` is NULL:
  its ratio only grows better as its margin comes in. `watch_ratio` (cac.watchRatio) is the lower
  line from which pages show a segment as one to watch. Acquisition cost and first-year margin add up over
  years: sum both to compare over several cohorts.
grain: année × segment
unique: [year, segment]
not_null: [margin_alert_ratio]
accepted_values: { segment: [Tous les segments, Or, Argent, Bronze, (non renseigné)], cohort_maturity: [mature, young] }
kpis:
  - name: CAC vs first-year margin
    label: CAC rapporté à la marge de première année
    formula: >
      CAC du segment dans l'année / marge brute moyenne de première année des clients acquis cette
      année-là (= coût d'acquisition / leur marge totale de première année) ; alerte quand le
      rapport atteint le seuil d'alerte CAC / marge (réglage, 75 % par défaut) ou quand la marge de
      première année n'est pas positive, sur les cohortes mûres seulement (première année de chaque
      client achevée).
    columns: [cac_to_margin_ratio, cac_eats_margin, cac, avg_first_year_margin]
    numerator: acquisition_cost
    denominator: first_year_margin
    numerator_label: "Coût d'acquisition"
    denominator_label: Marge brute de première année des clients acquis
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
    needs: [marketing_spend, activities, invoices, invoice_lines]
  - name: CAC payback
    label: Délai de retour sur coût d'acquisition
    formula: >
      CAC / (marge brute moyenne de première année par nouveau client / 12), en mois.
    columns: [payback_months]
    numerator: acquisition_cost
    denominator: first_year_margin
    numerator_label: "Coût d'acquisition"
    denominator_label: Marge brute de première année des clients acquis
    unit: months
    seeds: ['004']
    audiences: [A, F]
    needs: [marketing_spend, activities, invoices, invoice_lines]
*/
WITH cohort AS (
  SELECT
    fiscal_year_start(first_purchase_date) AS year,
    segment,
    count(*) AS cohort_customers,
    sum(first_year_margin) AS first_year_margin,
    sum(first_year_revenue) AS first_year_revenue,
    count(*) FILTER (WHERE first_year_complete) AS first_year_complete_customers
  FROM intermediate.int_acquisition_customers
  WHERE is_new_customer
  GROUP BY ALL
),
cohort_all AS (
  SELECT * FROM cohort
  UNION ALL
  SELECT year, 'Tous les segments', sum(cohort_customers), sum(first_year_margin), sum(first_year_revenue), sum(first_year_complete_customers)
  FROM cohort
  GROUP BY year
),
joined AS (
  SELECT
    c.period_start AS year,
    c.segment,
    c.acquisition_cost,
    c.new_customers,
    c.cac,
    CASE WHEN c.new_customers IS NOT NULL THEN coalesce(v.first_year_margin, 0) END AS first_year_margin,
    CASE WHEN c.new_customers IS NOT NULL THEN coalesce(v.first_year_revenue, 0) END AS first_year_revenue,
    safe_divide(v.first_year_margin, c.new_customers) AS avg_first_year_margin,
    CASE WHEN c.new_customers IS NOT NULL THEN coalesce(v.first_year_complete_customers, 0) END AS first_year_complete_customers,
    k.cac_margin_alert_ratio AS margin_alert_ratio,
    k.cac_watch_ratio AS watch_ratio
  FROM marts.cac_by_segment c
  CROSS JOIN settings.kpi k
  LEFT JOIN cohort_all v ON v.year = c.period_start AND v.segment = c.segment
  WHERE c.period_type = 'year'
)
SELECT
  year,
  segment,
  acquisition_cost,
  new_customers,
  cac,
  first_year_revenue,
  first_year_margin,
  avg_first_year_margin,
  safe_divide(acquisition_cost, first_year_margin) AS cac_to_margin_ratio,
  12 * safe_divide(acquisition_cost, first_year_margin) AS payback_months,
  margin_alert_ratio,
  watch_ratio,
  CASE
    WHEN acquisition_cost IS NULL OR new_customers IS NULL OR new_customers = 0 THEN NULL
    -- A young cohort fires no alert: its first-year margin is not all in.
    WHEN first_year_complete_customers < new_customers THEN NULL
    WHEN first_year_margin <= 0 THEN acquisition_cost > 0
    ELSE acquisition_cost / first_year_margin >= margin_alert_ratio
  END AS cac_eats_margin,
  first_year_complete_customers,
  new_customers > 0 AND first_year_complete_customers = new_customers AS is_first_year_complete,
  CASE WHEN new_customers > 0 THEN CASE WHEN first_year_complete_customers = new_customers THEN 'mature' ELSE 'young' END END AS cohort_maturity
FROM joined
