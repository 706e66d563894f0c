/*
description: >
  The pipeline waterfall adds up: for each scope, start + every movement = end, to the cent
  (marts.pipeline_movement). Returns the scopes where it does not.
model: marts.pipeline_movement
*/
SELECT scope, sum(amount) FILTER (WHERE bar = 'start') AS start_amount, sum(amount) FILTER (WHERE bar NOT IN ('start', 'end')) AS movements,
  sum(amount) FILTER (WHERE bar = 'end') AS end_amount
FROM marts.pipeline_movement
GROUP BY scope
HAVING round(sum(amount) FILTER (WHERE bar = 'start') + sum(amount) FILTER (WHERE bar NOT IN ('start', 'end')) - sum(amount) FILTER (WHERE bar = 'end'), 2) <> 0
