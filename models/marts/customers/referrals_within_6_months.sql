/*
description: >
  New customers who recommended the company soon after buying, by month of first purchase (cohort)
  and segment: new customers (intermediate.int_customers: first invoice, accounts already
  subscribed before the billing extract begins aside) who gave at least one referral judged valid
  (`is_valid`) dated from their first purchase day to `windows.referralMonths` (6) months after it,
  that day included (first purchase 10 January → referrals up to 10 July). Referrals given before
  the first purchase do not count. NULL (not 0) when referrals were not provided.
  `window_complete` is false while the data does not yet cover the whole window for every customer
  of the cohort.
grain: mois de cohorte × segment
unique: [cohort_month, segment]
not_null: [new_customers, window_complete]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Referral within 6 months
    label: Recommandation sous 6 mois
    formula: >
      Nouveaux clients de la cohorte ayant fait une recommandation valable entre le jour de leur
      premier achat et la fin de la fenêtre de recommandation (réglage, 6 mois) / nouveaux clients
      de la cohorte.
    columns: [referral_rate, customers_referring]
    numerator: customers_referring
    denominator: new_customers
    numerator_label: Clients ayant recommandé
    denominator_label: Nouveaux clients de la cohorte
    unit: rate
    seeds: ['002']
    audiences: [A, E]
    needs: [referrals, invoices, invoice_lines]
*/
WITH cohorts AS (
  SELECT * FROM intermediate.int_customers WHERE is_new_customer
),
referring AS (
  SELECT DISTINCT c.account_id
  FROM cohorts c
  CROSS JOIN settings.kpi k
  JOIN staging.stg_referrals r
    ON r.referrer_account_id = c.account_id AND r.is_valid
   AND r.referred_at >= c.first_purchase_date
   AND r.referred_at <= CAST(c.first_purchase_date + to_months(k.referral_months) AS DATE)
),
data_end AS (
  SELECT max(data_end) AS data_end FROM intermediate.int_calendar
),
figures AS (
  SELECT
    c.first_purchase_month AS cohort_month,
    c.segment,
    count(*) AS new_customers,
    -- Needs billing too (first purchases); without it the cohorts come from won deals: no figure.
    CASE WHEN extract_available('referrals') AND billing_available() THEN count(r.account_id) END AS customers_referring,
    any_value(CAST(c.first_purchase_month + INTERVAL 1 MONTH - INTERVAL 1 DAY + to_months(k.referral_months) AS DATE) <= d.data_end) AS window_complete
  FROM cohorts c
  CROSS JOIN settings.kpi k
  CROSS JOIN data_end d
  LEFT JOIN referring r ON r.account_id = c.account_id
  GROUP BY ALL
)
SELECT *, safe_divide(customers_referring, new_customers) AS referral_rate
FROM figures
