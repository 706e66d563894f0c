/*
description: >
  Every amount read is accounted for: per extract and currency, the money read from the files equals
  the money loaded plus the money held out, plus (with --as-of) the money of the rows after the as-of
  day left out of scope (audit.money.amount_after_as_of), to the cent; and the money loaded equals
  what the raw tables hold (Σ of the amount column, in the file's currency). Returns the rows that do
  not add up.
model: marts.money_accounting
*/
WITH raw_totals AS (
  SELECT 'opportunities' AS extract, currency, sum(amount) AS amount FROM raw.opportunities GROUP BY ALL
  UNION ALL
  SELECT 'invoice_lines', i.currency, sum(l.net_amount) FROM raw.invoice_lines l JOIN raw.invoices i USING (invoice_id) GROUP BY ALL
  UNION ALL
  SELECT 'subscriptions', currency, sum(monthly_amount) FROM raw.subscriptions GROUP BY ALL
  UNION ALL
  SELECT 'marketing_spend', currency, sum(amount) FROM raw.marketing_spend GROUP BY ALL
),
after_as_of AS (
  SELECT extract, coalesce(currency, '(inconnue)') AS currency, sum(amount_after_as_of) AS amount
  FROM audit.money GROUP BY ALL
)
SELECT m.extract, m.currency, m.amount_read, m.amount_loaded, m.amount_held_out, a.amount AS amount_after_as_of, r.amount AS raw_amount
FROM marts.money_accounting m
LEFT JOIN raw_totals r ON r.extract = m.extract AND r.currency = m.currency
LEFT JOIN after_as_of a ON a.extract = m.extract AND a.currency = m.currency
WHERE round(m.amount_read - m.amount_loaded - m.amount_held_out - coalesce(a.amount, 0), 2) <> 0
   OR round(m.amount_loaded - coalesce(r.amount, 0), 2) <> 0
