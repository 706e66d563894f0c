/*
description: >
  Why rows were rejected at load, per extract, column and reason, counted: never the rejected
  values themselves (they may be personal data), so reasons that quote a value are reduced to their
  kind ('wrong type: expected a date like …', 'not an accepted value (expected one of: …)',
  'duplicate key (first occurrence kept)', 'unknown reference: not a loaded accounts row', …). The
  line numbers of the first rejected rows (in the file, header = line 1) help find them. From
  audit.rejects; a row breaking two rules counts under both.
grain: extract × column × reason
unique: [extract, column_name, reason]
not_null: [rejected_rows]
kpis:
  - name: Rejected rows by reason
    label: Lignes rejetées par motif
    formula: Rows of the extract rejected at load for this column and reason (values never shown).
    columns: [rejected_rows]
    unit: count
    audiences: [A]
    needs: []
*/
WITH scrubbed AS (
  SELECT
    extract,
    source_file,
    row_number,
    line_number,
    column_name,
    CASE
      WHEN reason LIKE 'wrong type: expected %, got "%' THEN regexp_replace(reason, ', got ".*$', '')
      WHEN reason LIKE '"%" is not an accepted value%' THEN 'not an accepted value' || coalesce(regexp_extract(reason, '( \(expected one of: [^)]*\))$', 1), '')
      WHEN reason LIKE 'negative value % (must be 0 or more)' THEN 'negative value (must be 0 or more)'
      WHEN reason LIKE 'value % below the minimum of %' THEN 'below the minimum of ' || regexp_extract(reason, 'below the minimum of ([^ ]*)$', 1)
      WHEN reason LIKE 'value % above the maximum of %' THEN 'above the maximum of ' || regexp_extract(reason, 'above the maximum of ([^ ]*)$', 1)
      WHEN reason LIKE 'date % is in the future (after %)' THEN 'date in the future (after ' || regexp_extract(reason, '\(after ([0-9-]*)\)$', 1) || ')'
      WHEN reason LIKE 'duplicate key (%' THEN 'duplicate key (first occurrence kept)'
      WHEN reason LIKE 'unknown reference: %' THEN 'unknown reference: not a loaded ' || regexp_extract(reason, 'is not a loaded ([a-z_]*) row$', 1) || ' row'
      -- Any other reason comes from a rule of the contract; quoted text, if any, is masked.
      ELSE regexp_replace(reason, '"[^"]*"', '"…"', 'g')
    END AS reason
  FROM audit.rejects
)
SELECT
  extract,
  column_name,
  reason,
  count(DISTINCT (source_file, row_number)) AS rejected_rows,
  list(line_number ORDER BY source_file, row_number)[1:5] AS first_lines
FROM scrubbed
GROUP BY extract, column_name, reason
