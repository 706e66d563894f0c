/*
description: >
  The one CAC and CAC-to-first-year-margin figure per segment that every page and alert shows:
  marts.cac_vs_value pooled over the mature cohorts, i.e. the cohort years (fiscal year of first
  purchase) in which every new customer's first year is over at the reference day (the last day of
  the data window): the 'Tous les segments' row of the year has new customers and
  `cohort_maturity` 'mature'. A young cohort's margin is still coming in, so it would make CAC look
  worse than it is; it is left out here and counted in `young_customers` (shown apart on the
  pages). Pooled by summing, never by averaging ratios: acquisition cost, new customers and
  first-year margin add up over cohorts, so cac = acquisition_cost / new_customers and
  cac_to_margin_ratio = acquisition_cost / first_year_margin. A segment year with acquisition cost
  but no new customer is counted too (its cost bought nothing), which makes the three segment rows
  add up to the 'Tous les segments' row: the company CAC on the page is the sum of the table's
  costs over the sum of its new customers. Spend and time no segment carries stay out (as in
  marts.cac_by_segment's cac) and are given apart in `unallocated_cost` and `blended_cac` on the
  'Tous les segments' row. `signal` says, in reader words, what the ratio calls for against the
  settings (cac.marginAlertRatio, cac.watchRatio); `signal_level` orders it (0 profitable, 1 to
  watch, 2 reclassify) so a page colours the row by its meaning. One row per segment, also when no
  cohort is mature yet (figures NULL, `mature_cohorts` 0).
grain: segment
unique: [segment]
not_null: [mature_cohorts, young_customers, margin_alert_ratio, watch_ratio]
accepted_values: { segment: [Tous les segments, Or, Argent, Bronze], signal_level: [0, 1, 2] }
kpis:
  - name: CAC on mature cohorts
    label: Coût d'acquisition client (cohortes mûres)
    formula: >
      Coût d'acquisition (dépenses marketing attribuées au segment + temps commercial
      d'acquisition) / nouveaux clients, additionnés sur les cohortes dont la première année de
      chaque client est achevée à la date de référence. Les cohortes plus récentes sont montrées à
      part : leur marge de première année n'est pas encore acquise.
    columns: [cac, acquisition_cost, new_customers]
    numerator: acquisition_cost
    denominator: new_customers
    numerator_label: "Coût d'acquisition des cohortes mûres"
    denominator_label: Nouveaux clients des cohortes mûres
    unit: EUR
    seeds: ['003', '004']
    audiences: [A, E, F]
    needs: [marketing_spend, activities, invoices, invoice_lines]
  - name: CAC vs first-year margin on mature cohorts
    label: CAC rapporté à la marge de première année (cohortes mûres)
    formula: >
      Coût d'acquisition / marge brute de première année des nouveaux clients, additionnés sur les
      cohortes mûres ; signal « Reclasser » au seuil d'alerte CAC / marge (réglage) ou quand la
      marge de première année n'est pas positive, « À surveiller » au seuil de vigilance (réglage).
      Délai de retour = 12 × ce rapport, en mois.
    columns: [cac_to_margin_ratio, payback_months, avg_first_year_margin, cac_eats_margin, signal]
    numerator: acquisition_cost
    denominator: first_year_margin
    numerator_label: "Coût d'acquisition des cohortes mûres"
    denominator_label: Marge brute de première année de leurs nouveaux clients
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
    needs: [marketing_spend, activities, invoices, invoice_lines]
*/
WITH reference AS (
  SELECT max(data_end) AS reference_day FROM intermediate.int_calendar
),
settings_now AS (
  SELECT cac_margin_alert_ratio AS margin_alert_ratio, cac_watch_ratio AS watch_ratio FROM settings.kpi
),
-- The cohort rule, read once from the company row of each year: mature when it has new customers
-- and every one of them has lived a whole first year by the reference day.
cohort_years AS (
  SELECT year, cohort_maturity = 'mature' AS is_mature, new_customers
  FROM marts.cac_vs_value
  WHERE segment = 'Tous les segments' AND new_customers > 0
),
segments AS (
  SELECT * FROM (VALUES ('Or'), ('Argent'), ('Bronze'), ('Tous les segments')) AS s(segment)
),
pooled AS (
  SELECT
    v.segment,
    count(*) AS mature_cohorts,
    min(v.year) AS first_cohort,
    max(v.year) AS last_cohort,
    sum(v.acquisition_cost) AS acquisition_cost,
    sum(v.new_customers) AS new_customers,
    sum(v.first_year_margin) AS first_year_margin,
    sum(v.first_year_revenue) AS first_year_revenue
  FROM marts.cac_vs_value v
  JOIN cohort_years y ON y.year = v.year AND y.is_mature
  GROUP BY v.segment
),
young AS (
  SELECT v.segment, sum(v.new_customers) AS young_customers, string_agg(period_label('year', v.year), ', ' ORDER BY v.year) FILTER (WHERE v.new_customers > 0) AS young_cohorts
  FROM marts.cac_vs_value v
  JOIN cohort_years y ON y.year = v.year AND NOT y.is_mature
  GROUP BY v.segment
),
-- What no segment carries, over the same cohort years: in the blended CAC only.
unallocated AS (
  SELECT sum(c.unallocated_spend + c.unallocated_time_cost) AS unallocated_cost
  FROM marts.cac_by_segment c
  JOIN cohort_years y ON y.year = c.period_start AND y.is_mature
  WHERE c.period_type = 'year' AND c.segment = 'Tous les segments'
),
figures AS (
  SELECT
    s.segment,
    coalesce(p.mature_cohorts, 0) AS mature_cohorts,
    p.first_cohort,
    p.last_cohort,
    CASE WHEN p.first_cohort = p.last_cohort THEN period_label('year', p.first_cohort)
         ELSE 'Exercices ' || fiscal_year(p.first_cohort) || ' à ' || fiscal_year(p.last_cohort) END AS mature_cohorts_label,
    -- The same in a sentence ("clients acquis sur l'exercice 2024", "… de l'exercice 2023 à l'exercice 2024").
    CASE WHEN p.first_cohort = p.last_cohort THEN 'sur l''' || lower(period_label('year', p.first_cohort))
         ELSE 'de l''' || lower(period_label('year', p.first_cohort)) || ' à l''' || lower(period_label('year', p.last_cohort)) END AS mature_cohorts_phrase,
    p.acquisition_cost,
    p.new_customers,
    p.first_year_revenue,
    p.first_year_margin,
    coalesce(y.young_customers, 0) AS young_customers,
    y.young_cohorts,
    CASE WHEN s.segment = 'Tous les segments' THEN u.unallocated_cost END AS unallocated_cost,
    r.reference_day,
    k.margin_alert_ratio,
    k.watch_ratio
  FROM segments s
  CROSS JOIN reference r
  CROSS JOIN settings_now k
  CROSS JOIN unallocated u
  LEFT JOIN pooled p ON p.segment = s.segment
  LEFT JOIN young y ON y.segment = s.segment
),
ratios AS (
  SELECT
    *,
    safe_divide(acquisition_cost, new_customers) AS cac,
    safe_divide(first_year_margin, new_customers) AS avg_first_year_margin,
    safe_divide(acquisition_cost, first_year_margin) AS cac_to_margin_ratio,
    12 * safe_divide(acquisition_cost, first_year_margin) AS payback_months,
    safe_divide(acquisition_cost + unallocated_cost, new_customers) AS blended_cac,
    -- The same test as marts.cac_vs_value's cac_eats_margin, on the pooled sums.
    CASE
      WHEN acquisition_cost IS NULL OR new_customers IS NULL OR new_customers = 0 THEN NULL
      WHEN first_year_margin <= 0 THEN acquisition_cost > 0
      ELSE acquisition_cost / first_year_margin >= margin_alert_ratio
    END AS cac_eats_margin
  FROM figures
)
SELECT
  *,
  CASE
    WHEN cac_eats_margin IS NULL THEN NULL
    WHEN first_year_margin <= 0 THEN 'Reclasser : marge de 1re année nulle'
    WHEN cac_eats_margin THEN 'Reclasser / revoir le ciblage'
    WHEN cac_to_margin_ratio >= watch_ratio THEN 'À surveiller'
    ELSE 'Rentable'
  END AS signal,
  CASE
    WHEN cac_eats_margin IS NULL THEN NULL
    WHEN cac_eats_margin THEN 2
    WHEN cac_to_margin_ratio >= watch_ratio THEN 1
    ELSE 0
  END AS signal_level
FROM ratios
