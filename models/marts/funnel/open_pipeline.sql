/*
description: >
  The open pipeline as of the last day of the data: deals neither won nor lost, by seller (with
  team and manager), segment, product line and current stage, with their count, value (amount
  expected), age since creation and the value weighted by the win rate each stage historically
  leads to (won / decided among the closed deals that reached that stage; NULL when no deal that
  reached the stage was decided yet). Deals older than funnel.stalledAfterDays are flagged stalled:
  the pipeline a sales director should question before counting on it.
grain: seller × segment × product line × stage (open deals only)
unique: [seller_id, segment, product_line, stage]
not_null: [team, open_deals, pipeline_value, avg_age_days, stalled_deals, as_of]
accepted_values: { stage: [qualified, proposal, negotiation] }
relationships: { seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Open pipeline
    label: Pipeline ouvert
    formula: Count and Σ amount of the deals still open (neither won nor lost) on the last day of the data, by stage.
    columns: [open_deals, pipeline_value]
    unit: EUR
    seeds: ['002', '004']
    audiences: [A, E]
    needs: []
  - name: Weighted pipeline
    requires: [closed_deal]
    label: Pipeline pondéré
    formula: >
      Σ amount of the open deals × the win rate of their stage: won / decided among the closed deals
      that reached the stage (qualified: all closed deals; proposal and negotiation: those that
      reached it).
    columns: [weighted_value, stage_win_rate]
    unit: EUR
    seeds: ['002']
    audiences: [A, E]
    needs: []
  - name: Stalled pipeline
    label: Pipeline en sommeil
    formula: Open deals created more than funnel.stalledAfterDays days before the last day of the data (count and value).
    columns: [stalled_deals, stalled_value]
    unit: EUR
    seeds: ['002']
    audiences: [A]
    needs: []
*/
WITH as_of AS (
  SELECT greatest(max(created_at), max(closed_at)) AS as_of FROM intermediate.int_opportunity_journey
),
-- What each stage historically leads to, among the deals already decided.
stage_outcomes AS (
  SELECT stage,
         safe_divide(count(*) FILTER (WHERE is_won), count(*)) AS stage_win_rate
  FROM (
    SELECT 'qualified' AS stage, is_won FROM intermediate.int_opportunity_journey WHERE NOT is_open
    UNION ALL
    SELECT 'proposal', is_won FROM intermediate.int_opportunity_journey WHERE NOT is_open AND reached_proposal
    UNION ALL
    SELECT 'negotiation', is_won FROM intermediate.int_opportunity_journey WHERE NOT is_open AND reached_negotiation
  )
  GROUP BY stage
)
SELECT
  j.owner_seller_id AS seller_id,
  j.team,
  j.manager_id,
  j.segment,
  j.product_line,
  j.stage,
  count(*) AS open_deals,
  sum(j.amount) AS pipeline_value,
  any_value(so.stage_win_rate) AS stage_win_rate,
  sum(j.amount) * any_value(so.stage_win_rate) AS weighted_value,
  avg(datediff('day', j.created_at, a.as_of)) AS avg_age_days,
  count(*) FILTER (WHERE datediff('day', j.created_at, a.as_of) > k.stalled_after_days) AS stalled_deals,
  coalesce(sum(j.amount) FILTER (WHERE datediff('day', j.created_at, a.as_of) > k.stalled_after_days), 0) AS stalled_value,
  a.as_of
FROM intermediate.int_opportunity_journey j
CROSS JOIN as_of a
CROSS JOIN settings.kpi k
LEFT JOIN stage_outcomes so ON so.stage = j.stage
WHERE j.is_open
GROUP BY j.owner_seller_id, j.team, j.manager_id, j.segment, j.product_line, j.stage, a.as_of
