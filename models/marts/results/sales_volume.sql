/*
description: >
  Units sold per month (invoice date), product line, product code, customer region and segment,
  from intermediate.int_revenue_lines: quantities of invoices minus the quantities given back by
  credit notes, with the revenue they brought. Everything adds up over any column.
grain: mois × gamme × code produit × région × segment
unique: [month, product_line, product_code, region, segment]
not_null: [units, units_invoiced, units_credited, revenue, invoice_lines]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné)] }
kpis:
  - name: Sales volume
    label: Volume des ventes
    formula: >
      Σ quantités des lignes de facture datées dans la période, par produit et région du client ;
      avoirs (quantités négatives) déduits. Les unités facturées et les unités en avoir sont aussi
      données séparément.
    columns: [units, units_invoiced, units_credited]
    unit: count
    seeds: ['003']
    audiences: [A, E]
*/
SELECT
  month,
  product_line,
  product_code,
  region,
  segment,
  sum(quantity) AS units,
  coalesce(sum(quantity) FILTER (WHERE NOT is_credit_note), 0) AS units_invoiced,
  coalesce(-sum(quantity) FILTER (WHERE is_credit_note), 0) AS units_credited,
  sum(revenue) AS revenue,
  count(*) AS invoice_lines
FROM intermediate.int_revenue_lines
-- Units are known from invoice lines only; won deals standing in for billing carry none.
WHERE revenue_basis = 'invoiced'
GROUP BY ALL
