/*
description: >
  The checks that tie the figures to the files the company exported, one row per check, always
  shown beside them. Revenue in marts.revenue_and_margin is compared with the money READ from the
  billing files (audit.money: every line read, loaded or held out, in the reporting currency), not
  with what was loaded: money held out makes the check say held_out (the difference is exactly the
  money held out) and never pass; an unexplained difference is a fail. Month by month, cost and
  margin compare the marts with the lines loaded (converted as staging does: each figure rounded to
  the cent per line), held_out when lines were held out. One money_<extract> check per extract
  carrying money (deals, invoice lines, subscriptions, spend): read = loaded + held out, held_out
  when any row's money was held out. Won deals against billing: the signed amount of the won
  deals that were invoiced (raw.opportunities, stage won, with at least one invoice carrying their
  opportunity_id) against the amount of those invoices (credit notes excluded: goodwill credits
  after the sale are not a billing gap; they are counted in the detail), within a tolerance
  of 2 % overall, once what remains to invoice on deals signed within the invoicing delay is counted
  as timing (intermediate.int_won_deal_invoicing). That timing has its own check,
  won_deals_to_invoice ("signé, à facturer", status timing): the amount and deals signed and not
  yet invoiced — never a fail. Without billing, revenue is booked from the won deals and must equal their amount
  (revenue_vs_bookings). status: pass, held_out (the figures miss exactly the money held out at
  load, listed on the data-quality page), timing (signed, to be invoiced: the won_deals_to_invoice
  check), fail, or not_applicable (the billing checks without
  billing, the bookings check with it, a money check for an extract not provided). The data
  tests revenue_reconciles_to_billing and won_deals_match_invoices stop the build on a fail; the
  second reads its tolerance from this mart.
grain: contrôle
unique: [check_name]
not_null: [check_label, description, tolerance, tolerance_unit, status]
accepted_values: { status: [pass, held_out, timing, fail, not_applicable], tolerance_unit: [EUR, share] }
kpis:
  - name: Revenue reconciliation
    label: Rapprochement du CA avec la facturation
    formula: >
      Chiffre d'affaires des modèles − Σ montants nets des lignes de facture lues dans les fichiers
      de facturation (devise de restitution), au total et par mois : 0 au centime (conforme),
      exactement les montants écartés au chargement (montants écartés), tout autre écart (écart).
    columns: [status, model_figure, billing_figure, difference]
    unit: EUR
    audiences: [A, E, F]
    needs: [invoices, invoice_lines]
  - name: Won deals vs invoices
    label: Affaires gagnées vs facturé
    formula: >
      |Σ montant facturé (avoirs exclus) des affaires gagnées facturées − Σ leurs montants signés| /
      Σ montants signés : conforme dans la tolérance (tolérance affaires gagnées / factures,
      réglage, 2 % par défaut).
    columns: [status, relative_difference, model_figure, billing_figure]
    numerator: difference
    denominator: model_figure
    numerator_label: Écart entre facturé et signé
    denominator_label: Montant signé des affaires gagnées facturées
    unit: rate
    audiences: [A, F]
    needs: [invoices, invoice_lines]
*/
WITH available AS (
  SELECT extract_available('invoices') AND extract_available('invoice_lines') AS has_billing
),
-- Tolerance of the won deals vs invoices check (the data test won_deals_match_invoices reads it here).
won_tolerance AS (
  SELECT CAST(won_deals_tolerance AS DOUBLE) AS tolerance FROM settings.kpi
),
-- What the files held, per extract carrying money, in the reporting currency: read = loaded + held
-- out. Amounts with no rate cannot be converted: counted apart, by currency.
money AS (
  SELECT
    extract,
    sum(amount_loaded_reporting) AS loaded,
    sum(amount_held_out_reporting) AS held_out,
    sum(rows_held_out) AS rows_held_out,
    sum(rows_unreadable) AS rows_unreadable,
    sum(rows_held_out_unconverted) AS rows_unconverted,
    string_agg(CASE WHEN rows_held_out_unconverted > 0 THEN fr_dec2(amount_held_out - amount_held_out_reporting) || ' ' || currency END, ', ') AS unconverted
  FROM audit.money
  GROUP BY extract
),
billing_money AS (
  SELECT coalesce(any_value(loaded), 0) AS loaded, coalesce(any_value(held_out), 0) AS held_out, coalesce(any_value(rows_held_out), 0) AS rows_held_out,
         coalesce(any_value(rows_unreadable), 0) AS rows_unreadable, coalesce(any_value(rows_unconverted), 0) AS rows_unconverted, any_value(unconverted) AS unconverted
  FROM money WHERE extract = 'invoice_lines'
),
held_out_detail AS (
  SELECT CASE WHEN rows_held_out = 0 THEN 'aucune ligne de facture écartée'
    ELSE rows_held_out || ' ligne(s) de facture écartée(s) au chargement, ' || fr_dec2(held_out) || ' en devise de restitution'
      || CASE WHEN rows_unreadable > 0 THEN ', dont ' || rows_unreadable || ' au montant illisible' ELSE '' END
      || CASE WHEN rows_unconverted > 0 THEN ', ' || rows_unconverted || ' sans taux de change (' || unconverted || ')' ELSE '' END
      || ' : voir les enregistrements écartés (page Qualité des données)' END AS text
  FROM billing_money
),
billing_lines AS (
  SELECT l.revenue AS net_amount, l.cost, CAST(date_trunc('month', i.invoice_date) AS DATE) AS month
  FROM staging.stg_invoice_lines l
  LEFT JOIN staging.stg_invoices i ON i.invoice_id = l.invoice_id
),
billing_total AS (
  SELECT coalesce(sum(net_amount), 0) AS revenue, coalesce(sum(net_amount - cost), 0) AS margin, coalesce(sum(cost), 0) AS cost FROM billing_lines
),
mart_total AS (
  SELECT coalesce(sum(revenue), 0) AS revenue, coalesce(sum(margin), 0) AS margin, coalesce(sum(cost), 0) AS cost FROM marts.revenue_and_margin
),
monthly AS (
  SELECT
    coalesce(b.month, m.month) AS month,
    coalesce(m.revenue, 0) AS mart_revenue,
    coalesce(b.revenue, 0) AS billing_revenue
  FROM (SELECT month, sum(net_amount) AS revenue FROM billing_lines GROUP BY month) b
  FULL OUTER JOIN (SELECT month, sum(revenue) AS revenue FROM marts.revenue_and_margin GROUP BY month) m ON m.month IS NOT DISTINCT FROM b.month
),
monthly_summary AS (
  SELECT
    count(*) AS months,
    count(*) FILTER (WHERE round(mart_revenue - billing_revenue, 2) <> 0) AS months_differing,
    coalesce(sum(mart_revenue), 0) AS mart_revenue,
    coalesce(sum(billing_revenue), 0) AS billing_revenue,
    coalesce(sum(abs(mart_revenue - billing_revenue)), 0) AS absolute_difference
  FROM monthly
),
won_invoiced AS (
  SELECT * FROM intermediate.int_won_deal_invoicing
),
-- Without billing, revenue is the won deals (bookings): it must equal them, to the cent.
bookings_total AS (
  SELECT coalesce(sum(amount), 0) AS revenue, count(*) AS deals FROM staging.stg_opportunities WHERE is_won
),
won_summary AS (
  SELECT
    count(*) FILTER (WHERE w.invoices > 0) AS deals,
    coalesce(sum(w.amount) FILTER (WHERE w.invoices > 0), 0) AS won_amount,
    coalesce(sum(w.invoiced) FILTER (WHERE w.invoices > 0), 0) AS invoiced,
    coalesce(sum(w.credited) FILTER (WHERE w.invoices > 0), 0) AS credited,
    -- What is signed and not yet invoiced on deals signed within the invoicing delay: timing.
    coalesce(sum(w.to_invoice) FILTER (WHERE w.invoices > 0), 0) AS to_invoice_on_invoiced,
    count(*) FILTER (WHERE w.invoices > 0 AND abs(w.invoiced + w.to_invoice - w.amount) > t.tolerance * w.amount) AS deals_outside,
    count(*) FILTER (WHERE w.invoices = 0 AND NOT w.is_within_delay) AS won_not_invoiced,
    count(*) FILTER (WHERE w.to_invoice > 0) AS deals_to_invoice,
    count(*) FILTER (WHERE w.to_invoice > 0 AND w.invoices = 0) AS deals_to_invoice_uninvoiced,
    coalesce(sum(w.to_invoice), 0) AS to_invoice,
    any_value(w.invoicing_delay_days) AS delay_days,
    any_value(w.delay_source) AS delay_source,
    -- From the settings, not the deals: a company with no won deal still gets a described check.
    (SELECT tolerance FROM won_tolerance) AS tolerance
  FROM won_tolerance t
  LEFT JOIN won_invoiced w ON true
),
money_checks AS (
  SELECT
    e.extract,
    e.label,
    e.check_order,
    m.extract IS NOT NULL AND extract_available(e.extract) AS applies,
    coalesce(m.loaded, 0) AS loaded,
    coalesce(m.loaded, 0) + coalesce(m.held_out, 0) AS read,
    coalesce(m.held_out, 0) AS held_out,
    coalesce(m.rows_held_out, 0) AS rows_held_out,
    coalesce(m.rows_unreadable, 0) AS rows_unreadable,
    coalesce(m.rows_unconverted, 0) AS rows_unconverted,
    m.unconverted
  FROM (VALUES ('opportunities', 'affaires', 7), ('invoice_lines', 'lignes de facture', 8), ('subscriptions', 'abonnements', 9), ('marketing_spend', 'dépenses marketing', 10))
    AS e(extract, label, check_order)
  LEFT JOIN money m USING (extract)
),
checks AS (
  SELECT
    1 AS check_order,
    'revenue_total' AS check_name,
    'Le chiffre d''affaires total des modèles est égal aux montants nets des lignes de facture lues dans les fichiers de facturation (devise de restitution), au centime ; « montants écartés » quand il lui manque exactement les lignes écartées au chargement.' AS description,
    CAST(m.revenue AS DOUBLE) AS model_figure,
    CAST(bm.loaded + bm.held_out AS DOUBLE) AS billing_figure,
    CAST(m.revenue - bm.loaded - bm.held_out AS DOUBLE) AS difference,
    0.005 AS tolerance,
    'EUR' AS tolerance_unit,
    CASE
      WHEN round(m.revenue - bm.loaded - bm.held_out, 2) = 0 AND bm.rows_held_out = 0 THEN 'pass'
      WHEN bm.rows_held_out > 0 AND round(m.revenue - bm.loaded, 2) = 0 THEN 'held_out'
      ELSE 'fail'
    END AS outcome,
    h.text AS detail,
    a.has_billing AS applies
  FROM mart_total m, billing_money bm, held_out_detail h, available a
  UNION ALL
  SELECT
    2, 'revenue_by_month',
    'Le chiffre d''affaires des modèles est égal aux lignes de facture chargées, mois par mois (date de facture), au centime ; modèles et extraction : sommes des mois ; écart = Σ |écarts mensuels| ; « montants écartés » quand des lignes ont été écartées au chargement. Le détail par exercice, trimestre et mois est dans le rapprochement par période.',
    -- The sums over the months (what each side adds up to); the difference is Σ |monthly differences|,
    -- so months that differ both ways cannot cancel out. Period by period: marts.revenue_tie_out.
    CAST(mart_revenue AS DOUBLE), CAST(billing_revenue AS DOUBLE), CAST(absolute_difference AS DOUBLE), 0.005, 'EUR',
    CASE WHEN months_differing > 0 THEN 'fail' WHEN bm.rows_held_out > 0 THEN 'held_out' ELSE 'pass' END,
    months_differing || ' mois en écart sur ' || months || ' ; ' || h.text, a.has_billing
  FROM monthly_summary, billing_money bm, held_out_detail h, available a
  UNION ALL
  SELECT
    3, 'cost_total',
    'Le coût total des biens et services vendus des modèles est égal à Σ quantité × coût unitaire des lignes de facture chargées (arrondi au centime par ligne) ; « montants écartés » quand des lignes ont été écartées au chargement.',
    CAST(m.cost AS DOUBLE), CAST(b.cost AS DOUBLE), CAST(m.cost - b.cost AS DOUBLE), 0.005, 'EUR',
    CASE WHEN round(m.cost - b.cost, 2) <> 0 THEN 'fail' WHEN bm.rows_held_out > 0 THEN 'held_out' ELSE 'pass' END, h.text, a.has_billing
  FROM mart_total m, billing_total b, billing_money bm, held_out_detail h, available a
  UNION ALL
  SELECT
    4, 'margin_total',
    'La marge brute totale des modèles est égale aux montants nets moins le coût des lignes de facture chargées, au centime ; « montants écartés » quand des lignes ont été écartées au chargement.',
    CAST(m.margin AS DOUBLE), CAST(b.margin AS DOUBLE), CAST(m.margin - b.margin AS DOUBLE), 0.005, 'EUR',
    CASE WHEN round(m.margin - b.margin, 2) <> 0 THEN 'fail' WHEN bm.rows_held_out > 0 THEN 'held_out' ELSE 'pass' END, h.text, a.has_billing
  FROM mart_total m, billing_total b, billing_money bm, held_out_detail h, available a
  UNION ALL
  SELECT
    5, 'won_deals_vs_invoices',
    'Montant signé des affaires gagnées qui ont été facturées (CRM) comparé au montant des factures qui les portent, avoirs exclus (facturation), plus ce qui reste à facturer des affaires signées dans le délai de facturation (décalage de calendrier, pas un écart) : à moins de '
      || fr_pct_g(tolerance) || ' % au total.',
    CAST(won_amount AS DOUBLE), CAST(invoiced AS DOUBLE), CAST(invoiced - won_amount AS DOUBLE), tolerance, 'share',
    CASE WHEN abs(invoiced + to_invoice_on_invoiced - won_amount) <= tolerance * won_amount THEN 'pass' ELSE 'fail' END,
    deals || ' affaire(s) gagnée(s) facturée(s), dont ' || deals_outside || ' à plus de ' || fr_pct_g(tolerance) || ' % d''écart'
      || CASE WHEN to_invoice_on_invoiced > 0 THEN ' ; signé, à facturer sur ces affaires : ' || fr_eur2(to_invoice_on_invoiced) || ' (signées depuis moins de ' || delay_days || ' jours)' ELSE '' END
      || ' ; ' || won_not_invoiced
      || ' affaire(s) gagnée(s) non facturée(s) (laissées de côté) ; avoirs sur les affaires gagnées facturées : ' || fr_eur2(credited),
    a.has_billing
  FROM won_summary, available a
  UNION ALL
  SELECT
    6, 'revenue_vs_bookings',
    'Sans facturation, le chiffre d''affaires total des modèles est égal au montant des affaires gagnées chargées depuis le CRM (prises de commande), au centime ; « montants écartés » quand des affaires ont été écartées au chargement.',
    CAST(m.revenue AS DOUBLE), CAST(b.revenue AS DOUBLE), CAST(m.revenue - b.revenue AS DOUBLE), 0.005, 'EUR',
    CASE WHEN round(m.revenue - b.revenue, 2) <> 0 THEN 'fail' WHEN mc.rows_held_out > 0 THEN 'held_out' ELSE 'pass' END,
    b.deals || ' affaire(s) gagnée(s)' || CASE WHEN mc.rows_held_out > 0 THEN ' ; ' || mc.rows_held_out || ' affaire(s) de toutes étapes écartée(s) au chargement, '
      || fr_dec2(mc.held_out) || ' en devise de restitution : voir les enregistrements écartés (page Qualité des données)' ELSE '' END,
    NOT a.has_billing
  FROM mart_total m, bookings_total b, available a, (SELECT * FROM money_checks WHERE extract = 'opportunities') mc
  UNION ALL
  SELECT
    11, 'won_deals_to_invoice',
    'Signé, à facturer : les affaires gagnées signées depuis moins que le délai de facturation de l''entreprise et pas encore (entièrement) facturées. C''est un décalage de calendrier, pas un écart : ce montant sera facturé après la date des données.',
    CAST(to_invoice AS DOUBLE), NULL, NULL, 0.005, 'EUR',
    CASE WHEN to_invoice > 0 THEN 'timing' ELSE 'pass' END,
    deals_to_invoice || ' affaire(s) gagnée(s), ' || fr_eur2(to_invoice) || ' signés pas encore facturés'
      || CASE WHEN deals_to_invoice_uninvoiced > 0 THEN ' (dont ' || deals_to_invoice_uninvoiced || ' sans aucune facture encore)' ELSE '' END
      || ' ; délai de facturation : ' || coalesce(delay_days, 0) || ' jours'
      || CASE delay_source WHEN 'setting' THEN ' (réglage de l''entreprise)'
           WHEN 'history' THEN ' (historique de l''entreprise : ' || fr_pct_g(1 - tolerance) || ' % du montant signé de ses affaires gagnées est facturé dans les ' || coalesce(delay_days, 0) || ' jours qui suivent la signature)'
           WHEN 'short_history' THEN ' (historique de l''entreprise trop court pour mesurer son délai de facturation : moins de six mois d''affaires gagnées, dont le montant n''a pas encore été facturé à ' || fr_pct_g(1 - tolerance) || ' % ; toutes comptent comme à facturer)'
           ELSE ' (aucune affaire gagnée facturée : pas d''historique)' END,
    a.has_billing
  FROM won_summary, available a
  UNION ALL
  SELECT
    check_order, 'money_' || extract,
    'Montants des ' || label || ' lus dans les fichiers (devise de restitution) = chargés + écartés au chargement ; « montants écartés » quand une partie a été écartée.',
    CAST(loaded AS DOUBLE), CAST(read AS DOUBLE), CAST(loaded - read AS DOUBLE), 0.005, 'EUR',
    CASE WHEN rows_held_out > 0 THEN 'held_out' ELSE 'pass' END,
    CASE WHEN rows_held_out = 0 THEN 'rien d''écarté'
      ELSE rows_held_out || ' ligne(s) écartée(s), ' || fr_dec2(held_out) || ' en devise de restitution'
        || CASE WHEN rows_unreadable > 0 THEN ', dont ' || rows_unreadable || ' au montant illisible' ELSE '' END
        || CASE WHEN rows_unconverted > 0 THEN ', ' || rows_unconverted || ' sans taux de change (' || unconverted || ')' ELSE '' END END,
    applies
  FROM money_checks
)
SELECT
  c.check_name,
  CASE c.check_name
    WHEN 'revenue_total' THEN 'Chiffre d''affaires total / facturation'
    WHEN 'revenue_by_month' THEN 'Chiffre d''affaires mois par mois / facturation'
    WHEN 'cost_total' THEN 'Coût des ventes total / facturation'
    WHEN 'margin_total' THEN 'Marge brute totale / facturation'
    WHEN 'won_deals_vs_invoices' THEN 'Affaires gagnées / factures'
    WHEN 'won_deals_to_invoice' THEN 'Signé, à facturer'
    WHEN 'revenue_vs_bookings' THEN 'Chiffre d''affaires / prises de commande'
    ELSE 'Montants lus = chargés + écartés : ' || extract_label(substr(c.check_name, 7))
  END AS check_label,
  c.description,
  CASE WHEN c.applies THEN c.model_figure END AS model_figure,
  CASE WHEN c.applies THEN c.billing_figure END AS billing_figure,
  CASE WHEN c.applies THEN c.difference END AS difference,
  CASE WHEN c.applies AND c.tolerance_unit = 'share' THEN safe_divide(abs(c.difference), c.model_figure) END AS relative_difference,
  c.tolerance,
  c.tolerance_unit,
  CASE WHEN NOT c.applies THEN 'not_applicable' ELSE c.outcome END AS status,
  CASE WHEN c.applies THEN c.detail END AS detail,
  c.check_order
FROM checks c
