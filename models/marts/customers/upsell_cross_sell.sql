/*
description: >
  Customers who bought more per month, quarter and year, by segment. Customers at the start of a
  period (the denominator of both rates): accounts with a subscription active the day before the
  period starts, or invoiced (credit notes aside) in the 365 days before it. Upsell: such a customer
  started in the period a subscription whose plan_tier is higher than every subscription it held on
  the same product line the day before (an upgrade; a plan started after a gap, or a lower tier,
  is not an upsell). Cross-sell: such a customer bought in the period a product line it had never
  had before — first subscription on that line, or first invoice line (credit notes aside) on it,
  whichever came first. The period runs to its last day, or the last day of data for the current
  period. Upsell needs subscriptions (plan tiers only exist there) and is NULL without them;
  cross-sell needs billing and also reads subscriptions when provided; the base uses whichever of
  the two was provided. Product lines bought before the billing extract begins are unknown, so in
  the first year of data a repeat purchase can pass for a cross-sell.
grain: type de période × début de période × segment
unique: [period_type, period_start, segment]
not_null: [period_end, is_complete_period]
accepted_values: { period_type: [month, quarter, year], segment: [Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Upsell rate
    label: Taux de montée en gamme (upsell)
    formula: >
      Clients en début de période ayant souscrit dans la période un abonnement d'une formule
      supérieure à celles qu'ils avaient la veille sur la même gamme / clients en début de période
      (abonnement actif la veille, ou facturés dans les 365 jours précédents).
    columns: [upsell_rate, upsell_customers]
    numerator: upsell_customers
    denominator: customers_at_start
    numerator_label: Clients ayant monté en gamme
    denominator_label: Clients en début de période
    unit: rate
    seeds: ['003']
    audiences: [A, E, F]
    needs: [subscriptions]
  - name: Cross-sell rate
    label: Taux de vente croisée (cross-sell)
    formula: >
      Clients en début de période ayant acheté dans la période une gamme qu'ils n'avaient jamais eue
      (premier abonnement ou première ligne de facture sur celle-ci) / clients en début de période.
    columns: [cross_sell_rate, cross_sell_customers]
    numerator: cross_sell_customers
    denominator: customers_at_start
    numerator_label: Clients ayant acheté une nouvelle gamme
    denominator_label: Clients en début de période
    unit: rate
    seeds: ['003']
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
*/
WITH availability AS (
  SELECT extract_available('subscriptions') AS subscriptions,
         extract_available('invoices') AND extract_available('invoice_lines') AS billing
),
periods AS (
  SELECT period_type, period_start, period_end, observed_end, is_complete FROM intermediate.int_calendar
  WHERE period_type IN ('month', 'quarter', 'year')
),
-- The period starts on which an account counts as a customer, as intervals [lo, hi].
customer_starts AS (
  SELECT account_id, start_date + 1 AS lo, coalesce(end_date, DATE '9999-12-30') + 1 AS hi
  FROM staging.stg_subscriptions
  UNION ALL
  SELECT DISTINCT account_id, invoice_date + 1 AS lo, invoice_date + 365 AS hi
  FROM staging.stg_invoices
  WHERE NOT is_credit_note
),
ordered AS (
  SELECT *, max(hi) OVER (PARTITION BY account_id ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_hi
  FROM customer_starts
),
numbered AS (
  SELECT *, sum(CASE WHEN previous_hi IS NULL OR lo > previous_hi + 1 THEN 1 ELSE 0 END)
              OVER (PARTITION BY account_id ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS island
  FROM ordered
),
islands AS (
  SELECT account_id, min(lo) AS lo, max(hi) AS hi FROM numbered GROUP BY account_id, island
),
base AS (
  SELECT p.period_type, p.period_start, p.observed_end, i.account_id
  FROM periods p
  JOIN islands i ON p.period_start BETWEEN i.lo AND i.hi
),
line_firsts AS (
  SELECT account_id, product_line, min(first_day) AS first_day
  FROM (
    SELECT account_id, product_line, start_date AS first_day FROM staging.stg_subscriptions
    UNION ALL
    SELECT account_id, product_line, invoice_date FROM intermediate.int_revenue_lines WHERE NOT is_credit_note AND revenue > 0
  ) AS t
  GROUP BY ALL
),
cross_sells AS (
  SELECT DISTINCT b.period_type, b.period_start, b.account_id
  FROM base b
  JOIN line_firsts f ON f.account_id = b.account_id AND f.first_day BETWEEN b.period_start AND b.observed_end
),
upgrades AS (
  SELECT n.account_id, n.start_date
  FROM staging.stg_subscriptions n
  JOIN staging.stg_subscriptions o
    ON o.account_id = n.account_id AND o.product_line = n.product_line AND o.subscription_id <> n.subscription_id
   AND o.start_date <= n.start_date - 1 AND coalesce(o.end_date, DATE '9999-12-31') >= n.start_date - 1
  GROUP BY n.subscription_id, n.account_id, n.start_date, n.plan_tier
  HAVING n.plan_tier > max(o.plan_tier)
),
upsells AS (
  SELECT DISTINCT b.period_type, b.period_start, b.account_id
  FROM base b
  JOIN upgrades u ON u.account_id = b.account_id AND u.start_date BETWEEN b.period_start AND b.observed_end
),
flagged AS (
  SELECT b.period_type, b.period_start, a.segment,
         count(*) AS customers_at_start,
         count(u.account_id) AS upsell_customers,
         count(c.account_id) AS cross_sell_customers,
         count(*) FILTER (WHERE u.account_id IS NOT NULL OR c.account_id IS NOT NULL) AS expanding_customers
  FROM base b
  JOIN staging.stg_accounts a ON a.account_id = b.account_id
  LEFT JOIN upsells u ON u.period_type = b.period_type AND u.period_start = b.period_start AND u.account_id = b.account_id
  LEFT JOIN cross_sells c ON c.period_type = b.period_type AND c.period_start = b.period_start AND c.account_id = b.account_id
  GROUP BY ALL
),
figures AS (
  SELECT
    p.period_type,
    p.period_start,
    p.period_end,
    p.is_complete AS is_complete_period,
    s.segment,
    CASE WHEN v.subscriptions OR v.billing THEN coalesce(f.customers_at_start, 0) END AS customers_at_start,
    CASE WHEN v.subscriptions THEN coalesce(f.upsell_customers, 0) END AS upsell_customers,
    CASE WHEN v.billing THEN coalesce(f.cross_sell_customers, 0) END AS cross_sell_customers,
    CASE WHEN v.subscriptions AND v.billing THEN coalesce(f.expanding_customers, 0) END AS expanding_customers
  FROM periods p
  CROSS JOIN (SELECT DISTINCT segment FROM staging.stg_accounts) s
  CROSS JOIN availability v
  LEFT JOIN flagged f ON f.period_type = p.period_type AND f.period_start = p.period_start AND f.segment = s.segment
)
SELECT
  *,
  safe_divide(upsell_customers, customers_at_start) AS upsell_rate,
  safe_divide(cross_sell_customers, customers_at_start) AS cross_sell_rate,
  safe_divide(expanding_customers, customers_at_start) AS expansion_rate
FROM figures
