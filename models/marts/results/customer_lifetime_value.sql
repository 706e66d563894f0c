/*
description: >
  Customer lifetime value per segment (and 'Tous les segments'): the revenue and gross margin each customer has
  brought since its first purchase (every invoice, credit notes deducted, up to the end of the
  data), averaged over the segment's customers. Customers already buying when the billing history
  begins only show the part of their life the extract covers, so the figures are also given for the
  new customers alone (acquired within the history, see intermediate.int_acquisition_customers),
  with their average observed tenure, and the first-year margin of the new customers whose first
  year is complete (the value side of CAC vs value).
grain: segment
unique: [segment]
not_null: [customers, lifetime_revenue, lifetime_margin, new_customers, new_customer_lifetime_revenue, new_customer_lifetime_margin]
accepted_values: { segment: [Tous les segments, Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Customer lifetime value
    label: Valeur vie client
    formula: >
      Σ chiffre d'affaires (avoirs déduits) des clients du segment depuis leur premier achat /
      nombre de clients ; la version en marge utilise la marge brute. La version « nouveaux clients
      » se limite aux clients acquis pendant l'historique de facturation, dont toute la vie est
      observée.
    columns: [avg_lifetime_revenue, avg_lifetime_margin, avg_new_customer_lifetime_revenue, avg_new_customer_lifetime_margin]
    numerator: lifetime_revenue
    denominator: customers
    numerator_label: "Chiffre d'affaires depuis le premier achat"
    denominator_label: Clients
    unit: EUR
    seeds: ['004']
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
  - name: First-year margin per new customer
    label: Marge de première année par nouveau client
    formula: >
      Σ marge brute des 365 premiers jours des nouveaux clients dont la première année est achevée /
      nombre de ces clients.
    columns: [avg_first_year_margin]
    numerator: first_year_margin
    denominator: first_year_complete_customers
    numerator_label: Marge brute de première année
    denominator_label: Nouveaux clients dont la première année est achevée
    unit: EUR
    seeds: ['004']
    audiences: [A, F]
    needs: [invoices, invoice_lines]
*/
WITH customers AS (
  SELECT segment, c.* EXCLUDE (segment) FROM intermediate.int_acquisition_customers c
  UNION ALL
  SELECT 'Tous les segments', c.* EXCLUDE (segment) FROM intermediate.int_acquisition_customers c
),
per_segment AS (
  SELECT
    segment,
    count(*) AS customers,
    sum(lifetime_revenue) AS lifetime_revenue,
    sum(lifetime_margin) AS lifetime_margin,
    count(*) FILTER (WHERE is_new_customer) AS new_customers,
    coalesce(sum(lifetime_revenue) FILTER (WHERE is_new_customer), 0) AS new_customer_lifetime_revenue,
    coalesce(sum(lifetime_margin) FILTER (WHERE is_new_customer), 0) AS new_customer_lifetime_margin,
    avg(observed_days) FILTER (WHERE is_new_customer) / (365.25 / 12) AS avg_new_customer_observed_months,
    count(*) FILTER (WHERE is_new_customer AND first_year_complete) AS first_year_complete_customers,
    coalesce(sum(first_year_margin) FILTER (WHERE is_new_customer AND first_year_complete), 0) AS first_year_margin
  FROM customers
  GROUP BY segment
)
SELECT
  s.segment,
  coalesce(p.customers, 0) AS customers,
  coalesce(p.lifetime_revenue, 0) AS lifetime_revenue,
  coalesce(p.lifetime_margin, 0) AS lifetime_margin,
  safe_divide(p.lifetime_revenue, p.customers) AS avg_lifetime_revenue,
  safe_divide(p.lifetime_margin, p.customers) AS avg_lifetime_margin,
  coalesce(p.new_customers, 0) AS new_customers,
  coalesce(p.new_customer_lifetime_revenue, 0) AS new_customer_lifetime_revenue,
  coalesce(p.new_customer_lifetime_margin, 0) AS new_customer_lifetime_margin,
  safe_divide(p.new_customer_lifetime_revenue, p.new_customers) AS avg_new_customer_lifetime_revenue,
  safe_divide(p.new_customer_lifetime_margin, p.new_customers) AS avg_new_customer_lifetime_margin,
  p.avg_new_customer_observed_months,
  coalesce(p.first_year_complete_customers, 0) AS first_year_complete_customers,
  coalesce(p.first_year_margin, 0) AS first_year_margin,
  safe_divide(p.first_year_margin, p.first_year_complete_customers) AS avg_first_year_margin
FROM (VALUES ('Tous les segments'), ('Or'), ('Argent'), ('Bronze')) AS s(segment)
LEFT JOIN per_segment p USING (segment)
WHERE extract_available('invoices') AND extract_available('invoice_lines')
