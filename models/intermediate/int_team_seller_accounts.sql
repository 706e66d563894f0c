/*
description: >
  Revenue and gross margin (intermediate.int_revenue_lines, credit notes netted) per seller credited,
  account billed and period (month, quarter and year of the invoice date). Lines credited to no
  seller (no deal and no account owner) are left out. `billed` is true when the seller issued at
  least one invoice (not a credit note) to the account in the period: the accounts a seller bills.
  The base of the seller revenue, concentration and revenue-at-risk marts.
grain: period type × period start × seller × account
unique: [period_type, period_start, seller_id, account_id]
not_null: [revenue, billed]
*/
SELECT
  p.period_type,
  period_start_of(p.period_type, r.invoice_date) AS period_start,
  r.seller_id,
  r.account_id,
  sum(r.revenue) AS revenue,
  sum(r.margin) AS margin,
  bool_or(NOT r.is_credit_note) AS billed
FROM intermediate.int_revenue_lines r
CROSS JOIN (VALUES ('month'), ('quarter'), ('year')) AS p(period_type)
WHERE r.seller_id IS NOT NULL
GROUP BY ALL
