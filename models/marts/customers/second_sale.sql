/*
description: >
  New customers who bought again soon, by month of first purchase (cohort), segment and acquiring
  seller. New customers: intermediate.int_customers (first invoice, accounts already
  subscribed before the billing extract begins aside). A second purchase is an invoice (not a
  credit note) dated 1 to `windows.secondSaleDays` (90) days after the first purchase day that
  either bills a deal (opportunity) not billed on the first purchase day, or bills no deal on a
  product line no subscription of the account covers on that day (a one-off sale billed outside the
  CRM). Not second sales: more invoices of the first deal (instalments), recurring subscription
  billing (invoices without a deal on a subscribed product line — counted only when subscriptions
  are provided, since otherwise they cannot be told apart), purchases on the first day itself.
  `window_complete` is false while the data does not yet cover the whole window for every customer
  of the cohort (their rate can still rise). Without billing (new customers then come from won
  deals) the second sales and the rate are NULL: the KPI needs invoices.
grain: mois de cohorte × segment × commercial ayant acquis le client
unique: [cohort_month, segment, seller_id]
not_null: [new_customers, window_complete]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Second sale within 90 days
    label: Seconde vente sous 90 jours
    formula: >
      Nouveaux clients de la cohorte ayant fait un deuxième achat (facture d'une autre affaire, ou
      facture ponctuelle sans affaire hors de leurs abonnements) 1 à N jours après le jour de leur
      premier achat (fenêtre de deuxième vente, réglage : 90 jours) / nouveaux clients de la
      cohorte.
    columns: [second_sale_rate, customers_with_second_sale]
    numerator: customers_with_second_sale
    denominator: new_customers
    numerator_label: Clients ayant fait une deuxième vente
    denominator_label: Nouveaux clients de la cohorte
    unit: rate
    seeds: ['002']
    audiences: [A, E]
    needs: [invoices, invoice_lines]
*/
WITH cohorts AS (
  SELECT * FROM intermediate.int_customers WHERE is_new_customer
),
first_day_deals AS (
  SELECT DISTINCT c.account_id, i.opportunity_id
  FROM cohorts c
  JOIN staging.stg_invoices i ON i.account_id = c.account_id AND i.invoice_date = c.first_purchase_date
  WHERE i.opportunity_id IS NOT NULL AND NOT i.is_credit_note
),
window_lines AS (
  SELECT r.account_id, r.invoice_date, r.opportunity_id, r.product_line
  FROM cohorts c
  CROSS JOIN settings.kpi k
  JOIN intermediate.int_revenue_lines r
    ON r.account_id = c.account_id AND NOT r.is_credit_note
   AND r.invoice_date > c.first_purchase_date AND r.invoice_date <= c.first_purchase_date + k.second_sale_days
),
deal_sales AS (
  SELECT w.account_id
  FROM window_lines w
  ANTI JOIN first_day_deals f ON f.account_id = w.account_id AND f.opportunity_id = w.opportunity_id
  WHERE w.opportunity_id IS NOT NULL
),
one_off_sales AS (
  SELECT w.account_id
  FROM window_lines w
  ANTI JOIN staging.stg_subscriptions s
    ON s.account_id = w.account_id AND s.product_line = w.product_line
   AND s.start_date <= w.invoice_date AND coalesce(s.end_date, DATE '9999-12-31') >= w.invoice_date
  WHERE w.opportunity_id IS NULL AND extract_available('subscriptions')
),
second_buyers AS (
  SELECT account_id FROM deal_sales
  UNION
  SELECT account_id FROM one_off_sales
),
data_end AS (
  SELECT max(data_end) AS data_end FROM intermediate.int_calendar
)
SELECT
  c.first_purchase_month AS cohort_month,
  c.segment,
  coalesce(c.acquiring_seller_id, '(none)') AS seller_id,
  any_value(s.seller_name) AS seller_name,
  any_value(s.team) AS team,
  count(*) AS new_customers,
  -- The KPI needs billing; without it the cohorts come from won deals: no figure, not one that looks billed.
  CASE WHEN billing_available() THEN count(b.account_id) END AS customers_with_second_sale,
  CASE WHEN billing_available() THEN count(b.account_id) / count(*) END AS second_sale_rate,
  any_value(CAST(c.first_purchase_month + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) + k.second_sale_days <= d.data_end) AS window_complete
FROM cohorts c
CROSS JOIN settings.kpi k
CROSS JOIN data_end d
LEFT JOIN second_buyers b ON b.account_id = c.account_id
LEFT JOIN staging.stg_sellers s ON s.seller_id = c.acquiring_seller_id
GROUP BY ALL
