/*
description: >
  STAND-IN: replaced by the real model at merge (issue 28 items 1, 2). One row per deal open at the
  data's reference day with the columns the real model publishes; here the expected close is the
  creation day + 90 days (expected_close_source 'stand-in'), the forecast category, probability,
  days in stage and last activity are unknown (NULL). Only the columns' names and types are relied on.
grain: opportunity (open deals only)
unique: [opportunity_id]
not_null: [opportunity_id, owner_seller_id, amount, stage]
*/
SELECT
  o.opportunity_id,
  CAST(NULL AS VARCHAR) AS opportunity_name,
  o.account_id,
  a.account_name,
  o.owner_seller_id,
  coalesce(a.segment, '(non renseigné)') AS segment,
  o.stage,
  o.created_at,
  o.amount,
  CAST(NULL AS DOUBLE) AS probability,
  CAST(NULL AS DOUBLE) AS weighted_amount,
  CAST(o.created_at + INTERVAL 90 DAY AS DATE) AS expected_close_at,
  'stand-in' AS expected_close_source,
  'T' || fiscal_quarter(o.created_at + INTERVAL 90 DAY) || ' FY' || fiscal_year(o.created_at + INTERVAL 90 DAY) AS expected_close_quarter,
  CAST(NULL AS VARCHAR) AS forecast_category,
  CAST(NULL AS VARCHAR) AS forecast_category_source,
  CAST(NULL AS INTEGER) AS days_in_stage,
  CAST(NULL AS DATE) AS last_activity_at
FROM staging.stg_opportunities o
LEFT JOIN staging.stg_accounts a USING (account_id)
WHERE o.is_open
