/*
description: >
  Commercial effort per target segment, seller and year: activities and meetings held and hours
  spent with accounts of the segment, against the new customers the seller won in it that year —
  "seller A needs 10 meetings on this target, seller B 15 for the same result".
grain: année × segment × commercial
unique: [year, segment, seller_id]
not_null: [activities, meetings_held, hours, new_customers]
kpis:
  - name: Meetings per new customer
    requires: [won_deal]
    label: Rendez-vous par client gagné
    formula: >
      Rendez-vous tenus avec les comptes du segment / nouveaux clients gagnés par le commercial dans
      le segment, par année.
    columns: [meetings_per_new_customer]
    numerator: meetings_held
    denominator: new_customers
    numerator_label: Rendez-vous tenus
    denominator_label: Nouveaux clients
    unit: ratio
    seeds: ['004']
    audiences: [A, E]
    needs: [activities]
  - name: Hours per new customer
    requires: [won_deal]
    label: Heures par client gagné
    formula: >
      Heures d'activités avec les comptes du segment / nouveaux clients gagnés par le commercial
      dans le segment, par année.
    columns: [hours_per_new_customer]
    numerator: hours
    denominator: new_customers
    numerator_label: "Heures d'activités"
    denominator_label: Nouveaux clients
    unit: hours
    seeds: ['004']
    audiences: [A, E]
    needs: [activities]
*/
WITH effort AS (
  SELECT fiscal_year(activity_date) AS year, segment, seller_id,
         count(*) FILTER (WHERE status = 'held' AND type <> 'admin') AS activities,
         count(*) FILTER (WHERE status = 'held' AND is_meeting) AS meetings_held,
         sum(hours) AS hours
  FROM intermediate.int_activities_enriched
  WHERE segment IS NOT NULL AND counterpart <> 'internal'
  GROUP BY ALL
),
won AS (
  SELECT fiscal_year(first_purchase_date) AS year, segment, acquiring_seller_id AS seller_id, count(*) AS new_customers
  FROM intermediate.int_customers
  WHERE is_new_customer AND acquiring_seller_id IS NOT NULL
  GROUP BY ALL
)
SELECT coalesce(e.year, w.year) AS year, coalesce(e.segment, w.segment) AS segment, coalesce(e.seller_id, w.seller_id) AS seller_id,
       coalesce(e.activities, 0) AS activities,
       coalesce(e.meetings_held, 0) AS meetings_held,
       coalesce(e.hours, 0) AS hours,
       coalesce(w.new_customers, 0) AS new_customers,
       -- Activities provided empty: the effort is unknown, not 0 meetings per customer.
       CASE WHEN extract_available('activities') THEN safe_divide(coalesce(e.meetings_held, 0), w.new_customers) END AS meetings_per_new_customer,
       CASE WHEN extract_available('activities') THEN safe_divide(coalesce(e.hours, 0), w.new_customers) END AS hours_per_new_customer
FROM effort e FULL JOIN won w ON w.year = e.year AND w.segment = e.segment AND w.seller_id = e.seller_id
