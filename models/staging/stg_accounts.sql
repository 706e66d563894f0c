/*
description: Accounts (companies) with their segment tier, firmographics and owner.
grain: account
unique: [account_id]
accepted_values:
  segment: [Or, Argent, Bronze, (non renseigné)]
  status: [prospect, customer, former_customer, (non renseigné)]
relationships: { owner_seller_id: staging.stg_sellers.seller_id }
*/
SELECT
  account_id,
  account_name,
  segment,
  industry,
  employees,
  size_band,
  region,
  status,
  owner_seller_id,
  created_at
FROM raw.accounts
