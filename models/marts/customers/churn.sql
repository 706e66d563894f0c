/*
description: >
  Customers and recurring revenue lost per month, quarter and year, by segment, from the
  subscriptions. A subscription is active on day d when start_date ≤ d ≤ end_date (no end date: still
  active). Customers at the start of a period: accounts with at least one subscription active on the
  day before the period starts; their MRR at start is the monthly amount of those subscriptions. A
  customer is lost in the period when none of its subscriptions is active on the period's last day
  (or the last day of data, for the current period) — whether its subscriptions ended or were
  replaced by ones that also ended; a customer that ended one subscription but holds another at the
  end (a new one included) is kept. So a subscription whose last day is 31 March is lost in April.
  MRR lost = churned MRR (the whole start MRR of lost customers) + contraction MRR (for kept
  customers, how much lower their MRR is at the end than at the start, never negative: an upgrade
  replacing a plan is not a loss). ended_subscriptions_mrr adds up every subscription active at the
  start and ended by the end, replaced or not, for reference. NULL (not 0) when subscriptions were
  not provided, and for periods starting before the subscriptions' history does (the day before the
  period is earlier than the first start_date): who was a customer then is unknown, not zero.
grain: type de période × début de période × segment
unique: [period_type, period_start, segment]
not_null: [period_end, is_complete_period]
accepted_values: { period_type: [month, quarter, year], segment: [Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Churn rate
    label: Taux d'attrition (clients)
    formula: >
      Clients ayant un abonnement actif la veille du début de la période et aucun actif le dernier
      jour de celle-ci (ou le dernier jour des données) / clients ayant un abonnement actif la
      veille du début de la période.
    columns: [churn_rate, customers_lost]
    numerator: customers_lost
    denominator: customers_at_start
    numerator_label: Clients perdus
    denominator_label: Clients en début de période
    unit: rate
    seeds: ['003']
    audiences: [A, E, F]
    needs: [subscriptions]
  - name: Revenue churn rate
    label: Taux d'attrition du revenu mensuel récurrent
    formula: >
      (revenu mensuel récurrent en début de période des clients perdus + baisse du revenu mensuel
      récurrent des clients conservés) / revenu mensuel récurrent en début de période (montants
      mensuels des abonnements actifs la veille du début de la période).
    columns: [revenue_churn_rate, lost_mrr, churned_mrr, contraction_mrr]
    numerator: lost_mrr
    denominator: mrr_at_start
    numerator_label: Revenu mensuel récurrent perdu
    denominator_label: Revenu mensuel récurrent en début de période
    unit: rate
    seeds: ['003']
    audiences: [A, E, F]
    needs: [subscriptions]
*/
WITH periods AS (
  SELECT period_type, period_start, period_end, observed_end, is_complete, CAST(period_start - 1 AS DATE) AS start_eve
  FROM intermediate.int_calendar
  WHERE period_type IN ('month', 'quarter', 'year')
),
subscriptions AS (
  SELECT s.account_id, a.segment, s.mrr, s.start_date, coalesce(s.end_date, DATE '9999-12-31') AS end_date
  FROM staging.stg_subscriptions s
  JOIN staging.stg_accounts a USING (account_id)
),
customer_periods AS (
  SELECT
    p.period_type,
    p.period_start,
    s.segment,
    s.account_id,
    count(*) FILTER (WHERE s.start_date <= p.start_eve AND s.end_date >= p.start_eve) AS subscriptions_at_start,
    sum(s.mrr) FILTER (WHERE s.start_date <= p.start_eve AND s.end_date >= p.start_eve) AS mrr_at_start,
    count(*) FILTER (WHERE s.start_date <= p.observed_end AND s.end_date >= p.observed_end) AS subscriptions_at_end,
    coalesce(sum(s.mrr) FILTER (WHERE s.start_date <= p.observed_end AND s.end_date >= p.observed_end), 0) AS mrr_at_end,
    coalesce(sum(s.mrr) FILTER (WHERE s.start_date <= p.start_eve AND s.end_date >= p.start_eve AND s.end_date < p.observed_end), 0) AS ended_mrr
  FROM periods p
  JOIN subscriptions s ON s.start_date <= p.observed_end AND s.end_date >= p.start_eve
  GROUP BY ALL
),
segments AS (
  SELECT period_type, period_start, segment,
         count(*) AS customers_at_start,
         count(*) FILTER (WHERE subscriptions_at_end = 0) AS customers_lost,
         sum(mrr_at_start) AS mrr_at_start,
         coalesce(sum(mrr_at_start) FILTER (WHERE subscriptions_at_end = 0), 0) AS churned_mrr,
         coalesce(sum(greatest(mrr_at_start - mrr_at_end, 0)) FILTER (WHERE subscriptions_at_end > 0), 0) AS contraction_mrr,
         sum(ended_mrr) AS ended_subscriptions_mrr
  FROM customer_periods
  WHERE subscriptions_at_start > 0
  GROUP BY ALL
),
-- Before the first subscription of the extract, the customer base is unknown: no figure, not 0 %.
history AS (
  SELECT min(start_date) AS history_start FROM staging.stg_subscriptions
),
grid AS (
  SELECT p.*, a.segment, extract_available('subscriptions') AND p.start_eve >= h.history_start AS available
  FROM periods p
  CROSS JOIN history h
  CROSS JOIN (SELECT DISTINCT segment FROM staging.stg_accounts) a
),
figures AS (
  SELECT
    g.period_type,
    g.period_start,
    g.period_end,
    g.is_complete AS is_complete_period,
    g.segment,
    CASE WHEN g.available THEN coalesce(s.customers_at_start, 0) END AS customers_at_start,
    CASE WHEN g.available THEN coalesce(s.customers_lost, 0) END AS customers_lost,
    CASE WHEN g.available THEN coalesce(s.mrr_at_start, 0) END AS mrr_at_start,
    CASE WHEN g.available THEN coalesce(s.churned_mrr, 0) END AS churned_mrr,
    CASE WHEN g.available THEN coalesce(s.contraction_mrr, 0) END AS contraction_mrr,
    CASE WHEN g.available THEN coalesce(s.ended_subscriptions_mrr, 0) END AS ended_subscriptions_mrr
  FROM grid g
  LEFT JOIN segments s USING (period_type, period_start, segment)
)
SELECT
  *,
  safe_divide(customers_lost, customers_at_start) AS churn_rate,
  churned_mrr + contraction_mrr AS lost_mrr,
  safe_divide(churned_mrr + contraction_mrr, mrr_at_start) AS revenue_churn_rate
FROM figures
