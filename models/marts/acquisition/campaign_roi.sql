/*
description: >
  Return on each marketing campaign, programme or event: its cost (all its marketing spend) against
  what its leads brought: leads credited (attribution weights of
  intermediate.int_acquisition_lead_attribution, so a lead shared by two campaigns counts for its
  weight in each), the deals qualified from those leads (opportunities with the lead's lead_id),
  the deals won, their signed amount, and the revenue and gross margin invoiced on those won deals
  (invoices carrying the deal's opportunity_id, credit notes deducted), all weighted by
  attribution. ROI = (won margin − cost) / cost. Add campaigns up per channel or for events by
  summing. Figures needing an extract that was not provided are NULL.
grain: campagne
unique: [campaign_id]
not_null: [attributed_leads, attributed_opportunities, won_deals, won_amount]
accepted_values: { channel: [paid_search, paid_social, event, webinar, email, content, partner, (non renseigné)] }
kpis:
  - name: Campaign ROI
    label: Retour sur investissement des campagnes
    formula: >
      (marge brute facturée sur les affaires gagnées issues des leads de la campagne, pondérée par
      l'attribution − dépenses de la campagne) / dépenses de la campagne. Par canal ou par événement
      : additionner marges gagnées et coûts, puis diviser.
    columns: [roi, net_return, cost, won_margin]
    numerator: net_return
    denominator: cost
    numerator_label: Marge gagnée moins dépenses
    denominator_label: Dépenses de la campagne
    unit: rate
    seeds: ['001']
    audiences: [A, E, F]
    needs: [marketing_spend, leads, invoices, invoice_lines]
  - name: Campaign won revenue
    label: CA gagné par campagne
    formula: >
      Chiffre d'affaires facturé sur les affaires gagnées qualifiées à partir des leads de la
      campagne (pondéré par l'attribution), avec les affaires gagnées et leur montant signé ;
      chiffre d'affaires par euro dépensé = chiffre d'affaires gagné / dépenses.
    columns: [won_revenue, won_deals, won_amount, revenue_per_euro]
    numerator: won_revenue
    denominator: cost
    numerator_label: "Chiffre d'affaires gagné"
    denominator_label: Dépenses de la campagne
    unit: EUR
    seeds: ['001']
    audiences: [A, E, F]
    needs: [marketing_spend, leads, invoices, invoice_lines]
*/
WITH available AS (
  SELECT
    extract_available('marketing_spend') AS has_spend,
    extract_available('invoices') AND extract_available('invoice_lines') AS has_billing
),
spend AS (
  SELECT campaign_id, sum(amount) AS cost, min(spend_date) AS first_spend_date, max(spend_date) AS last_spend_date
  FROM staging.stg_marketing_spend
  GROUP BY ALL
),
deal_revenue AS (
  SELECT opportunity_id, sum(revenue) AS revenue, sum(margin) AS margin
  FROM intermediate.int_revenue_lines
  WHERE opportunity_id IS NOT NULL
  GROUP BY ALL
),
deals AS (
  SELECT
    o.lead_id,
    count(*) AS opportunities,
    count(*) FILTER (WHERE o.is_won) AS won,
    coalesce(sum(o.amount) FILTER (WHERE o.is_won), 0) AS won_amount,
    coalesce(sum(r.revenue) FILTER (WHERE o.is_won), 0) AS won_revenue,
    coalesce(sum(r.margin) FILTER (WHERE o.is_won), 0) AS won_margin
  FROM staging.stg_opportunities o
  LEFT JOIN deal_revenue r ON r.opportunity_id = o.opportunity_id
  WHERE o.lead_id IS NOT NULL
  GROUP BY ALL
),
results AS (
  SELECT
    a.campaign_id,
    sum(a.weight) AS attributed_leads,
    coalesce(sum(a.weight * d.opportunities), 0) AS attributed_opportunities,
    coalesce(sum(a.weight * d.won), 0) AS won_deals,
    coalesce(sum(a.weight * d.won_amount), 0) AS won_amount,
    coalesce(sum(a.weight * d.won_revenue), 0) AS won_revenue,
    coalesce(sum(a.weight * d.won_margin), 0) AS won_margin
  FROM intermediate.int_acquisition_lead_attribution a
  LEFT JOIN deals d ON d.lead_id = a.lead_id
  GROUP BY ALL
),
campaigns AS (
  SELECT campaign_id FROM staging.stg_campaigns
  UNION
  SELECT campaign_id FROM spend
  UNION
  SELECT campaign_id FROM results
),
figures AS (
  SELECT
    k.campaign_id,
    c.campaign_name,
    c.channel,
    c.is_event,
    c.target_segment,
    c.start_date,
    c.end_date,
    CASE WHEN av.has_spend THEN coalesce(s.cost, 0) END AS cost,
    coalesce(r.attributed_leads, 0) AS attributed_leads,
    coalesce(r.attributed_opportunities, 0) AS attributed_opportunities,
    coalesce(r.won_deals, 0) AS won_deals,
    coalesce(r.won_amount, 0) AS won_amount,
    CASE WHEN av.has_billing THEN coalesce(r.won_revenue, 0) END AS won_revenue,
    CASE WHEN av.has_billing THEN coalesce(r.won_margin, 0) END AS won_margin
  FROM campaigns k
  CROSS JOIN available av
  LEFT JOIN staging.stg_campaigns c ON c.campaign_id = k.campaign_id
  LEFT JOIN spend s ON s.campaign_id = k.campaign_id
  LEFT JOIN results r ON r.campaign_id = k.campaign_id
)
SELECT
  *,
  safe_divide(won_deals, attributed_leads) AS lead_to_win_rate,
  safe_divide(cost, attributed_leads) AS cost_per_lead,
  won_margin - cost AS net_return,
  safe_divide(won_margin - cost, cost) AS roi,
  safe_divide(won_revenue, cost) AS revenue_per_euro
FROM figures
