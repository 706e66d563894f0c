/*
description: >
  Leads by month of creation, segment, source, warmth and owner: how many engaged in a two-way
  exchange, were qualified, became an opportunity and a customer. Leads never engaged (no two-way
  interaction ever) and never touched at all are counted here too.
grain: mois de création du lead × segment × source × chaleur × commercial propriétaire
unique: [month, segment, source, warmth, owner_seller_id]
not_null: [leads, customer_leads]
kpis:
  - name: Lead to customer rate
    label: Taux de transformation lead → client
    formula: >
      Leads devenus nouveaux clients (premier achat du compte à la date du lead ou après ; un lead
      sur un compte déjà client compte parmi les leads, pas parmi les clients gagnés) / tous les
      leads créés (prospects, pas seulement les leads qualifiés), par mois de création du lead.
    columns: [lead_to_customer_rate]
    numerator: customer_leads
    denominator: leads
    numerator_label: Leads devenus nouveaux clients
    denominator_label: Leads créés
    unit: rate
    seeds: ['002']
    audiences: [A, E]
    needs: [leads]
  - name: Leads never engaged
    label: Leads jamais engagés
    formula: >
      Leads sans aucun échange dans les deux sens (ni appel ni rendez-vous tenu, ni réponse reçue) /
      tous les leads.
    columns: [never_engaged_rate, never_engaged_leads, never_touched_leads]
    numerator: never_engaged_leads
    denominator: leads
    numerator_label: Leads jamais engagés
    denominator_label: Leads créés
    unit: rate
    seeds: ['002']
    audiences: [A, E]
    needs: [leads, activities]
*/
SELECT
  created_month AS month,
  coalesce(segment, 'Inconnu') AS segment,
  source,
  warmth,
  coalesce(owner_seller_id, 'Non attribué') AS owner_seller_id,
  count(*) AS leads,
  count(*) FILTER (WHERE qualified) AS qualified_leads,
  count(*) FILTER (WHERE became_opportunity) AS opportunity_leads,
  count(*) FILTER (WHERE became_customer) AS customer_leads,
  safe_divide(count(*) FILTER (WHERE became_customer), count(*)) AS lead_to_customer_rate,
  CASE WHEN extract_available('activities') THEN count(*) FILTER (WHERE engaged) END AS engaged_leads,
  CASE WHEN extract_available('activities') THEN count(*) FILTER (WHERE NOT engaged) END AS never_engaged_leads,
  count(*) FILTER (WHERE first_touch_at IS NULL) AS never_touched_leads,
  CASE WHEN extract_available('activities') THEN safe_divide(count(*) FILTER (WHERE NOT engaged), count(*)) END AS never_engaged_rate
FROM intermediate.int_lead_engagement
GROUP BY ALL
