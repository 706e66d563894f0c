/*
description: >
  Rates whose trend the alerts watch, in two windows: the last `alerts.recentMonths` complete
  months before the data's end (the one data window, intermediate.int_calendar) and the `alerts.baselineMonths`
  months before them, with a two-proportion z-score (pooled) of the change. Win rate on proposals
  (marts.proposal_win_rate, by close month; the company and each team), meeting no-show rate
  (marts.meeting_no_shows) and leads never engaged (marts.lead_conversion, by creation month; the
  window ends `alerts.leadEngagementDays` before the data's end so young leads, not yet worked, do
  not look neglected). `worse` is +1 when a rise is bad, −1 when a fall is.
grain: rule × subject
unique: [rule, subject]
not_null: [recent_start, recent_end, baseline_start, worse]
*/
WITH k AS (
  SELECT s.*, (SELECT max(data_end) FROM intermediate.int_calendar) AS data_end FROM settings.kpi s
),
windows AS (
  SELECT r.rule, r.worse,
         CAST(date_trunc('month', k.data_end + 1 - CASE WHEN r.rule = 'leads_never_engaged_rising' THEN CAST(k.alert_lead_engagement_days AS INTEGER) ELSE 0 END) AS DATE) AS recent_end,
         CAST(k.alert_recent_months AS INTEGER) AS recent_months, CAST(k.alert_baseline_months AS INTEGER) AS baseline_months
  FROM k
  CROSS JOIN (VALUES ('win_rate_break', -1), ('no_show_rising', 1), ('leads_never_engaged_rising', 1)) AS r(rule, worse)
  WHERE k.data_end IS NOT NULL
),
bounds AS (
  SELECT rule, worse, recent_end,
         CAST(recent_end - to_months(recent_months) AS DATE) AS recent_start,
         CAST(recent_end - to_months(recent_months + baseline_months) AS DATE) AS baseline_start
  FROM windows
),
series AS (
  SELECT 'win_rate_break' AS rule, 'Entreprise' AS subject_type, 'Entreprise' AS subject, month, proposals_won AS num, proposals_decided AS den FROM marts.proposal_win_rate
  UNION ALL
  SELECT 'win_rate_break', 'Équipe', team, month, proposals_won, proposals_decided FROM marts.proposal_win_rate WHERE team IS NOT NULL
  UNION ALL
  SELECT 'no_show_rising', 'Entreprise', 'Entreprise', month, no_shows, planned_meetings FROM marts.meeting_no_shows
  UNION ALL
  SELECT 'leads_never_engaged_rising', 'Entreprise', 'Entreprise', month, never_engaged_leads, leads FROM marts.lead_conversion WHERE never_engaged_leads IS NOT NULL
),
windowed AS (
  SELECT s.rule, s.subject_type, s.subject, any_value(b.worse) AS worse,
         any_value(b.recent_start) AS recent_start, any_value(b.recent_end) AS recent_end, any_value(b.baseline_start) AS baseline_start,
         coalesce(sum(s.num) FILTER (WHERE s.month >= b.recent_start), 0) AS recent_num,
         coalesce(sum(s.den) FILTER (WHERE s.month >= b.recent_start), 0) AS recent_den,
         coalesce(sum(s.num) FILTER (WHERE s.month < b.recent_start), 0) AS baseline_num,
         coalesce(sum(s.den) FILTER (WHERE s.month < b.recent_start), 0) AS baseline_den
  FROM series s
  JOIN bounds b ON b.rule = s.rule AND s.month >= b.baseline_start AND s.month < b.recent_end
  GROUP BY s.rule, s.subject_type, s.subject
)
SELECT *,
       safe_divide(recent_num, recent_den) AS recent_rate,
       safe_divide(baseline_num, baseline_den) AS baseline_rate,
       CASE WHEN recent_den > 0 AND baseline_den > 0
                 AND (recent_num + baseline_num) > 0 AND (recent_num + baseline_num) < (recent_den + baseline_den)
            THEN (recent_num / recent_den - baseline_num / baseline_den)
                 / sqrt((recent_num + baseline_num) / (recent_den + baseline_den) * (1 - (recent_num + baseline_num) / (recent_den + baseline_den))
                        * (1 / recent_den + 1 / baseline_den))
       END AS z_score
FROM windowed
