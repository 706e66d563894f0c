/*
description: >
  Sellers with their team, manager and hourly cost; `is_active_on` helpers come from start/leave dates.
  When some deal has no known owner, one placeholder seller "(non attribué)" (is_placeholder) carries
  those deals so their money stays in every total; it has no cost, no objective and no team.
grain: seller
unique: [seller_id]
not_null: [seller_name, team, role, start_date, is_placeholder]
accepted_values: { role: [account_executive, sdr, manager, (non renseigné)] }
*/
SELECT
  seller_id,
  seller_name,
  team,
  manager_id,
  role,
  hourly_cost,
  start_date,
  leave_date,
  leave_date IS NULL AS is_active,
  false AS is_placeholder
FROM raw.sellers
UNION ALL
SELECT
  '(non attribué)', 'Non attribué', '(non attribué)', NULL, 'account_executive', NULL,
  (SELECT min(created_at) FROM raw.opportunities), NULL, true, true
WHERE EXISTS (SELECT 1 FROM raw.opportunities WHERE owner_seller_id IS NULL)
