/*
description: >
  The waterfall of the pipeline between the two snapshots compared (marts.pipeline_movement_deals):
  for the quarter holding this build's day (scope quarter: deals expected to close in it) and for
  the whole open pipeline (scope pipeline), the amount before (start), each movement's signed total
  (created, reentered, pulled_in, pushed, won, lost, removed, resized; 0 when no deal moved so) and
  the amount after (end), with the deals behind each. start + the movements = end, to the cent
  (tested). running_before and running_after place each bar of the chart: the total before and
  after it. No row when the build has no earlier snapshot to compare with.
grain: périmètre (trimestre, pipeline) × barre de la cascade
unique: [scope, bar]
not_null: [current_day, previous_day, bar_label, amount, deals, running_before, running_after]
accepted_values:
  scope: [quarter, pipeline]
  bar: [start, created, reentered, pulled_in, pushed, won, lost, removed, resized, end]
kpis:
  - name: Pipeline movement
    label: Évolution du pipeline
    formula: >
      Entre deux instantanés du pipeline (le plus récent pris au moins sept jours plus tôt) : montant
      des affaires ouvertes au début, + affaires créées ou réintégrées, + affaires avancées dans le
      trimestre, − affaires repoussées au-delà, − gagnées, − perdues, − retirées de l'export, ± montants
      modifiés, = montant à la fin.
    columns: [amount]
    unit: EUR
    needs: []
*/
WITH d AS (
  SELECT * FROM marts.pipeline_movement_deals
),
pair AS (
  SELECT DISTINCT current_day, previous_day, quarter_start, quarter_label FROM d
),
bars(bar, bar_order, bar_label) AS (
  VALUES ('start', 0, 'Début'), ('created', 1, 'Créées'), ('reentered', 2, 'Réintégrées'), ('pulled_in', 3, 'Avancées'),
    ('pushed', 4, 'Repoussées'), ('won', 5, 'Gagnées'), ('lost', 6, 'Perdues'), ('removed', 7, 'Retirées de l''export'),
    ('resized', 8, 'Montant modifié'), ('end', 9, 'Fin')
),
sums AS (
  SELECT 'quarter' AS scope, 'start' AS bar, coalesce(sum(amount_before), 0) AS amount, count(*) AS deals FROM d WHERE in_quarter_before
  UNION ALL SELECT 'quarter', 'end', coalesce(sum(amount_after), 0), count(*) FROM d WHERE in_quarter_after
  UNION ALL SELECT 'quarter', quarter_bar, sum(quarter_bar_amount), count(*) FROM d WHERE quarter_bar IS NOT NULL GROUP BY quarter_bar
  UNION ALL SELECT 'pipeline', 'start', coalesce(sum(amount_before), 0), count(amount_before) FROM d
  UNION ALL SELECT 'pipeline', 'end', coalesce(sum(amount_after), 0), count(amount_after) FROM d
  UNION ALL SELECT 'pipeline', pipeline_bar, sum(pipeline_bar_amount), count(*) FROM d WHERE pipeline_bar IS NOT NULL GROUP BY pipeline_bar
),
grid AS (
  SELECT s.scope, b.bar, b.bar_order, b.bar_label, coalesce(x.amount, 0) AS amount, coalesce(x.deals, 0) AS deals
  FROM (VALUES ('quarter'), ('pipeline')) s(scope)
  CROSS JOIN bars b
  LEFT JOIN sums x ON x.scope = s.scope AND x.bar = b.bar
  WHERE EXISTS (SELECT 1 FROM pair)
)
SELECT
  p.current_day, p.previous_day, p.quarter_start, p.quarter_label,
  g.scope, g.bar, g.bar_order, g.bar_label, CAST(g.amount AS DOUBLE) AS amount, g.deals,
  -- The bar floats from the total before it to the total after it; start and end stand on zero.
  CASE WHEN g.bar IN ('start', 'end') THEN 0
       ELSE sum(g.amount) FILTER (WHERE g.bar <> 'end') OVER (PARTITION BY g.scope ORDER BY g.bar_order ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END AS running_before,
  CASE WHEN g.bar = 'end' THEN g.amount
       ELSE sum(g.amount) FILTER (WHERE g.bar <> 'end') OVER (PARTITION BY g.scope ORDER BY g.bar_order ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS running_after
FROM grid g CROSS JOIN pair p
