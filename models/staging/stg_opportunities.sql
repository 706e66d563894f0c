/*
description: Opportunities (deals) with outcome flags; open deals have no close date.
grain: opportunity
unique: [opportunity_id]
not_null: [account_id, owner_seller_id, amount, created_at, stage]
accepted_values:
  stage: [qualified, proposal, negotiation, won, lost]
  origin: [marketing, sales, referral]
relationships: { account_id: staging.stg_accounts.account_id, owner_seller_id: staging.stg_sellers.seller_id }
*/
SELECT
  opportunity_id,
  account_id,
  lead_id,
  owner_seller_id,
  product_line,
  amount,
  origin,
  created_at,
  closed_at,
  stage,
  stage = 'won' AS is_won,
  stage = 'lost' AS is_lost,
  stage NOT IN ('won', 'lost') AS is_open,
  loss_reason
FROM raw.opportunities
