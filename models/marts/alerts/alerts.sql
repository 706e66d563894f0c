/*
description: >
  What needs attention, one row per alert raised, each with its evidence: the figure (numerator /
  denominator = value), what it is compared with (comparison_value, described in `comparison`), the
  threshold crossed, the period, a severity (élevée, moyenne, faible) and who should act (owner_role:
  seller, manager, marketing, finance), and a message in French. Rules, all reading existing marts,
  thresholds in kpi-settings.yaml (alerts.* unless said):
  win_rate_break — proposal win rate of the company or a team down by at least trendMinChange over
  the last recentMonths complete months against the baselineMonths before, significant at trendZ
  (intermediate.int_alert_trends); stalled_deals — a seller holds open deals older than
  funnel.stalledAfterDays (marts.open_pipeline); concentration_risk — the top sellers'
  share of revenue in the latest year is in the risk zone (marts.seller_concentration, whole sales
  force), high severity when the year before was not; cac_eats_margin — over the mature cohorts (every
  customer's first year over), a segment's CAC reaches cac.marginAlertRatio of its first-year margin
  (marts.cac_mature_cohorts, the figure the pages show); under_covered_segment — a segment got fewer touches than
  underCoveredRate × plan in the last complete year (marts.coverage_vs_plan); no_show_rising and
  leads_never_engaged_rising — rate up, as for the win rate; non_selling_time — a seller's administrative
  share of hours (activities.adminPurposes; support calls with customers are not administration)
  over the last 12 complete months above activities.nonSellingShareTarget (roles in
  nonSellingExcludedRoles excepted; marts.selling_time); objectives_too_easy — more than easyShare of
  the seller-months of the last 12 complete months at or above easyAttainment × objective
  (marts.quota_attainment); seller_below_team — a seller's win rate on a product line below the rest
  of the sales force in the latest year, significant after a Benjamini–Hochberg correction at
  alerts.belowTeamFdr over every seller × product line compared that year (at least
  funnel.outlierMinDecided decided proposals; one-sided p-value from the z-test of
  marts.seller_conversion_outliers).
  Each alert also says who acts, by name, and where its proof is: owner_seller_id / owner_seller_name
  (the seller for a seller's own alert; for a manager's alert on a seller, the seller's manager_id,
  else their team's lead; on a team, the team's lead — the manager its sellers most often report to,
  else its seller of role manager; on the company or a segment, the head of sales — the one seller
  without a manager who manages others —; none for marketing and finance, which are not in the
  sellers data) with owner_title saying which of these it is, or that none is known; team and
  segment concerned; sellers_concerned (names: the seller, the top sellers of a concentration alert,
  the sellers whose own months are mostly far above objective); evidence_url, the page and section
  (heading anchor) whose rows prove it.
grain: règle × sujet × période
unique: [rule, subject_type, subject, period]
not_null: [rule, rule_label, severity, severity_rank, owner_role, owner_title, subject_type, subject, period, comparison, message, evidence_url]
accepted_values: { severity: [élevée, moyenne, faible], owner_role: [seller, manager, marketing, finance] }
*/
WITH k AS (
  SELECT s.*, (SELECT max(data_end) FROM intermediate.int_calendar) AS data_end FROM settings.kpi s
),
months AS (
  SELECT CAST(date_trunc('month', data_end + 1) - INTERVAL 12 MONTH AS DATE) AS start12, CAST(date_trunc('month', data_end + 1) AS DATE) AS end12 FROM k
),
sellers AS (
  SELECT seller_id, seller_name, role, team, manager_id FROM staging.stg_sellers
),
-- A team's lead: the manager its sellers most often report to (manager_id), else its seller whose
-- role is manager. The head of sales: the one seller with no manager who manages someone (none
-- when several or none qualify: the alert then names no one rather than guessing).
reports AS (
  SELECT s.team, s.manager_id AS lead_id, count(*) AS sellers
  FROM staging.stg_sellers s JOIN staging.stg_sellers m ON m.seller_id = s.manager_id
  WHERE NOT s.is_placeholder AND s.seller_id <> s.manager_id
  GROUP BY s.team, s.manager_id
),
team_leads AS (
  SELECT t.team,
         coalesce((SELECT r.lead_id FROM reports r WHERE r.team = t.team ORDER BY r.sellers DESC, r.lead_id LIMIT 1),
                  (SELECT min(m.seller_id) FROM staging.stg_sellers m WHERE m.team = t.team AND m.role = 'manager')) AS lead_id
  FROM (SELECT DISTINCT team FROM staging.stg_sellers WHERE NOT is_placeholder) t
),
head_of_sales AS (
  SELECT CASE WHEN count(*) = 1 THEN min(h.seller_id) END AS head_id
  FROM staging.stg_sellers h
  WHERE h.manager_id IS NULL AND NOT h.is_placeholder AND h.is_active
    AND EXISTS (SELECT 1 FROM staging.stg_sellers s WHERE s.manager_id = h.seller_id AND s.seller_id <> h.seller_id)
),
trends AS (
  SELECT t.*,
         strftime(t.recent_start, '%d/%m/%Y') || ' – ' || strftime(CAST(t.recent_end - 1 AS DATE), '%d/%m/%Y') AS period
  FROM intermediate.int_alert_trends t CROSS JOIN k
  WHERE t.recent_den >= k.alert_trend_min_count AND t.baseline_den > 0
    AND t.worse * (t.recent_rate - t.baseline_rate) >= k.alert_trend_min_change
    AND t.worse * t.z_score >= k.alert_trend_z
),
-- Seller × product line comparisons of the latest year with enough decided proposals: one-sided
-- p-value of "below the rest" (normal approximation of the two-proportion z-test of
-- marts.seller_conversion_outliers), and the Benjamini–Hochberg cut over all of them: the largest
-- rank i whose p-value is at most i / m × alerts.belowTeamFdr. Testing some 50 comparisons at 5 %
-- each would raise two or three false alerts a year by chance alone.
below_tests AS (
  SELECT o.*, normal_cdf(o.z_score) AS p_value
  FROM marts.seller_conversion_outliers o CROSS JOIN k
  WHERE o.year = (SELECT max(year) FROM marts.seller_conversion_outliers) AND o.z_score IS NOT NULL AND o.decided >= k.outlier_min_decided
),
below_ranked AS (
  SELECT *, row_number() OVER (ORDER BY p_value, seller_id, product_line) AS p_rank, count(*) OVER () AS comparisons FROM below_tests
),
below_team AS (
  SELECT b.*, coalesce(max(CASE WHEN b.p_value <= b.p_rank / b.comparisons * k.alert_below_team_fdr THEN b.p_rank END) OVER (), 0) AS bh_cut
  FROM below_ranked b CROSS JOIN k
),
raised AS (
  -- Trend breaks: win rate, no-shows, leads never engaged.
  SELECT t.rule,
         CASE t.rule WHEN 'win_rate_break' THEN 'Rupture de tendance du taux de gain' WHEN 'no_show_rising' THEN 'Hausse des rendez-vous non honorés' ELSE 'Hausse des leads jamais engagés' END AS rule_label,
         CASE WHEN t.rule = 'win_rate_break' AND t.subject_type = 'Entreprise' THEN 'élevée' ELSE 'moyenne' END AS severity,
         CASE t.rule WHEN 'leads_never_engaged_rising' THEN 'marketing' ELSE 'manager' END AS owner_role,
         t.subject_type, t.subject, t.period,
         CAST(t.recent_num AS DOUBLE) AS numerator, CAST(t.recent_den AS DOUBLE) AS denominator, t.recent_rate AS value,
         t.baseline_rate AS comparison_value,
         'taux des ' || k.alert_baseline_months || ' mois précédents (' || t.baseline_num || ' / ' || t.baseline_den || ')' AS comparison,
         k.alert_trend_min_change AS threshold,
         CASE t.rule WHEN 'win_rate_break' THEN 'Taux de gain des propositions' WHEN 'no_show_rising' THEN 'Taux de rendez-vous non honorés' ELSE 'Part des leads jamais engagés' END
           || CASE WHEN t.subject_type = 'Entreprise' THEN '' ELSE ' (équipe ' || t.subject || ')' END
           || ' : ' || fr_pct1(t.recent_rate) || ' % (' || t.recent_num || ' / ' || t.recent_den || ') sur les '
           || k.alert_recent_months || ' derniers mois complets, contre ' || fr_pct1(t.baseline_rate)
           || ' % sur les ' || k.alert_baseline_months || ' mois précédents.' AS message
  FROM trends t CROSS JOIN k

  UNION ALL
  -- Stalled deals, per seller.
  SELECT 'stalled_deals', 'Affaires enlisées',
         CASE WHEN sum(p.stalled_value) >= k.alert_stalled_high_share * sum(p.pipeline_value) THEN 'élevée' ELSE 'moyenne' END,
         'seller', 'Commercial', p.seller_id, 'au ' || strftime(CAST(max(p.as_of) AS DATE), '%d/%m/%Y'),
         sum(p.stalled_value), sum(p.pipeline_value), safe_divide(sum(p.stalled_value), sum(p.pipeline_value)),
         k.alert_stalled_high_share, 'part du pipeline ouvert au-delà de laquelle l''alerte est élevée', any_value(k.stalled_after_days),
         sum(p.stalled_deals) || ' affaire(s) ouverte(s) depuis plus de ' || any_value(k.stalled_after_days) || ' jours pour ' || coalesce(any_value(s.seller_name), p.seller_id)
           || ' : ' || fr_int(sum(p.stalled_value)) || ' € sur ' || fr_int(sum(p.pipeline_value)) || ' € de pipeline ouvert.'
  FROM marts.open_pipeline p CROSS JOIN k LEFT JOIN sellers s ON s.seller_id = p.seller_id
  GROUP BY p.seller_id, k.alert_stalled_high_share
  HAVING sum(p.stalled_deals) > 0

  UNION ALL
  -- Concentration: latest year against the one before, whole sales force.
  SELECT 'concentration_risk', 'Concentration du chiffre d''affaires',
         CASE WHEN coalesce(c.prev_risk, false) THEN 'moyenne' ELSE 'élevée' END, 'manager', 'Entreprise', 'Entreprise',
         period_label('year', c.period_start),
         c.risk_top_revenue, c.total_revenue, c.risk_top_share, c.prev_share,
         'part l''année précédente', c.risk_zone_threshold,
         'Les ' || c.risk_top_sellers || ' meilleur(s) commercial(aux) (' || fr_pct_g(c.risk_top_fraction) || ' %) portent '
           || fr_pct1(c.risk_top_share) || ' % du chiffre d''affaires (seuil ' || fr_pct_g(c.risk_zone_threshold) || ' %)'
           || CASE WHEN coalesce(c.prev_risk, false) THEN ', déjà en zone de risque l''année précédente (' ELSE ', entrée en zone de risque (année précédente : ' END
           || coalesce(fr_pct1(c.prev_share) || ' %', 'non mesurée') || ').'
  FROM (
    SELECT *, lag(risk_zone) OVER (ORDER BY period_start) AS prev_risk, lag(risk_top_share) OVER (ORDER BY period_start) AS prev_share,
           row_number() OVER (ORDER BY period_start DESC) AS recency
    FROM marts.seller_concentration WHERE period_type = 'year' AND team = 'Toutes les équipes'
  ) c
  WHERE c.recency = 1 AND c.risk_zone

  UNION ALL
  -- CAC eating the first-year margin, over the mature cohorts: the figure /acquisition and the
  -- segment pages show (marts.cac_mature_cohorts), not a cohort of its own.
  SELECT 'cac_eats_margin', 'Le CAC mange la marge',
         CASE WHEN v.cac_to_margin_ratio >= 1 THEN 'élevée' ELSE 'moyenne' END, 'finance', 'Segment', v.segment,
         'clients acquis ' || v.mature_cohorts_phrase,
         v.acquisition_cost, v.first_year_margin, v.cac_to_margin_ratio, v.margin_alert_ratio,
         'seuil de la part de la marge de première année', v.margin_alert_ratio,
         'Segment ' || v.segment || ' : l''acquisition (' || fr_int(v.acquisition_cost) || ' €) représente '
           || fr_pct1(v.cac_to_margin_ratio) || ' % de la marge brute de première année des ' || v.new_customers
           || ' clients acquis ' || v.mature_cohorts_phrase || ' ('|| fr_int(v.first_year_margin) || ' €), seuil '
           || fr_pct_g(v.margin_alert_ratio) || ' %.'
  FROM marts.cac_mature_cohorts v
  WHERE v.segment IN ('Or', 'Argent', 'Bronze') AND v.cac_eats_margin

  UNION ALL
  -- Under-covered segments, last complete year.
  SELECT 'under_covered_segment', 'Segment sous-couvert', 'moyenne', 'manager', 'Segment', v.segment, 'Exercice ' || v.year,
         v.actual_touches, v.planned_touches, v.coverage_rate, k.alert_under_covered_rate,
         'part du plan de contacts en dessous de laquelle le segment est sous-couvert', k.alert_under_covered_rate,
         'Segment ' || v.segment || ' : ' || v.actual_touches || ' contacts pour ' || CAST(round(v.planned_touches) AS BIGINT) || ' prévus au plan ('
           || fr_pct1(v.coverage_rate) || ' %), ' || v.under_covered_accounts || ' comptes sur ' || v.accounts || ' sous-couverts.'
  FROM marts.coverage_vs_plan v CROSS JOIN k
  WHERE v.year = (SELECT fiscal_year FROM intermediate.int_calendar WHERE period_type = 'year' AND is_last_complete_year)
    AND v.coverage_rate < k.alert_under_covered_rate

  UNION ALL
  -- Non-selling time over the last 12 complete months: administrative hours (the seed's « faire de l'administratif »).
  SELECT 'non_selling_time', 'Temps administratif au-dessus de 40 %',
         CASE WHEN sum(t.admin_hours) / sum(t.hours) > any_value(k.non_selling_share_target) + 0.1 THEN 'moyenne' ELSE 'faible' END,
         'manager', 'Commercial', t.seller_id, 'de ' || strftime(any_value(m.start12), '%m/%Y') || ' à ' || strftime(CAST(any_value(m.end12) - 1 AS DATE), '%m/%Y'),
         sum(t.admin_hours), sum(t.hours), sum(t.admin_hours) / sum(t.hours), any_value(k.non_selling_share_target),
         'plafond cible de la part de temps administratif', any_value(k.non_selling_share_target),
         coalesce(any_value(s.seller_name), t.seller_id) || ' : ' || fr_pct1(sum(t.admin_hours) / sum(t.hours))
           || ' % de ses heures en tâches administratives (' || fr_int(sum(t.admin_hours)) || ' h sur ' || fr_int(sum(t.hours)) || ' h), pour un plafond de '
           || fr_pct_g(any_value(k.non_selling_share_target)) || ' %.'
  FROM marts.selling_time t CROSS JOIN k CROSS JOIN months m LEFT JOIN sellers s ON s.seller_id = t.seller_id
  WHERE t.month >= m.start12 AND t.month < m.end12 AND NOT list_contains(k.alert_non_selling_excluded_roles, coalesce(s.role, ''))
  GROUP BY t.seller_id
  HAVING sum(t.hours) > 0 AND sum(t.admin_hours) / sum(t.hours) > any_value(k.non_selling_share_target)

  UNION ALL
  -- Objectives too easy: most seller-months far above.
  SELECT 'objectives_too_easy', 'Objectifs trop faciles', 'moyenne', 'manager', 'Entreprise', 'Entreprise',
         'de ' || strftime(any_value(m.start12), '%m/%Y') || ' à ' || strftime(CAST(any_value(m.end12) - 1 AS DATE), '%m/%Y'),
         count(*) FILTER (WHERE q.attainment >= k.alert_easy_attainment), count(*),
         count(*) FILTER (WHERE q.attainment >= k.alert_easy_attainment) / count(*), k.alert_easy_share,
         'part des mois-commerciaux au-delà de laquelle les objectifs sont trop faciles', k.alert_easy_attainment,
         count(*) FILTER (WHERE q.attainment >= k.alert_easy_attainment) || ' mois-commerciaux sur ' || count(*) || ' ('
           || fr_pct1(count(*) FILTER (WHERE q.attainment >= k.alert_easy_attainment) / count(*))
           || ' %) dépassent ' || fr_pct_g(k.alert_easy_attainment) || ' % de l''objectif : les objectifs semblent trop faciles.'
  FROM marts.quota_attainment q CROSS JOIN k CROSS JOIN months m
  WHERE q.period_type = 'month' AND q.has_objective AND q.period_start >= m.start12 AND q.period_start < m.end12
  GROUP BY k.alert_easy_attainment, k.alert_easy_share
  HAVING count(*) > 0 AND count(*) FILTER (WHERE q.attainment >= k.alert_easy_attainment) / count(*) > k.alert_easy_share

  UNION ALL
  -- A seller far below the rest of the sales force on a product line, latest year, after Benjamini–Hochberg.
  SELECT 'seller_below_team', 'Commercial très en dessous de l''équipe', 'moyenne', 'manager', 'Commercial', o.seller_id || ' · ' || o.product_line,
         'Exercice ' || o.year, o.won, o.decided, o.seller_win_rate, o.rest_win_rate,
         'taux de gain du reste de l''équipe sur la même ligne (' || o.rest_won || ' / ' || o.rest_decided || ')', k.alert_below_team_fdr,
         coalesce(s.seller_name, o.seller_id) || ' gagne ' || fr_pct1(o.seller_win_rate) || ' % de ses propositions '
           || o.product_line || ' (' || o.won || ' / ' || o.decided || ') contre ' || fr_pct1(o.rest_win_rate)
           || ' % pour le reste de l''équipe (écart significatif après correction pour les ' || o.comparisons
           || ' comparaisons commercial × ligne de l''année : p = ' || replace(printf('%.2g', o.p_value), '.', ',') || ').'
  FROM below_team o CROSS JOIN k LEFT JOIN sellers s ON s.seller_id = o.seller_id
  WHERE o.p_rank <= o.bh_cut AND o.seller_win_rate < o.rest_win_rate
),
-- The sellers a company-wide alert is about, by name: the top sellers carrying the concentrated
-- revenue (the latest year's ranks, best first), and the sellers whose own months of the last 12
-- are mostly far above objective (most such months first).
concerned_lists AS (
  SELECT 'concentration_risk' AS rule, string_agg(coalesce(s.seller_name, r.seller_id), ', ' ORDER BY r.revenue_rank) AS names
  FROM marts.seller_revenue r
  JOIN (SELECT period_start, risk_top_sellers FROM marts.seller_concentration
        WHERE period_type = 'year' AND team = 'Toutes les équipes' ORDER BY period_start DESC LIMIT 1) c
    ON r.period_type = 'year' AND r.period_start = c.period_start AND r.revenue_rank <= c.risk_top_sellers
  LEFT JOIN sellers s ON s.seller_id = r.seller_id
  UNION ALL
  SELECT 'objectives_too_easy', string_agg(coalesce(s.seller_name, e.seller_id) || ' (' || e.easy || ' mois sur ' || e.months || ')', ', ' ORDER BY e.easy DESC, e.seller_id)
  FROM (
    SELECT q.seller_id, count(*) FILTER (WHERE q.attainment >= k.alert_easy_attainment) AS easy, count(*) AS months, k.alert_easy_share AS easy_share
    FROM marts.quota_attainment q CROSS JOIN k CROSS JOIN months m
    WHERE q.period_type = 'month' AND q.has_objective AND q.period_start >= m.start12 AND q.period_start < m.end12
    GROUP BY q.seller_id, k.alert_easy_attainment, k.alert_easy_share
  ) e LEFT JOIN sellers s ON s.seller_id = e.seller_id
  WHERE e.easy / e.months > e.easy_share
),
with_seller AS (
  -- The seller an alert is about, so that a pseudonymised site replaces their name and id in the text too.
  SELECT *, CASE WHEN subject_type = 'Commercial' THEN split_part(subject, ' · ', 1) END AS seller_id FROM raised
),
owned AS (
  SELECT a.*,
         CASE subject_type WHEN 'Équipe' THEN a.subject WHEN 'Commercial' THEN subj.team END AS team,
         CASE WHEN a.subject_type = 'Segment' THEN a.subject END AS segment,
         CASE WHEN a.subject_type = 'Commercial' THEN coalesce(subj.seller_name, a.seller_id) ELSE cl.names END AS sellers_concerned,
         CASE
           WHEN a.owner_role = 'seller' THEN a.seller_id
           -- A seller's manager; a seller without one (or their own) goes to their team's lead, then the head of sales.
           WHEN a.owner_role = 'manager' AND a.subject_type = 'Commercial'
             THEN coalesce(nullif(subj.manager_id, a.seller_id), nullif(tl.lead_id, a.seller_id), h.head_id)
           WHEN a.owner_role = 'manager' AND a.subject_type = 'Équipe' THEN tl.lead_id
           WHEN a.owner_role = 'manager' THEN h.head_id
         END AS owner_seller_id
  FROM with_seller a
  LEFT JOIN sellers subj ON subj.seller_id = a.seller_id
  LEFT JOIN team_leads tl ON tl.team = CASE WHEN a.subject_type = 'Équipe' THEN a.subject ELSE subj.team END
  CROSS JOIN head_of_sales h
  LEFT JOIN concerned_lists cl ON cl.rule = a.rule
)
SELECT o.rule, o.rule_label, o.severity,
       CASE o.severity WHEN 'élevée' THEN 1 WHEN 'moyenne' THEN 2 ELSE 3 END AS severity_rank,
       o.owner_role, o.subject_type, o.subject, o.period, o.numerator, o.denominator, o.value, o.comparison_value, o.comparison, o.threshold, o.message,
       o.seller_id,
       o.owner_seller_id,
       CASE WHEN o.owner_seller_id IS NOT NULL THEN coalesce(own.seller_name, o.owner_seller_id) END AS owner_seller_name,
       -- Who the named owner is to the alert, or why no one is named (an explicit unknown, not a guess).
       CASE
         WHEN o.owner_role = 'seller' THEN 'Commercial concerné'
         WHEN o.owner_role = 'manager' AND o.subject_type = 'Commercial'
           THEN CASE WHEN o.owner_seller_id IS NULL THEN 'Manager du commercial (non renseigné dans le fichier des commerciaux)' ELSE 'Manager du commercial' END
         WHEN o.owner_role = 'manager' AND o.subject_type = 'Équipe'
           THEN CASE WHEN o.owner_seller_id IS NULL THEN 'Responsable de l''équipe (non renseigné dans le fichier des commerciaux)' ELSE 'Responsable de l''équipe' END
         WHEN o.owner_role = 'manager'
           THEN CASE WHEN o.owner_seller_id IS NULL THEN 'Direction commerciale (aucun responsable unique dans le fichier des commerciaux)' ELSE 'Direction commerciale' END
         WHEN o.owner_role = 'marketing' THEN 'Marketing'
         ELSE 'Finance'
       END AS owner_title,
       o.team, o.segment, o.sellers_concerned,
       -- The page and section (its heading's anchor) whose rows prove the alert; test/kpi-alerts.test.ts
       -- checks each anchor is a heading of that page.
       CASE o.rule
         WHEN 'win_rate_break' THEN '/funnel#taux-de-gain-des-propositions-face-au-repère-de-30-'
         WHEN 'no_show_rising' THEN '/activity#rendez-vous-non-honorés-et-temps-de-vente'
         WHEN 'leads_never_engaged_rising' THEN '/funnel#leads-jamais-engagés-par-source'
         WHEN 'stalled_deals' THEN '/funnel#pipeline-ouvert'
         WHEN 'concentration_risk' THEN '/team#concentration-du-chiffre-daffaires'
         WHEN 'cac_eats_margin' THEN '/segments/' || o.subject || '#acquisition-par-cohorte'
         WHEN 'under_covered_segment' THEN '/activity#couverture-des-comptes-face-au-plan'
         WHEN 'non_selling_time' THEN '/sellers/' || o.seller_id || '#conversion-et-activité'
         WHEN 'objectives_too_easy' THEN '/team#atteinte-des-objectifs'
         WHEN 'seller_below_team' THEN '/funnel#commerciaux-qui-convertissent-différemment'
       END AS evidence_url
FROM owned o
LEFT JOIN sellers own ON own.seller_id = o.owner_seller_id
