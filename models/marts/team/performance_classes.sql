/*
description: >
  How many sellers fall in each performance class per year and role (marts.performance_distribution:
  over-performing / average / under-performing on a composite of revenue, leads, qualification,
  proposals and wins) and how much of the role's revenue each class brings — the 5–10 % / 80–90 % /
  5–10 % pattern of [004] and the over-performers' share of revenue ("30 to 40 % is the risk
  zone"). Every class has a row, with 0 sellers when empty.
grain: année × rôle × classe de performance
unique: [year, role, performance_class]
not_null: [sellers, sellers_in_role, is_complete_year]
accepted_values: { performance_class: [over_performing, average, under_performing] }
kpis:
  - name: Sellers per performance class
    label: Répartition des commerciaux par classe de performance
    formula: >
      Commerciaux de la classe / commerciaux du rôle employés dans l'année (classes de la
      répartition des performances).
    columns: [sellers, seller_share]
    numerator: sellers
    denominator: sellers_in_role
    numerator_label: Commerciaux de la classe
    denominator_label: Commerciaux du rôle
    unit: rate
    seeds: ['004']
    audiences: [A, E]
    needs: []
  - name: Revenue share per performance class
    requires: [revenue]
    on_bookings: true
    label: Part du CA par classe de performance
    formula: >
      Chiffre d'affaires des commerciaux de la classe / chiffre d'affaires de tous les commerciaux
      du rôle employés dans l'année.
    columns: [revenue, revenue_share]
    numerator: revenue
    denominator: role_revenue
    numerator_label: "Chiffre d'affaires de la classe"
    denominator_label: "Chiffre d'affaires du rôle"
    unit: rate
    seeds: ['004']
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
*/
WITH roles AS (
  -- The role's rated sellers (a seller with no activity in the year has no class).
  SELECT year, role, any_value(is_complete_year) AS is_complete_year, count(*) FILTER (WHERE is_rated) AS sellers_in_role, sum(revenue) AS role_revenue
  FROM marts.performance_distribution
  GROUP BY year, role
),
classes AS (
  SELECT r.*, c.performance_class, c.class_order
  FROM roles r
  CROSS JOIN (VALUES ('over_performing', 1), ('average', 2), ('under_performing', 3)) AS c(performance_class, class_order)
),
counts AS (
  SELECT year, role, performance_class, count(*) AS sellers, sum(revenue) AS revenue
  FROM marts.performance_distribution
  GROUP BY ALL
)
SELECT
  c.year,
  c.role,
  c.performance_class,
  c.class_order,
  c.is_complete_year,
  coalesce(n.sellers, 0) AS sellers,
  c.sellers_in_role,
  safe_divide(coalesce(n.sellers, 0), c.sellers_in_role) AS seller_share,
  CASE WHEN c.role_revenue IS NOT NULL THEN coalesce(n.revenue, 0) END AS revenue,
  c.role_revenue,
  safe_divide(CASE WHEN c.role_revenue IS NOT NULL THEN coalesce(n.revenue, 0) END, c.role_revenue) AS revenue_share
FROM classes c
LEFT JOIN counts n USING (year, role, performance_class)
