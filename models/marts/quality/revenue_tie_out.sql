/*
description: >
  Finance's tie-out by period: per fiscal year, fiscal quarter and month of the shared calendar
  (intermediate.int_calendar, fiscal year from calendar.fiscalYearFirstMonth), the revenue of the
  marts (marts.revenue_and_margin) against the invoice lines read from the billing files, in the
  reporting currency, to the cent. Lines read = lines loaded (staging, dated by their invoice) +
  lines held out at load whose invoice was loaded (dated by it: a duplicate line). A line held out
  with its invoice (or whose invoice was not in the file) has no date the warehouse keeps: its
  money is on the 'total' row only (held_out_undated), as is the money of the lines dated after the
  as-of day (after_as_of: --as-of, out of scope), so that the total row's lines_read equals what
  marts.money_accounting read from the files. difference = mart_revenue − lines_read, explained by
  the money held out (explained_held_out = −held out, on the period it falls in) and nothing else:
  unexplained = difference − explained_held_out must be 0. Credit notes are netted in both figures
  (credit_notes, ≤ 0, given apart as an explanation of a low month, not a difference). Timing is the
  CRM's side and not part of the billing comparison: won_to_invoice is the amount signed in the
  period (deal close date) on won deals still within the invoicing delay and not yet invoiced
  (intermediate.int_won_deal_invoicing, "signé, à facturer"): it will be billed after the data's
  last day. status: pass (0 to the cent, nothing held out), held_out (the difference is exactly the
  money held out), fail (anything else).
grain: type de période × début de période
unique: [period_type, period_start]
not_null: [period_label, status_label, explanation, mart_revenue, lines_loaded, held_out_dated, held_out_undated, after_as_of, lines_read, difference, explained_held_out, unexplained, credit_notes, won_to_invoice, status]
accepted_values: { period_type: [year, quarter, month, total], status: [pass, held_out, fail] }
kpis:
  - name: Revenue tie-out by period
    label: Rapprochement du CA avec la facturation, par période
    formula: >
      Par exercice, trimestre et mois : chiffre d'affaires des modèles − Σ montants nets des lignes de
      facture lues dans les fichiers de facturation et datées dans la période (chargées + écartées au
      chargement), au centime ; l'écart s'explique par les montants écartés, rien d'autre. Avoirs
      déduits des deux côtés ; le signé à facturer (CRM) est donné à part.
    columns: [mart_revenue, lines_read, difference, explained_held_out, unexplained, credit_notes, won_to_invoice]
    unit: EUR
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
*/
WITH periods AS (
  SELECT period_type, period_start, period_end, fiscal_year, fiscal_quarter, is_complete, is_current
  FROM intermediate.int_calendar
  WHERE period_type IN ('year', 'quarter', 'month')
),
lines AS (
  SELECT i.invoice_date AS day, l.revenue, i.is_credit_note
  FROM staging.stg_invoice_lines l
  JOIN staging.stg_invoices i ON i.invoice_id = l.invoice_id
),
-- Invoice lines held out at load, one row per record with its money in the reporting currency. The
-- record key is the loader's "invoice_id=…, line_number=…" (recordKeyOf): its invoice dates it when
-- that invoice was loaded (a duplicate line); otherwise the line has no date in the warehouse.
held_out AS (
  SELECT coalesce(r.amount_reporting, 0) AS amount, i.invoice_date AS day
  FROM marts.data_quality_records r
  LEFT JOIN staging.stg_invoices i ON i.invoice_id = regexp_extract(r.record_key, '^invoice_id=(.*), line_number=[^,]*$', 1)
  WHERE r.extract = 'invoice_lines' AND r.severity = 'held_out'
),
mart_months AS (
  SELECT month, sum(revenue) AS revenue FROM marts.revenue_and_margin GROUP BY month
),
files AS (
  SELECT coalesce(sum(amount_held_out_reporting), 0) AS held_out, coalesce(sum(amount_after_as_of_reporting), 0) AS after_as_of
  FROM audit.money WHERE extract = 'invoice_lines'
),
won AS (
  SELECT closed_at AS day, to_invoice FROM intermediate.int_won_deal_invoicing WHERE to_invoice > 0
),
per_period AS (
  SELECT
    p.period_type, p.period_start, p.period_end, p.fiscal_year, p.fiscal_quarter, p.is_complete, p.is_current,
    coalesce((SELECT sum(m.revenue) FROM mart_months m WHERE m.month BETWEEN p.period_start AND p.period_end), 0) AS mart_revenue,
    coalesce((SELECT sum(l.revenue) FROM lines l WHERE l.day BETWEEN p.period_start AND p.period_end), 0) AS lines_loaded,
    coalesce((SELECT sum(l.revenue) FROM lines l WHERE l.is_credit_note AND l.day BETWEEN p.period_start AND p.period_end), 0) AS credit_notes,
    coalesce((SELECT sum(h.amount) FROM held_out h WHERE h.day BETWEEN p.period_start AND p.period_end), 0) AS held_out_dated,
    CAST(0 AS DECIMAL(18, 2)) AS held_out_undated,
    CAST(0 AS DECIMAL(18, 2)) AS after_as_of,
    coalesce((SELECT sum(w.to_invoice) FROM won w WHERE w.day BETWEEN p.period_start AND p.period_end), 0) AS won_to_invoice
  FROM periods p
),
-- All time: every line read from the files, dated or not, and those after the as-of day.
total AS (
  SELECT
    'total' AS period_type, min(p.period_start) AS period_start, max(p.period_end) AS period_end,
    CAST(NULL AS INTEGER) AS fiscal_year, CAST(NULL AS INTEGER) AS fiscal_quarter, false AS is_complete, false AS is_current,
    coalesce((SELECT sum(revenue) FROM mart_months), 0) AS mart_revenue,
    coalesce((SELECT sum(revenue) FROM lines), 0) AS lines_loaded,
    coalesce((SELECT sum(revenue) FROM lines WHERE is_credit_note), 0) AS credit_notes,
    coalesce((SELECT sum(amount) FROM held_out WHERE day IS NOT NULL), 0) AS held_out_dated,
    f.held_out - coalesce((SELECT sum(amount) FROM held_out WHERE day IS NOT NULL), 0) AS held_out_undated,
    f.after_as_of,
    coalesce((SELECT sum(to_invoice) FROM won), 0) AS won_to_invoice
  FROM periods p, files f
  WHERE p.period_type = 'year'
  GROUP BY f.held_out, f.after_as_of
),
rows AS (
  SELECT * FROM per_period
  UNION ALL
  SELECT * FROM total
),
figures AS (
  SELECT *,
         CAST(round(lines_loaded + held_out_dated + held_out_undated + after_as_of, 2) AS DECIMAL(18, 2)) AS lines_read,
         CAST(round(mart_revenue - lines_loaded - held_out_dated - held_out_undated - after_as_of, 2) AS DECIMAL(18, 2)) AS difference,
         CAST(round(-(held_out_dated + held_out_undated + after_as_of), 2) AS DECIMAL(18, 2)) AS explained_held_out
  FROM rows
)
SELECT
  period_type,
  period_start,
  period_end,
  fiscal_year,
  fiscal_quarter,
  CASE period_type
    WHEN 'year' THEN 'Exercice ' || fiscal_year
    WHEN 'quarter' THEN 'T' || fiscal_quarter || ' de l''exercice ' || fiscal_year
    WHEN 'month' THEN ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'][month(period_start)]
      || ' ' || year(period_start)
    ELSE 'Toutes périodes'
  END AS period_label,
  is_complete,
  is_current,
  CAST(round(mart_revenue, 2) AS DECIMAL(18, 2)) AS mart_revenue,
  CAST(round(lines_loaded, 2) AS DECIMAL(18, 2)) AS lines_loaded,
  CAST(round(held_out_dated, 2) AS DECIMAL(18, 2)) AS held_out_dated,
  CAST(held_out_undated AS DECIMAL(18, 2)) AS held_out_undated,
  CAST(after_as_of AS DECIMAL(18, 2)) AS after_as_of,
  lines_read,
  difference,
  explained_held_out,
  CAST(difference - explained_held_out AS DECIMAL(18, 2)) AS unexplained,
  CAST(round(credit_notes, 2) AS DECIMAL(18, 2)) AS credit_notes,
  CAST(round(won_to_invoice, 2) AS DECIMAL(18, 2)) AS won_to_invoice,
  status,
  CASE status WHEN 'pass' THEN 'Conforme' WHEN 'held_out' THEN 'Montants écartés' ELSE 'Écart' END AS status_label,
  -- What explains the difference, and what else a controller needs to read the period, in words.
  concat_ws(' ; ',
    CASE WHEN status = 'fail' THEN 'écart inexpliqué de ' || fr_eur2(difference - explained_held_out) || ' : les modèles ne reprennent pas exactement les lignes chargées'
         WHEN difference = 0 THEN 'égal au centime'
    END,
    CASE WHEN held_out_dated <> 0 THEN fr_eur2(held_out_dated) || ' de lignes écartées au chargement (leur facture est chargée et les date)' END,
    CASE WHEN held_out_undated <> 0 THEN fr_eur2(held_out_undated) || ' de lignes écartées au chargement avec leur facture, dont la date n''est pas conservée : comptées sur la ligne « Toutes périodes » seulement' END,
    CASE WHEN after_as_of <> 0 THEN fr_eur2(after_as_of) || ' de lignes datées après la date d''arrêté, hors du périmètre' END,
    CASE WHEN credit_notes <> 0 THEN 'avoirs déduits des deux côtés : ' || fr_eur2(credit_notes) END,
    CASE WHEN won_to_invoice <> 0 THEN 'côté CRM, hors de ce rapprochement : ' || fr_eur2(won_to_invoice) || ' signés dans la période et pas encore facturés (délai de facturation)' END
  ) AS explanation
FROM (
  SELECT *,
         CASE
           WHEN difference - explained_held_out <> 0 THEN 'fail'
           WHEN explained_held_out <> 0 OR held_out_undated <> 0 THEN 'held_out'
           ELSE 'pass'
         END AS status
  FROM figures
)
-- Without billing, revenue is the won deals: there is no invoice to tie to (marts.reconciliation's
-- revenue_vs_bookings check ties it to the deals).
WHERE billing_available()
