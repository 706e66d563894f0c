/*
description: >
  Held activities per month, seller, activity type and counterpart, and how many were followed by
  measurable progress of the deal (stage moved forward, next meeting booked, proposal requested:
  activities.advancingOutcomes). Outcomes, not activity counts. Only activities that can advance a
  deal count: admin tasks and non-selling purposes (support, admin: activities.nonSellingPurposes)
  are left out, since a support call cannot move a deal forward.
grain: month × seller × activity type × counterpart
unique: [month, seller_id, type, counterpart]
not_null: [held_activities, advancing_activities]
kpis:
  - name: Activities that advance
    label: Activités qui font avancer
    formula: >
      Held activities whose outcome is measurable progress (stage advanced, next meeting booked,
      proposal requested) / held activities that can advance a deal: support calls and admin tasks
      (activities.nonSellingPurposes, admin type) are left out of both.
    columns: [advancing_rate, advancing_activities]
    numerator: advancing_activities
    denominator: held_activities
    unit: rate
    seeds: ['000']
    audiences: [A, E]
    needs: [activities]
*/
SELECT month, seller_id, team, type, counterpart,
       count(*) AS held_activities,
       count(*) FILTER (WHERE is_advancing) AS advancing_activities,
       safe_divide(count(*) FILTER (WHERE is_advancing), count(*)) AS advancing_rate
FROM intermediate.int_activities_enriched
CROSS JOIN settings.kpi k
WHERE status = 'held' AND type <> 'admin' AND NOT coalesce(list_contains(k.non_selling_purposes, purpose), false)
GROUP BY ALL
