/*
description: >
  Seller hours per month: selling hours (activity types in activities.sellingTypes whose purpose is
  not in activities.nonSellingPurposes) and non-selling hours (administrative tasks, support), with
  the non-selling share against its target ceiling (activities.nonSellingShareTarget, 40 %), and
  among the non-selling hours the administrative ones (purposes in activities.adminPurposes:
  internal tasks, not support calls with customers), whose share the seed's 40 % benchmark is about
  (« au moins 40 % du temps des commerciaux est consacré à faire de l'administratif ») and the
  non-selling time alert reads (marts.alerts).
grain: mois × commercial
unique: [month, seller_id]
not_null: [hours, selling_hours, non_selling_hours, admin_hours, above_target]
kpis:
  - name: Selling time share
    label: Part du temps commercial
    formula: >
      Heures d'activités de vente / toutes les heures saisies ; la part hors vente (1 − cette part)
      devrait rester sous 40 %.
    columns: [selling_share, non_selling_share, above_target]
    numerator: selling_hours
    denominator: hours
    numerator_label: Heures de vente
    denominator_label: Heures saisies
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [activities]
*/
SELECT e.month, e.seller_id, e.team,
       sum(e.hours) AS hours,
       coalesce(sum(e.hours) FILTER (WHERE e.is_selling), 0) AS selling_hours,
       coalesce(sum(e.hours) FILTER (WHERE NOT e.is_selling), 0) AS non_selling_hours,
       coalesce(sum(e.hours) FILTER (WHERE list_contains(k.admin_purposes, e.purpose)), 0) AS admin_hours,
       safe_divide(coalesce(sum(e.hours) FILTER (WHERE e.is_selling), 0), sum(e.hours)) AS selling_share,
       safe_divide(coalesce(sum(e.hours) FILTER (WHERE NOT e.is_selling), 0), sum(e.hours)) AS non_selling_share,
       any_value(k.non_selling_share_target) AS non_selling_share_target,
       coalesce(safe_divide(coalesce(sum(e.hours) FILTER (WHERE NOT e.is_selling), 0), sum(e.hours)) > any_value(k.non_selling_share_target), false) AS above_target
FROM intermediate.int_activities_enriched e
CROSS JOIN settings.kpi k
GROUP BY e.month, e.seller_id, e.team
