/*
description: >
  Accounts (companies) with their segment tier, firmographics and owner. When some deal has no
  account, one placeholder account "(non attribué)" (is_placeholder) carries those deals so their
  money stays in every total; its firmographics are unknown "(non renseigné)".
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
  created_at,
  false AS is_placeholder
FROM raw.accounts
UNION ALL
SELECT
  '(non attribué)', 'Compte non attribué', '(non renseigné)', '(non renseigné)', NULL, '(non renseigné)', '(non renseigné)',
  '(non renseigné)', NULL, (SELECT min(created_at) FROM raw.opportunities WHERE account_id IS NULL), true
WHERE EXISTS (SELECT 1 FROM raw.opportunities WHERE account_id IS NULL)
