/*
description: >
  The conventions every figure follows, as the reader needs them said: the settings that change the
  figures most (fiscal year, CAC allocation of spend no segment carries, cost of seller time, coverage
  plan, segment mix target, invoicing delay, tolerance of the won-deals check, target bonus of the
  variable-pay simulation, when a deal has gone quiet, the win rates that give a deal its forecast
  category when the CRM exports none), each with its value in reader words and whether the company set it in its
  kpi-settings.yaml or it is the neutral default. `source_label` says where the settings came from
  (the company's file, or "réglages par défaut" when the extracts came without one).
grain: réglage
unique: [setting]
not_null: [setting_order, label, value_label, is_default, source, source_label]
accepted_values: { source: [company, defaults] }
*/
WITH s AS (SELECT * FROM settings.kpi),
o AS (SELECT * FROM settings.origin),
month_names AS (
  SELECT ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'] AS names
),
delay AS (
  SELECT any_value(invoicing_delay_days) AS days, any_value(delay_source) AS source FROM intermediate.int_won_deal_invoicing
),
rows AS (
  SELECT 1 AS setting_order, 'calendar.fiscalYearFirstMonth' AS setting, 'Exercice' AS label,
    CASE WHEN s.fiscal_year_first_month = 1 THEN 'année civile (janvier → décembre)'
      ELSE 'de ' || m.names[s.fiscal_year_first_month] || ' à ' || m.names[(s.fiscal_year_first_month + 10) % 12 + 1] END
      -- The current year as an example of how years are named: Exercice 2026 = octobre 2025 → septembre 2026.
      || coalesce(' ; ' || y.label || ' = ' || m.names[month(y.period_start)] || ' ' || year(y.period_start)
        || ' → ' || m.names[month(y.period_end)] || ' ' || year(y.period_end), '') AS value_label
  FROM s, month_names m
  LEFT JOIN (SELECT label, period_start, period_end FROM intermediate.int_calendar WHERE period_type = 'year' AND is_current) y ON true
  UNION ALL
  SELECT 2, 'cac.unallocatedSpend', 'Dépenses marketing sans segment (coût d''acquisition)',
    CASE s.cac_unallocated_spend WHEN 'by_campaign_leads' THEN 'réparties entre segments selon les leads de chaque campagne'
      WHEN 'by_new_customers' THEN 'réparties entre segments selon les nouveaux clients gagnés' ELSE 'laissées de côté (montrées comme non réparties)' END
  FROM s
  UNION ALL
  SELECT 3, 'cac.sellerCostMultiplier', 'Coût du temps commercial',
    'heures × coût horaire du commercial' || CASE WHEN s.cac_seller_cost_multiplier = 1 THEN ', sans majoration' ELSE ' × ' || replace(CAST(s.cac_seller_cost_multiplier AS VARCHAR), '.', ',') END
  FROM s
  UNION ALL
  SELECT 4, 'coveragePlan', 'Plan de couverture des comptes',
    coalesce((SELECT 'défini pour ' || string_agg(DISTINCT segment, ', ' ORDER BY segment) FROM settings.coverage_plan),
      'aucun : la couverture des comptes n''est pas comparée à un plan')
  UNION ALL
  SELECT 5, 'segmentMixTarget', 'Mix de chiffre d''affaires cible par segment',
    coalesce((SELECT string_agg(segment || ' ' || fr_pct_g(target_share) || ' %', ', ' ORDER BY segment) FROM settings.segment_mix_target),
      'aucun : le mix est montré sans cible')
  UNION ALL
  SELECT 6, 'reconciliation.invoicingDelayDays', 'Délai de facturation des affaires gagnées',
    coalesce(d.days, 0) || ' jours' || CASE d.source WHEN 'setting' THEN '' WHEN 'history' THEN ', tiré de l''historique de l''entreprise'
      WHEN 'short_history' THEN ', historique trop court pour le mesurer : toutes les affaires gagnées sont comptées comme à facturer' ELSE ', sans historique de facturation' END
  FROM delay d
  UNION ALL
  SELECT 7, 'reconciliation.wonDealsTolerance', 'Tolérance entre affaires gagnées et factures', fr_pct_g(s.won_deals_tolerance) || ' %'
  FROM s
  UNION ALL
  SELECT 8, 'variablePay.targetBonus', 'Prime variable cible (simulation)', fr_int(CAST(s.variable_pay_target_bonus AS DOUBLE)) || ' € par an'
  FROM s
  UNION ALL
  SELECT 9, 'funnel.quietAfterDays', 'Affaire sans activité récente',
    'aucune activité tenue sur l''affaire depuis plus de ' || s.quiet_after_days || ' jours (depuis sa création si elle n''en a jamais eu)'
  FROM s
  UNION ALL
  SELECT 10, 'funnel.commitFromProbability', 'Catégorie de prévision « engagé » sans catégorie du CRM',
    'taux de gain historique de l''étape à partir de ' || fr_pct_g(s.commit_from_probability) || ' %'
  FROM s
  UNION ALL
  SELECT 11, 'funnel.bestCaseFromProbability', 'Catégorie de prévision « probable » sans catégorie du CRM',
    'taux de gain historique de l''étape à partir de ' || fr_pct_g(s.best_case_from_probability) || ' % (en dessous : pipeline)'
  FROM s
)
SELECT
  r.setting_order,
  r.setting,
  r.label,
  r.value_label,
  NOT list_contains(o.explicit_keys, r.setting) AS is_default,
  o.source,
  -- Said in reader words: the file's name is for the analyst (the CLI and docs name it), not the page.
  CASE WHEN o.source = 'company' THEN 'réglages fournis par l''entreprise avec ses extractions'
    ELSE 'réglages par défaut : aucun fichier de réglages n''accompagne les extractions' END AS source_label
FROM rows r
CROSS JOIN o
