/*
description: >
  The variable pay simulation (marts.variable_pay_simulation) per complete year: how many sellers
  the plan could be computed for, how many reach their target (earn at least their target bonus),
  and what the plan would have cost against the target bonuses. `is_last_complete_year` marks "last
  year's data", the year [004] asks to test a plan on.
grain: année
unique: [year]
not_null: [sellers, is_last_complete_year]
kpis:
  - name: Sellers reaching variable pay target
    on_bookings: true
    label: Commerciaux atteignant leur cible de variable
    formula: >
      Commerciaux dont l'atteinte pondérée payée est ≥ 1 (ils touchent au moins leur prime cible) /
      commerciaux pour qui chaque critère du plan a pu être mesuré.
    columns: [sellers_reaching_target, share_reaching_target]
    numerator: sellers_reaching_target
    denominator: sellers_simulated
    numerator_label: Commerciaux atteignant la cible
    denominator_label: Commerciaux simulés
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [objectives, invoices, invoice_lines, activities]
  - name: Variable pay cost
    on_bookings: true
    label: Coût de la rémunération variable simulée
    formula: >
      Σ primes versées aux commerciaux simulés / Σ leurs primes cibles (au prorata des jours
      employés).
    columns: [total_payout, payout_ratio]
    numerator: total_payout
    denominator: total_target_bonus
    numerator_label: Primes versées
    denominator_label: Primes cibles
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
    needs: [objectives, invoices, invoice_lines, activities]
*/
SELECT
  year,
  any_value(is_last_complete_year) AS is_last_complete_year,
  count(*) AS sellers,
  count(payout) AS sellers_simulated,
  CASE WHEN count(payout) > 0 THEN count(*) FILTER (WHERE reaches_target) END AS sellers_reaching_target,
  safe_divide(CASE WHEN count(payout) > 0 THEN count(*) FILTER (WHERE reaches_target) END, count(payout)) AS share_reaching_target,
  sum(payout) AS total_payout,
  CASE WHEN count(payout) > 0 THEN sum(target_bonus) FILTER (WHERE payout IS NOT NULL) END AS total_target_bonus,
  safe_divide(sum(payout), sum(target_bonus) FILTER (WHERE payout IS NOT NULL)) AS payout_ratio
FROM marts.variable_pay_simulation
GROUP BY year
