/*
description: >
  Seller objectives per month, fiscal quarter and fiscal year of intermediate.int_calendar: the sum
  of the daily spread (intermediate.int_objectives_daily, employment days only) over the days the
  data covers in the period (`observed_start` to `observed_end`), so that revenue and objective are
  compared over the same days: a period cut by a start date, a leave date or the edge of the data
  carries the objective of its days only. `full_revenue_objective` is the objective of the whole
  period (days after the data included). The sums of daily shares are rounded (to the cent for revenue, to
  six decimals for counts) so a whole month's target comes back exact. Targets left empty stay NULL.
grain: period type × period start × seller
unique: [period_type, period_start, seller_id]
not_null: [revenue_objective, full_revenue_objective, objective_days]
*/
SELECT
  c.period_type,
  c.period_start,
  d.seller_id,
  round(coalesce(sum(d.revenue_objective) FILTER (WHERE d.day BETWEEN c.observed_start AND c.observed_end), 0), 2) AS revenue_objective,
  round(sum(d.new_customers_objective) FILTER (WHERE d.day BETWEEN c.observed_start AND c.observed_end), 6) AS new_customers_objective,
  round(sum(d.meetings_objective) FILTER (WHERE d.day BETWEEN c.observed_start AND c.observed_end), 6) AS meetings_objective,
  round(sum(d.revenue_objective), 2) AS full_revenue_objective,
  count(*) FILTER (WHERE d.day BETWEEN c.observed_start AND c.observed_end) AS objective_days
FROM intermediate.int_objectives_daily d
JOIN intermediate.int_calendar c
  ON c.period_type IN ('month', 'quarter', 'year') AND d.day BETWEEN c.period_start AND c.period_end
GROUP BY ALL
