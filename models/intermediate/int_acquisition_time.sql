/*
description: >
  Seller time spent acquiring customers, per month, seller and segment: activities flagged
  `is_acquisition` in intermediate.int_activities_enriched (counterparts listed in
  cac.acquisitionCounterparts, any status: what was logged was spent), their hours and time cost
  (hours × hourly cost × cac.sellerCostMultiplier). The segment is the activity's account's, else
  the account of its lead, else of its deal; time on nobody known (a lead without an account) has
  segment '(none)'.
grain: month × seller × segment
unique: [month, seller_id, segment]
not_null: [team, hours, time_cost, activities]
accepted_values: { segment: [Or, Argent, Bronze, (non renseigné), (none)] }
*/
SELECT
  a.month,
  a.seller_id,
  a.team,
  coalesce(a.segment, lead_account.segment, deal_account.segment, '(none)') AS segment,
  sum(a.hours) AS hours,
  sum(a.time_cost) AS time_cost,
  count(*) AS activities
FROM intermediate.int_activities_enriched a
LEFT JOIN staging.stg_leads l ON l.lead_id = a.lead_id
LEFT JOIN staging.stg_accounts lead_account ON lead_account.account_id = l.account_id
LEFT JOIN staging.stg_opportunities o ON o.opportunity_id = a.opportunity_id
LEFT JOIN staging.stg_accounts deal_account ON deal_account.account_id = o.account_id
WHERE a.is_acquisition
GROUP BY ALL
