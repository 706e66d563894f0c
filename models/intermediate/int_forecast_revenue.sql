/*
description: >
  For each forecast cutoff, per seller, team and segment, the revenue already made in the period
  before as_of (revenue_to_date, from intermediate.int_revenue_lines, the basis every mart uses),
  and the two run-rates carried forward over the days left: recurring revenue (lines billing no
  deal: subscriptions, with billing provided) and all revenue, each averaged over the
  `forecast.runRateMonths` full months before as_of and scaled to the days left (month = 365.25 / 12
  days). Only lines dated before as_of are read.
grain: as-of date × period type × seller × segment
unique: [as_of, period_type, seller_id, segment]
not_null: [revenue_to_date, recurring_forward, run_rate_forward]
*/
WITH c AS (
  SELECT c.*, k.forecast_run_rate_months AS rr_months,
         CAST(date_trunc('month', c.as_of) - to_months(CAST(k.forecast_run_rate_months AS INTEGER)) AS DATE) AS rr_start,
         CAST(date_trunc('month', c.as_of) AS DATE) AS rr_end
  FROM intermediate.int_forecast_cutoffs c CROSS JOIN settings.kpi k
),
-- Revenue lines summed per day × seller × team × segment first (exact decimals: the same sums),
-- so that each cutoff reads days, not lines: the join below grows with days × sellers, not with
-- the invoice lines times the cutoffs.
daily AS (
  SELECT invoice_date, coalesce(seller_id, '(non attribué)') AS seller_id, team, segment,
         sum(revenue) AS revenue,
         sum(revenue) FILTER (WHERE opportunity_id IS NULL AND revenue_basis = 'invoiced') AS recurring
  FROM intermediate.int_revenue_lines
  GROUP BY ALL
)
SELECT c.as_of, c.period_type, r.seller_id, any_value(r.team) AS team, r.segment,
       coalesce(sum(r.revenue) FILTER (WHERE r.invoice_date >= c.period_start), 0) AS revenue_to_date,
       coalesce(sum(r.recurring) FILTER (WHERE r.invoice_date >= c.rr_start AND r.invoice_date < c.rr_end), 0)
         / any_value(c.rr_months) * any_value(c.horizon_days) / (365.25 / 12) AS recurring_forward,
       coalesce(sum(r.revenue) FILTER (WHERE r.invoice_date >= c.rr_start AND r.invoice_date < c.rr_end), 0)
         / any_value(c.rr_months) * any_value(c.horizon_days) / (365.25 / 12) AS run_rate_forward
FROM c
JOIN daily r
  ON r.invoice_date < c.as_of AND r.invoice_date >= least(c.period_start, c.rr_start)
GROUP BY c.as_of, c.period_type, r.seller_id, r.segment
