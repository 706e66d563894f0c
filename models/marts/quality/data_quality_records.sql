/*
description: >
  Every record the loader could not use as it was, named so it can be found in the file the user
  exported: one row per record rejected (held out: not loaded, its money counted in
  marts.money_accounting) or flagged (loaded, with a descriptive value replaced by an explicit
  unknown). record_key is the record's identifier (e.g. opportunity_id=O-17); export_file and
  export_line point at the user's own file and line (through a mapping, the vendor's export, not the
  mapped copy). Reasons say the kind of problem, never the value (it may be personal data); amount is
  the money the record carries, in its currency and in the reporting currency.
grain: extraction × fichier × enregistrement
unique: [extract, source_file, row_number]
not_null: [severity, record_key, columns, reasons]
accepted_values: { severity: [held_out, flagged] }
kpis:
  - name: Records held out or flagged
    label: Enregistrements écartés ou signalés
    formula: >
      Enregistrements des fichiers rejetés (écartés, avec leurs montants) ou chargés avec une valeur
      inconnue, chacun avec son identifiant, son fichier et sa ligne.
    columns: [severity, record_key, export_file, export_line, reasons, amount]
    unit: count
    audiences: [A, F]
    needs: []
*/
WITH issues AS (
  SELECT 'held_out' AS severity, * FROM audit.rejects
  UNION ALL
  SELECT 'flagged', * FROM audit.flags
)
SELECT
  extract,
  extract_label(extract) AS extract_label,
  source_file,
  row_number,
  any_value(severity) AS severity,
  any_value(record_key) AS record_key,
  -- The file's name only: the folder it sat in says nothing to readers and may name a person.
  regexp_extract(any_value(coalesce(export_file, source_file)), '[^/\\]+$') AS export_file,
  any_value(coalesce(export_line, line_number)) AS export_line,
  list(DISTINCT column_name ORDER BY column_name) AS columns,
  list(DISTINCT reason_label(reason) ORDER BY reason_label(reason)) AS reasons,
  any_value(amount) AS amount,
  any_value(currency) AS currency,
  any_value(amount_reporting) AS amount_reporting
FROM issues
GROUP BY extract, source_file, row_number
