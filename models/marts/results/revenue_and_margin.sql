/*
description: >
  Revenue, cost and gross margin per month (invoice date), customer segment, region, product line
  and seller, from intermediate.int_revenue_lines (every invoice line; credit notes carry negative
  amounts and are netted). The seller is the owner of the deal the invoice bills, else the owner of
  the account billed; lines credited to no seller are under seller_id 'Non attribué'. Revenue,
  cost, margin, units and the invoiced / credited amounts add up over any column. `orders` counts
  distinct invoices (not credit notes) and `customers` distinct accounts billed within the row: an
  invoice with lines in two product lines is an order in each, and a customer billed in two months
  is counted in each, so use marts.average_basket for order totals. This mart is reconciled to the
  billing extract to the cent (marts.reconciliation, data test revenue_reconciles_to_billing).
grain: mois × segment × région × gamme × commercial
unique: [month, segment, region, product_line, seller_id]
not_null: [team, seller_name, revenue, orders, customers]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Revenue
    requires: [revenue]
    on_bookings: true
    label: Chiffre d'affaires
    formula: >
      Σ montants nets des lignes de facture datées dans la période (date de facture), avoirs déduits
      (ils portent des montants négatifs). Le facturé et les avoirs sont aussi donnés séparément.
    columns: [revenue, invoiced_amount, credited_amount]
    unit: EUR
    seeds: ['000', '001', '003']
    audiences: [A, E, F]
  - name: Gross margin
    label: Marge brute
    formula: >
      Chiffre d'affaires − coût des biens et services vendus (Σ quantité × coût unitaire des lignes
      de facture, arrondi au centime par ligne ; les avoirs restituent le coût). Taux de marge =
      marge / chiffre d'affaires.
    columns: [margin, margin_rate]
    numerator: margin
    denominator: revenue
    numerator_label: Marge brute
    denominator_label: "Chiffre d'affaires"
    unit: rate
    seeds: ['000', '001', '003']
    audiences: [A, E, F]
  - name: Orders
    requires: [revenue]
    on_bookings: true
    label: Nombre de commandes
    formula: >
      Factures distinctes (avoirs exclus) datées dans la période ; distinctes au sein d'une ligne du
      tableau, donc une facture portant sur deux gammes compte une fois dans chacune.
    columns: [orders]
    unit: count
    seeds: ['004']
    audiences: [A, E]
*/
SELECT
  month,
  segment,
  region,
  product_line,
  coalesce(r.seller_id, 'Non attribué') AS seller_id,
  coalesce(s.seller_name, 'Non attribué') AS seller_name,
  coalesce(r.team, 'Non attribué') AS team,
  sum(revenue) AS revenue,
  sum(cost) AS cost,
  sum(margin) AS margin,
  safe_divide(sum(margin), sum(revenue)) AS margin_rate,
  coalesce(sum(revenue) FILTER (WHERE NOT is_credit_note), 0) AS invoiced_amount,
  coalesce(sum(revenue) FILTER (WHERE is_credit_note), 0) AS credited_amount,
  sum(quantity) AS units,
  count(DISTINCT invoice_id) FILTER (WHERE NOT is_credit_note) AS orders,
  count(DISTINCT invoice_id) FILTER (WHERE is_credit_note) AS credit_notes,
  count(DISTINCT account_id) AS customers,
  count(*) AS invoice_lines
FROM intermediate.int_revenue_lines r
LEFT JOIN staging.stg_sellers s ON s.seller_id = r.seller_id
GROUP BY ALL
