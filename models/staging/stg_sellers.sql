/*
description: Sellers with their team, manager and hourly cost; `is_active_on` helpers come from start/leave dates.
grain: seller
unique: [seller_id]
not_null: [seller_name, team, role, hourly_cost, start_date]
accepted_values: { role: [account_executive, sdr, manager] }
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
  leave_date IS NULL AS is_active
FROM raw.sellers
