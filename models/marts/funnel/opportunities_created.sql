/*
description: Opportunities created per month by origin (marketing, sales-sourced, referral), segment and product line, in count and value.
grain: mois de création × origine × segment × gamme
unique: [month, origin, segment, product_line]
not_null: [opportunities, pipeline_value]
accepted_values: { origin: [marketing, sales, referral, (non renseigné)] }
kpis:
  - name: Opportunities created
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Opportunités créées
    formula: >
      Nombre et valeur (montant) des affaires créées dans la période, par origine.
    columns: [opportunities, pipeline_value]
    unit: count
    seeds: ['004']
    audiences: [A, E]
*/
SELECT created_month AS month, origin, segment, product_line,
       count(*) AS opportunities, sum(amount) AS pipeline_value
FROM intermediate.int_opportunity_journey
GROUP BY ALL
