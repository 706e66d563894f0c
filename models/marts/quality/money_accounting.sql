/*
description: >
  Every amount read from the files, accounted for: per extract carrying money (deals, invoice lines,
  subscriptions, marketing spend) and per currency, the rows and amounts read, loaded, loaded with a
  flag (a descriptive value unknown elsewhere in the row: the money counts), and held out (rows that
  could not be used, listed in marts.data_quality_records), in the file's currency and in the
  company's reporting currency. amount_read = amount_loaded + amount_held_out + amount_after_as_of,
  to the cent, by construction of the loader and checked by a data test (amount_after_as_of: with
  --as-of, the rows that did not exist yet on that day, out of the build's scope — 0 otherwise); rows_unreadable are held-out rows whose
  amount itself could not be read (counted, no amount); rows_unconverted are held out for lack of an
  exchange rate (their reporting amount is unknown, so held_out_share counts them apart).
grain: extraction × devise
unique: [extract, currency]
not_null: [extract, currency, rows_read, amount_read, amount_loaded, amount_held_out, amount_after_as_of, is_reporting_currency]
kpis:
  - name: Money held out
    label: Montants écartés au chargement
    formula: >
      Σ montants des lignes lues dans les fichiers qui n'ont pas pu être chargées (devise de
      restitution) / Σ montants lus, par extraction portant des montants ; lu = chargé + écarté, au
      centime.
    columns: [amount_held_out_reporting, held_out_share, amount_read_reporting, amount_loaded_reporting]
    numerator: amount_held_out_reporting
    denominator: amount_read_reporting
    numerator_label: Montant écarté (devise de restitution)
    denominator_label: Montant lu (devise de restitution)
    unit: EUR
    audiences: [A, E, F]
    needs: []
*/
SELECT
  m.extract,
  CASE WHEN m.extract = 'subscriptions' THEN 'Abonnements (mensuel)' ELSE extract_label(m.extract) END AS extract_label,
  m.amount_column,
  coalesce(m.currency, '(inconnue)') AS currency,
  coalesce(m.currency = reporting_currency(), false) AS is_reporting_currency,
  m.rows_read,
  m.amount_read,
  m.rows_loaded,
  m.amount_loaded,
  m.amount_loaded_reporting,
  m.rows_flagged,
  m.amount_flagged,
  m.rows_held_out,
  m.amount_held_out,
  m.amount_held_out_reporting,
  m.rows_unreadable,
  m.rows_held_out_unconverted AS rows_unconverted,
  m.rows_after_as_of,
  m.amount_after_as_of,
  m.amount_after_as_of_reporting,
  m.amount_loaded_reporting + m.amount_held_out_reporting AS amount_read_reporting,
  safe_divide(m.amount_held_out_reporting, m.amount_loaded_reporting + m.amount_held_out_reporting) AS held_out_share
FROM audit.money m
