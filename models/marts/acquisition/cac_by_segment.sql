/*
description: >
  Customer acquisition cost per quarter and year and per segment (plus 'Tous les segments'): marketing spend
  attributed to the segment plus the cost of seller time spent acquiring in it, divided by the new
  customers the segment won in the period. Spend: rows of marketing_spend tagged with the segment
  (spend date in the period), plus the untagged spend shared out by the rule of kpi-settings.yaml
  (cac.unallocatedSpend, repeated in `unallocated_spend_rule`):
  'by_campaign_leads' shares each campaign's untagged spend by the attribution weights of the
  campaign's leads per segment (the lead's account's segment, else the campaign's target segment;
  intermediate.int_acquisition_lead_attribution), gives it whole to the campaign's target segment
  when none of its leads has a segment, and by the new customers of the period otherwise;
  'by_new_customers' shares it by the segments' new customers of the period; 'exclude' keeps it out.
  Spend that no rule can place (excluded, or no new customer in the period) is `unallocated_spend`
  on the 'Tous les segments' row, as is acquisition time on no known segment (`unallocated_time_cost`): both stay
  out of CAC and in `blended_cac`. Seller time: intermediate.int_acquisition_time. New customers:
  first purchase in the period, customers already buying when the billing history begins excluded
  (intermediate.int_acquisition_customers). Quarter allocations by new customers are made per
  quarter, so four quarters need not add up to their year under that rule. Figures needing an
  extract that was not provided are NULL.
grain: type de période × début de période × segment
unique: [period_type, period_start, segment]
not_null: [period_end, unallocated_spend_rule]
accepted_values: { period_type: [quarter, year], segment: [Tous les segments, Or, Argent, Bronze, (non renseigné)], unallocated_spend_rule: [by_campaign_leads, by_new_customers, exclude] }
kpis:
  - name: CAC by segment
    label: Coût d'acquisition client par segment
    formula: >
      (dépenses marketing attribuées au segment + coût du temps commercial consacré à l'acquisition
      dans le segment) / nouveaux clients gagnés dans le segment sur la période. Une dépense marquée
      d'un segment lui revient ; une dépense sans segment suit la règle de répartition (réglage «
      dépenses non affectées » : par défaut au prorata des leads attribués à la campagne dans chaque
      segment, sinon au segment cible de la campagne, sinon au prorata des nouveaux clients de la
      période ; « exclure » la laisse non affectée). Coût du temps commercial = heures d'activités
      avec des prospects (réglage « interlocuteurs d'acquisition ») × coût horaire × coefficient de
      coût commercial (réglage), sur le segment du compte, du lead ou de l'affaire concernés.
      Dépenses et temps non affectés sont montrés à part et n'entrent que dans le CAC global de la
      ligne « Tous les segments ».
    columns: [cac, marketing_spend, tagged_spend, allocated_spend, seller_time_cost, acquisition_cost, new_customers]
    numerator: acquisition_cost
    denominator: new_customers
    numerator_label: "Coût d'acquisition (dépenses marketing + temps commercial)"
    denominator_label: Nouveaux clients
    unit: EUR
    seeds: ['003', '004']
    audiences: [A, E, F]
    needs: [marketing_spend, activities, invoices, invoice_lines]
  - name: Blended CAC
    label: Coût d'acquisition client global
    formula: >
      (toutes les dépenses marketing + tout le coût du temps commercial d'acquisition, parts non
      affectées comprises) / tous les nouveaux clients de la période (ligne « Tous les segments »).
    columns: [blended_cac, unallocated_spend, unallocated_time_cost]
    numerator: total_acquisition_cost
    denominator: new_customers
    numerator_label: "Coût d'acquisition total, parts non affectées comprises"
    denominator_label: Nouveaux clients
    unit: EUR
    seeds: ['004']
    audiences: [A, F]
    needs: [marketing_spend, activities, invoices, invoice_lines]
*/
WITH available AS (
  SELECT
    extract_available('marketing_spend') AS has_spend,
    extract_available('activities') AS has_activities,
    extract_available('invoices') AND extract_available('invoice_lines') AS has_billing
),
rule AS (
  SELECT cac_unallocated_spend AS rule FROM settings.kpi
),
period_types AS (
  SELECT * FROM (VALUES ('quarter'), ('year')) AS t(period_type)
),
-- The fiscal quarters and years of the data window (intermediate.int_calendar). Spend dated in a
-- fiscal year the window does not touch (campaigns paid before any lead, deal, activity or invoice)
-- falls in no period.
periods AS (
  SELECT period_type, period_start, period_end, label, is_complete
  FROM intermediate.int_calendar
  WHERE period_type IN ('quarter', 'year')
),
-- Spend per period and campaign, tagged segment or NULL (summed by month first: few rows to repeat per period type).
spend_month AS (
  SELECT CAST(date_trunc('month', s.spend_date) AS DATE) AS month, s.campaign_id, s.segment, c.target_segment, sum(s.amount) AS amount
  FROM staging.stg_marketing_spend s
  LEFT JOIN staging.stg_campaigns c ON c.campaign_id = s.campaign_id
  GROUP BY ALL
),
spend AS (
  SELECT t.period_type, period_start_of(t.period_type, m.month) AS period_start, m.campaign_id, m.segment, m.target_segment, sum(m.amount) AS amount
  FROM spend_month m
  CROSS JOIN period_types t
  GROUP BY ALL
),
campaign_mix AS (
  SELECT campaign_id, segment, sum(weight) / sum(sum(weight)) OVER (PARTITION BY campaign_id) AS share
  FROM intermediate.int_acquisition_lead_attribution
  WHERE segment IS NOT NULL AND weight > 0
  GROUP BY campaign_id, segment
),
campaigns_with_mix AS (
  SELECT DISTINCT campaign_id FROM campaign_mix
),
new_customers AS (
  SELECT t.period_type, period_start_of(t.period_type, c.first_purchase_date) AS period_start, c.segment, count(*) AS new_customers
  FROM intermediate.int_acquisition_customers c
  CROSS JOIN period_types t
  WHERE c.is_new_customer
  GROUP BY ALL
),
new_customer_mix AS (
  SELECT period_type, period_start, segment, new_customers / sum(new_customers) OVER (PARTITION BY period_type, period_start) AS share
  FROM new_customers
),
untagged AS (
  SELECT
    s.*,
    CASE
      WHEN r.rule = 'exclude' THEN 'exclude'
      WHEN r.rule = 'by_campaign_leads' AND m.campaign_id IS NOT NULL THEN 'campaign_leads'
      WHEN r.rule = 'by_campaign_leads' AND s.target_segment IS NOT NULL THEN 'target_segment'
      WHEN n.period_start IS NOT NULL THEN 'new_customers'
      ELSE 'none'
    END AS method
  FROM spend s
  CROSS JOIN rule r
  LEFT JOIN campaigns_with_mix m ON m.campaign_id = s.campaign_id
  LEFT JOIN (SELECT DISTINCT period_type, period_start FROM new_customers) n ON n.period_type = s.period_type AND n.period_start = s.period_start
  WHERE s.segment IS NULL
),
spend_by_segment AS (
  SELECT period_type, period_start, segment, amount AS tagged, 0 AS allocated FROM spend WHERE segment IS NOT NULL
  UNION ALL
  SELECT u.period_type, u.period_start, m.segment, 0, u.amount * m.share
  FROM untagged u JOIN campaign_mix m ON m.campaign_id = u.campaign_id
  WHERE u.method = 'campaign_leads'
  UNION ALL
  SELECT period_type, period_start, target_segment, 0, amount FROM untagged WHERE method = 'target_segment'
  UNION ALL
  SELECT u.period_type, u.period_start, n.segment, 0, u.amount * n.share
  FROM untagged u JOIN new_customer_mix n ON n.period_type = u.period_type AND n.period_start = u.period_start
  WHERE u.method = 'new_customers'
),
spend_totals AS (
  -- Shares in exact decimals before the sum (a sum of doubles depends on the threads' order).
  SELECT period_type, period_start, segment, sum(tagged) AS tagged_spend, sum(CAST(allocated AS DECIMAL(38, 12))) AS allocated_spend
  FROM spend_by_segment
  GROUP BY ALL
),
unallocated_spend AS (
  SELECT period_type, period_start, sum(amount) AS unallocated_spend
  FROM untagged
  WHERE method IN ('exclude', 'none')
  GROUP BY ALL
),
time_cost AS (
  SELECT t.period_type, period_start_of(t.period_type, a.month) AS period_start, a.segment, sum(a.time_cost) AS time_cost
  FROM intermediate.int_acquisition_time a
  CROSS JOIN period_types t
  GROUP BY ALL
),
by_segment AS (
  SELECT
    p.period_type,
    p.period_start,
    p.period_end,
    p.label,
    p.is_complete AS is_complete_period,
    g.segment,
    CASE WHEN av.has_spend THEN coalesce(s.tagged_spend, 0) END AS tagged_spend,
    CASE WHEN av.has_spend THEN coalesce(s.allocated_spend, 0) END AS allocated_spend,
    CASE WHEN av.has_activities THEN coalesce(tc.time_cost, 0) END AS seller_time_cost,
    CASE WHEN av.has_billing THEN coalesce(n.new_customers, 0) END AS new_customers
  FROM periods p
  CROSS JOIN (VALUES ('Or'), ('Argent'), ('Bronze')) AS g(segment)
  CROSS JOIN available av
  LEFT JOIN spend_totals s ON s.period_type = p.period_type AND s.period_start = p.period_start AND s.segment = g.segment
  LEFT JOIN time_cost tc ON tc.period_type = p.period_type AND tc.period_start = p.period_start AND tc.segment = g.segment
  LEFT JOIN new_customers n ON n.period_type = p.period_type AND n.period_start = p.period_start AND n.segment = g.segment
),
overall AS (
  SELECT
    b.period_type,
    b.period_start,
    any_value(b.period_end) AS period_end,
    any_value(b.label) AS label,
    bool_and(b.is_complete_period) AS is_complete_period,
    'Tous les segments' AS segment,
    sum(b.tagged_spend) AS tagged_spend,
    sum(b.allocated_spend) AS allocated_spend,
    sum(b.seller_time_cost) AS seller_time_cost,
    sum(b.new_customers) AS new_customers
  FROM by_segment b
  GROUP BY ALL
),
unallocated AS (
  SELECT
    p.period_type,
    p.period_start,
    CASE WHEN av.has_spend THEN coalesce(u.unallocated_spend, 0) END AS unallocated_spend,
    CASE WHEN av.has_activities THEN coalesce(tc.time_cost, 0) END AS unallocated_time_cost
  FROM periods p
  CROSS JOIN available av
  LEFT JOIN unallocated_spend u ON u.period_type = p.period_type AND u.period_start = p.period_start
  LEFT JOIN time_cost tc ON tc.period_type = p.period_type AND tc.period_start = p.period_start AND tc.segment = '(none)'
),
combined AS (
  SELECT b.*, CASE WHEN av.has_spend THEN 0 END AS unallocated_spend, CASE WHEN av.has_activities THEN 0 END AS unallocated_time_cost
  FROM by_segment b CROSS JOIN available av
  UNION ALL
  SELECT o.*, u.unallocated_spend, u.unallocated_time_cost
  FROM overall o JOIN unallocated u USING (period_type, period_start)
)
SELECT
  c.period_type,
  c.period_start,
  c.period_end,
  c.segment,
  r.rule AS unallocated_spend_rule,
  c.tagged_spend,
  c.allocated_spend,
  c.tagged_spend + c.allocated_spend AS marketing_spend,
  c.seller_time_cost,
  c.tagged_spend + c.allocated_spend + c.seller_time_cost AS acquisition_cost,
  c.new_customers,
  safe_divide(c.tagged_spend + c.allocated_spend + c.seller_time_cost, c.new_customers) AS cac,
  c.unallocated_spend,
  c.unallocated_time_cost,
  c.tagged_spend + c.allocated_spend + c.seller_time_cost + c.unallocated_spend + c.unallocated_time_cost AS total_acquisition_cost,
  safe_divide(c.tagged_spend + c.allocated_spend + c.seller_time_cost + c.unallocated_spend + c.unallocated_time_cost, c.new_customers) AS blended_cac
FROM combined c
CROSS JOIN rule r
