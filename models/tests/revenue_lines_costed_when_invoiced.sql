/*
description: >
  Every invoiced revenue line has its cost and margin: they are left NULL only on booked lines
  (won deals standing in for billing), whose cost nobody knows. Returns the invoiced lines
  without cost.
model: intermediate.int_revenue_lines
*/
SELECT invoice_id, line_number
FROM intermediate.int_revenue_lines
WHERE revenue_basis = 'invoiced' AND (cost IS NULL OR margin IS NULL)
