/*
description: >
  Planned meetings (types in activities.meetingTypes that were due: held or no-show; cancelled
  ones were called off in advance and still-planned ones are not due yet, so neither counts) per
  month, seller and segment, the no-shows, and how many no-shows were rebooked.
grain: mois × commercial × segment
unique: [month, seller_id, segment]
not_null: [planned_meetings, no_shows, rebooked]
kpis:
  - name: Meeting no-show rate
    label: Taux de rendez-vous non honorés
    formula: >
      Rendez-vous marqués « absent » / rendez-vous qui devaient avoir lieu (tenus + absents).
    columns: [no_show_rate]
    numerator: no_shows
    denominator: planned_meetings
    numerator_label: Rendez-vous manqués (absence)
    denominator_label: Rendez-vous prévus
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [activities]
  - name: No-shows rebooked
    label: Rendez-vous non honorés replanifiés
    formula: >
      Absences suivies d'un nouveau rendez-vous fixé / absences.
    columns: [rebooked_rate]
    numerator: rebooked
    denominator: no_shows
    numerator_label: Absences reprogrammées
    denominator_label: Absences
    unit: rate
    seeds: ['004']
    audiences: [A]
    needs: [activities]
*/
SELECT month, seller_id, team, coalesce(segment, 'Inconnu') AS segment,
       count(*) AS planned_meetings,
       count(*) FILTER (WHERE status = 'no_show') AS no_shows,
       count(*) FILTER (WHERE status = 'no_show' AND rebooked_activity_id IS NOT NULL) AS rebooked,
       safe_divide(count(*) FILTER (WHERE status = 'no_show'), count(*)) AS no_show_rate,
       safe_divide(count(*) FILTER (WHERE status = 'no_show' AND rebooked_activity_id IS NOT NULL), count(*) FILTER (WHERE status = 'no_show')) AS rebooked_rate
FROM intermediate.int_activities_enriched
WHERE is_meeting AND status IN ('held', 'no_show')
GROUP BY ALL
