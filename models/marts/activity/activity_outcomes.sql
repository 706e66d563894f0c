/*
description: >
  Held activities per month, seller, activity type and counterpart, and how many were followed by
  measurable progress of the deal (stage moved forward, next meeting booked, proposal requested:
  activities.advancingOutcomes). Outcomes, not activity counts. Only activities that can advance a
  deal count: admin tasks and non-selling purposes (support, admin: activities.nonSellingPurposes)
  are left out, since a support call cannot move a deal forward.
grain: "mois × commercial × type d'activité × interlocuteur"
unique: [month, seller_id, type, counterpart]
not_null: [held_activities, advancing_activities]
kpis:
  - name: Activities that advance
    label: Activités qui font avancer
    formula: >
      Activités réalisées dont le résultat est un progrès mesurable (étape franchie, rendez-vous
      suivant fixé, proposition demandée) / activités réalisées qui peuvent faire avancer une
      affaire : les appels de support et les tâches administratives (réglage « activités hors vente
      », type administratif) sont exclus des deux.
    columns: [advancing_rate, advancing_activities]
    numerator: advancing_activities
    denominator: held_activities
    numerator_label: Activités réalisées qui font avancer
    denominator_label: Activités réalisées pouvant faire avancer une affaire
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
