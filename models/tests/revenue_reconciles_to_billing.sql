/*
description: >
  Revenue in marts.revenue_and_margin equals the invoice lines loaded (Σ net amounts converted to the
  reporting currency, staging.stg_invoice_lines) to the cent, in total and month by month (invoice
  date); returns the total and the months that differ. Money held out at load is not a failure
  here: marts.reconciliation compares with the files and says held_out. Skipped without billing.
model: marts.revenue_and_margin
*/
WITH billing_lines AS (
  SELECT l.revenue AS net_amount, CAST(date_trunc('month', i.invoice_date) AS DATE) AS month
  FROM staging.stg_invoice_lines l
  LEFT JOIN staging.stg_invoices i ON i.invoice_id = l.invoice_id
),
overall AS (
  SELECT
    'total' AS scope,
    CAST(NULL AS DATE) AS month,
    (SELECT coalesce(sum(revenue), 0) FROM marts.revenue_and_margin) AS mart_revenue,
    (SELECT coalesce(sum(net_amount), 0) FROM billing_lines) AS billing_revenue
),
monthly AS (
  SELECT
    'month' AS scope,
    coalesce(m.month, b.month) AS month,
    coalesce(m.revenue, 0) AS mart_revenue,
    coalesce(b.revenue, 0) AS billing_revenue
  FROM (SELECT month, sum(revenue) AS revenue FROM marts.revenue_and_margin GROUP BY month) m
  FULL OUTER JOIN (SELECT month, sum(net_amount) AS revenue FROM billing_lines GROUP BY month) b ON b.month IS NOT DISTINCT FROM m.month
)
SELECT scope, month, mart_revenue, billing_revenue, mart_revenue - billing_revenue AS difference
FROM (SELECT * FROM overall UNION ALL SELECT * FROM monthly)
WHERE extract_available('invoices') AND extract_available('invoice_lines')
  AND round(mart_revenue - billing_revenue, 2) <> 0
