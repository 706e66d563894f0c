/*
description: >
  Time from lead creation to first seller touch, by month of creation, warmth (hot = demo request,
  cold = white-paper download) and source: leads, leads touched, average and median hours, and the
  share touched within 1 hour and within 24 hours.
grain: mois de création du lead × chaleur × source
unique: [month, warmth, source]
not_null: [leads, touched_leads]
kpis:
  - name: Lead response time
    label: Délai de première prise de contact
    formula: >
      Σ heures entre la création du lead et le premier contact d'un commercial / leads contactés
      (moyenne), et la médiane, par chaleur du lead.
    columns: [avg_response_hours, median_response_hours]
    numerator: total_response_hours
    denominator: touched_leads
    numerator_label: Heures avant premier contact, cumulées
    denominator_label: Leads contactés
    unit: hours
    seeds: ['003']
    audiences: [A, E]
    needs: [leads]
  - name: Leads touched within 24 hours
    label: Leads contactés sous 24 h
    formula: >
      Leads contactés pour la première fois dans les 24 heures suivant leur création / tous les
      leads.
    columns: [within_24h_rate]
    numerator: touched_within_24h
    denominator: leads
    numerator_label: Leads contactés sous 24 heures
    denominator_label: Leads créés
    unit: rate
    seeds: ['003']
    audiences: [A]
    needs: [leads]
*/
SELECT
  created_month AS month,
  warmth,
  source,
  count(*) AS leads,
  count(first_touch_at) AS touched_leads,
  sum(response_hours) AS total_response_hours,
  avg(response_hours) AS avg_response_hours,
  median(response_hours) AS median_response_hours,
  count(*) FILTER (WHERE response_hours <= 1) AS touched_within_1h,
  count(*) FILTER (WHERE response_hours <= 24) AS touched_within_24h,
  safe_divide(count(*) FILTER (WHERE response_hours <= 24), count(*)) AS within_24h_rate
FROM intermediate.int_lead_engagement
GROUP BY ALL
