/*
description: >
  Revenue, cost and gross margin per month (invoice date) by the billed customer's profile:
  segment, industry, size band (TPE / PME / ETI / GE) and region, from
  intermediate.int_revenue_lines (credit notes netted). Small by construction (its rows are bounded
  by the number of profiles, not of customers), it is the mart to filter revenue by industry and
  size; revenue, cost, margin, orders (distinct invoices, credit notes excluded: an invoice bills one
  account, so orders add up here) and units add up over any column.
grain: mois × segment × secteur × tranche de taille × région
unique: [month, segment, industry, size_band, region]
not_null: [revenue, orders, customers]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné)], size_band: [TPE, PME, ETI, GE, (non renseigné)] }
kpis:
  - name: Revenue by customer profile
    requires: [revenue]
    on_bookings: true
    label: Chiffre d'affaires par secteur et taille
    formula: >
      Σ montants nets facturés (avoirs déduits) des clients du secteur, de la tranche de taille, de
      la région et du segment, par date de facture.
    columns: [revenue]
    unit: EUR
    seeds: ['003', '004']
    audiences: [A, E, F]
  - name: Gross margin by customer profile
    label: Marge brute par secteur et taille
    formula: >
      Chiffre d'affaires − coût des biens et services vendus des clients du profil ; taux de marge =
      marge / chiffre d'affaires.
    columns: [margin, margin_rate]
    numerator: margin
    denominator: revenue
    numerator_label: Marge brute
    denominator_label: "Chiffre d'affaires"
    unit: rate
    seeds: ['003', '004']
    audiences: [A, F]
*/
SELECT
  month,
  segment,
  industry,
  size_band,
  region,
  sum(revenue) AS revenue,
  sum(cost) AS cost,
  sum(margin) AS margin,
  safe_divide(sum(margin), sum(revenue)) AS margin_rate,
  sum(quantity) AS units,
  count(DISTINCT invoice_id) FILTER (WHERE NOT is_credit_note) AS orders,
  count(DISTINCT account_id) AS customers
FROM intermediate.int_revenue_lines
GROUP BY ALL
