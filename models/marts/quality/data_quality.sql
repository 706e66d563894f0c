/*
description: >
  One row per extract of the source contract, always shown beside the figures: how it was loaded
  (audit.load_summary: provided or not, file format, rows read, loaded and rejected) and how fresh
  it is (the latest business date seen in the loaded rows, e.g. the latest invoice date or activity
  time, and how many days it lags behind the latest date of the transactional extracts: activities,
  leads, opportunities and their stage history, campaign touches, marketing spend, invoices).
  Reference extracts (sellers, accounts, contacts, campaigns, objectives, referrals, subscriptions)
  change rarely, so their lag is shown but says little. quality_status: not_provided, empty
  (provided without rows), all_rejected, with_rejects (some rows rejected: see
  marts.data_quality_rejects for the reasons) or ok. Rows read = rows loaded + rows rejected; rows
  flagged were loaded with a descriptive value unknown. For extracts carrying money, the money loaded
  and held out in the reporting currency (detail in marts.money_accounting).
grain: extraction
unique: [extract]
not_null: [system, load_status, quality_status, files, rows_read, rows_loaded, rows_rejected, rows_flagged, is_transactional]
accepted_values: { quality_status: [not_provided, empty, all_rejected, with_rejects, ok], load_status: [loaded, not_provided] }
kpis:
  - name: Rows rejected per extract
    label: Lignes rejetées par extraction
    formula: >
      Lignes des fichiers de l'extraction qui enfreignent une règle du contrat de données et n'ont
      pas été chargées / lignes lues (raisons dans le tableau des rejets).
    columns: [rows_rejected, reject_rate, rows_read, rows_loaded]
    numerator: rows_rejected
    denominator: rows_read
    numerator_label: Lignes rejetées
    denominator_label: Lignes lues
    unit: rate
    audiences: [A, E, F]
    needs: []
  - name: Source freshness
    label: Fraîcheur des sources
    formula: >
      Date métier la plus récente des lignes chargées de l'extraction (et la colonne d'où elle
      vient), et son retard en jours sur la date la plus récente de toutes les extractions de
      transactions.
    columns: [latest_date, days_behind]
    unit: days
    audiences: [A, E, F]
    needs: []
*/
WITH freshness AS (
  SELECT 'sellers' AS extract, 'start_date' AS latest_date_column, 'date d''arrivée' AS latest_date_label, max(start_date) AS latest_date, false AS is_transactional FROM raw.sellers
  UNION ALL SELECT 'objectives', 'period_start', 'début de la période', max(period_start), false FROM raw.objectives
  UNION ALL SELECT 'accounts', 'created_at', 'date de création', max(created_at), false FROM raw.accounts
  UNION ALL SELECT 'contacts', 'created_at', 'date de création', max(created_at), false FROM raw.contacts
  UNION ALL SELECT 'campaigns', 'start_date', 'date de début', max(start_date), false FROM raw.campaigns
  UNION ALL SELECT 'leads', 'created_at', 'date de création', CAST(max(created_at) AS DATE), true FROM raw.leads
  UNION ALL SELECT 'opportunities', 'created_at / closed_at', 'date de création ou de clôture', greatest(max(created_at), max(closed_at)), true FROM raw.opportunities
  UNION ALL SELECT 'opportunity_stage_history', 'changed_at', 'date du changement d''étape', CAST(max(changed_at) AS DATE), true FROM raw.opportunity_stage_history
  UNION ALL SELECT 'activities', 'scheduled_at', 'date prévue', CAST(max(scheduled_at) AS DATE), true FROM raw.activities
  UNION ALL SELECT 'referrals', 'referred_at', 'date de la recommandation', max(referred_at), false FROM raw.referrals
  UNION ALL SELECT 'marketing_spend', 'spend_date', 'date de la dépense', max(spend_date), true FROM raw.marketing_spend
  UNION ALL SELECT 'campaign_leads', 'touched_at', 'date du contact', CAST(max(touched_at) AS DATE), true FROM raw.campaign_leads
  UNION ALL SELECT 'invoices', 'invoice_date', 'date de facture', max(invoice_date), true FROM raw.invoices
  UNION ALL SELECT 'invoice_lines', 'invoice_date (de la facture)', 'date de la facture', max(i.invoice_date), true FROM raw.invoice_lines l JOIN raw.invoices i USING (invoice_id)
  UNION ALL SELECT 'subscriptions', 'start_date', 'date de début', max(start_date), false FROM raw.subscriptions
),
reference AS (
  SELECT max(latest_date) AS data_end FROM freshness WHERE is_transactional
),
reasons AS (
  SELECT extract, count(DISTINCT column_name) AS rejected_columns
  FROM audit.rejects
  GROUP BY ALL
),
money AS (
  SELECT extract, sum(amount_loaded_reporting) AS money_loaded, sum(amount_held_out_reporting) AS money_held_out,
         sum(rows_held_out_unconverted) AS rows_unconverted
  FROM audit.money GROUP BY ALL
)
SELECT
  s.extract,
  extract_label(s.extract) AS extract_label,
  s.system,
  s.status AS load_status,
  CASE
    WHEN s.status = 'not_provided' THEN 'not_provided'
    WHEN s.rows_read = 0 THEN 'empty'
    WHEN s.rows_loaded = 0 THEN 'all_rejected'
    WHEN s.rows_rejected > 0 THEN 'with_rejects'
    ELSE 'ok'
  END AS quality_status,
  len(s.files) AS files,
  nullif(s.format, '') AS format,
  s.rows_read,
  s.rows_loaded,
  s.rows_rejected,
  s.rows_flagged,
  safe_divide(s.rows_rejected, s.rows_read) AS reject_rate,
  m.money_loaded,
  m.money_held_out,
  m.rows_unconverted,
  coalesce(r.rejected_columns, 0) AS rejected_columns,
  len(s.extra_columns) AS extra_columns,
  coalesce(f.is_transactional, false) AS is_transactional,
  f.latest_date_column,
  -- The same date in reader words, for the page (the column name is for the analyst fixing a file).
  f.latest_date_label,
  f.latest_date,
  datediff('day', f.latest_date, ref.data_end) AS days_behind,
  ref.data_end AS latest_transactional_date,
  s.loaded_at
FROM audit.load_summary s
CROSS JOIN reference ref
LEFT JOIN freshness f ON f.extract = s.extract
LEFT JOIN reasons r ON r.extract = s.extract
LEFT JOIN money m ON m.extract = s.extract
