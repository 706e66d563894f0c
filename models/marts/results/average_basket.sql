/*
description: >
  Average basket per month (invoice date), customer segment and size band (the account type: TPE,
  PME, ETI, GE): revenue (credit notes deducted) / orders, an order being an invoice (credit notes
  are not orders). An invoice bills a single account, so revenue and orders add up over months,
  segments and size bands: roll up by summing both and dividing.
grain: mois × segment × tranche de taille
unique: [month, segment, size_band]
not_null: [revenue, orders, customers]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné)], size_band: [TPE, PME, ETI, GE, (non renseigné)] }
kpis:
  - name: Average basket
    requires: [revenue]
    on_bookings: true
    label: Panier moyen
    formula: >
      Chiffre d'affaires de la période (Σ montants nets facturés, avoirs déduits) / nombre de
      commandes (factures distinctes datées dans la période, avoirs exclus), par segment et tranche
      de taille.
    columns: [average_basket]
    numerator: revenue
    denominator: orders
    numerator_label: "Chiffre d'affaires"
    denominator_label: Commandes
    unit: EUR
    seeds: ['004']
    audiences: [A, E, F]
*/
WITH lines AS (
  SELECT month, segment, size_band, invoice_id, account_id, is_credit_note, revenue, margin
  FROM intermediate.int_revenue_lines
)
SELECT
  month,
  segment,
  size_band,
  sum(revenue) AS revenue,
  sum(margin) AS margin,
  count(DISTINCT invoice_id) FILTER (WHERE NOT is_credit_note) AS orders,
  safe_divide(sum(revenue), count(DISTINCT invoice_id) FILTER (WHERE NOT is_credit_note)) AS average_basket,
  count(DISTINCT account_id) AS customers
FROM lines
GROUP BY ALL
