/*
description: >
  Planned meetings (types in activities.meetingTypes that were due: held or no-show; cancelled
  ones were called off in advance and still-planned ones are not due yet, so neither counts) per
  month, seller and segment, the no-shows, and how many no-shows were rebooked.
grain: month × seller × segment
unique: [month, seller_id, segment]
not_null: [planned_meetings, no_shows, rebooked]
kpis:
  - name: Meeting no-show rate
    label: Taux de rendez-vous non honorés
    formula: Meetings marked no-show / meetings that were due (held + no-show).
    columns: [no_show_rate]
    numerator: no_shows
    denominator: planned_meetings
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: [activities]
  - name: No-shows rebooked
    label: Rendez-vous non honorés replanifiés
    formula: No-shows with a replacement meeting booked / no-shows.
    columns: [rebooked_rate]
    numerator: rebooked
    denominator: no_shows
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
