/*
description: >
  The history of account owners (optional extract account_owners): which seller owned an account
  from `valid_from` to `valid_to` (NULL `valid_to`: still the owner). Empty when the company did
  not provide it; revenue without a deal then goes to the current owner within their employment
  (intermediate.int_revenue_lines).
grain: account × ownership start
unique: [account_id, valid_from]
not_null: [account_id, seller_id, valid_from, valid_until]
relationships: { seller_id: staging.stg_sellers.seller_id, account_id: staging.stg_accounts.account_id }
*/
SELECT
  account_id,
  seller_id,
  valid_from,
  valid_to,
  coalesce(valid_to, DATE '9999-12-31') AS valid_until
FROM raw.account_owners
