/*
description: >
  Why rows were rejected at load, per extract, column and reason, counted: never the rejected
  values themselves (they may be personal data), so reasons that quote a value are reduced to their
  kind, in French (reason_label in models/macros/labels.sql: 'valeur illisible : attendu une date
  comme …', 'valeur non reconnue (valeurs possibles : …)', 'identifiant en double (la première
  occurrence est gardée)', 'référence inconnue : introuvable dans « Comptes »', …). The
  line numbers of the first rejected rows (in the file, header = line 1) help find them. From
  audit.rejects; a row breaking two rules counts under both.
grain: extraction × colonne × raison
unique: [extract, column_name, reason]
not_null: [rejected_rows]
kpis:
  - name: Rejected rows by reason
    label: Lignes rejetées par motif
    formula: >
      Lignes de l'extraction rejetées au chargement pour cette colonne et cette raison (valeurs
      jamais montrées).
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
    reason_label(reason) AS reason
  FROM audit.rejects
)
SELECT
  extract,
  extract_label(extract) AS extract_label,
  column_name,
  reason,
  count(DISTINCT (source_file, row_number)) AS rejected_rows,
  list(line_number ORDER BY source_file, row_number)[1:5] AS first_lines
FROM scrubbed
GROUP BY extract, column_name, reason
