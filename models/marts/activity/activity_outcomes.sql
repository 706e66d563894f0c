/*
description: >
  Held activities per month, seller, activity type and counterpart, and how many were followed by
  measurable progress of the deal (stage moved forward, next meeting booked, proposal requested:
  activities.advancingOutcomes). Outcomes, not activity counts.
grain: month × seller × activity type × counterpart
unique: [month, seller_id, type, counterpart]
not_null: [held_activities, advancing_activities]
kpis:
  - name: Activities that advance
    label: Activités qui font avancer
    formula: Held activities whose outcome is measurable progress (stage advanced, next meeting booked, proposal requested) / held activities.
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
WHERE status = 'held' AND type <> 'admin'
GROUP BY ALL
