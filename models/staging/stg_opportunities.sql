/*
description: >
  Opportunities (deals) with outcome flags; open deals have no close date. amount is in the
  company's reporting currency (converted at the rate of the close month, else the creation month);
  amount_original and currency keep what the CRM says: the deal's own amount and currency, also
  when the CRM exported its own conversion (original_amount; then amount is that conversion,
  converted_by_crm true). A deal whose owner is missing or unknown is credited to the placeholder
  seller "(non attribué)" (staging.stg_sellers), never dropped; a deal with no account is on the
  placeholder account "(non attribué)" (staging.stg_accounts, is_account_unknown).
  opportunity_name, expected_close_at and forecast_category are what the CRM exports, when it does
  (NULL otherwise): the expected close and forecast category of an open deal only, those of a won or
  lost deal being ignored (its close is closed_at); a forecast category the contract does not know
  (flagged at load as "(non renseigné)") is NULL here, so the stage's probability decides it
  (intermediate.int_open_deals).
grain: opportunity
unique: [opportunity_id]
not_null: [account_id, owner_seller_id, amount, amount_original, currency, created_at, stage]
accepted_values:
  forecast_category: [commit, best_case, pipeline, omitted]
  stage: [qualified, proposal, negotiation, won, lost]
  origin: [marketing, sales, referral, (non renseigné)]
relationships: { account_id: staging.stg_accounts.account_id, owner_seller_id: staging.stg_sellers.seller_id }
*/
SELECT
  opportunity_id,
  coalesce(account_id, '(non attribué)') AS account_id,
  account_id IS NULL AS is_account_unknown,
  lead_id,
  coalesce(owner_seller_id, '(non attribué)') AS owner_seller_id,
  owner_seller_id IS NULL AS is_unassigned,
  product_line,
  to_reporting(amount, currency, coalesce(closed_at, created_at)) AS amount,
  coalesce(original_amount, amount) AS amount_original,
  CASE WHEN original_amount IS NOT NULL THEN coalesce(upper(original_currency), currency) ELSE currency END AS currency,
  original_amount IS NOT NULL AS converted_by_crm,
  origin,
  created_at,
  closed_at,
  stage,
  stage = 'won' AS is_won,
  stage = 'lost' AS is_lost,
  stage NOT IN ('won', 'lost') AS is_open,
  loss_reason,
  opportunity_name,
  CASE WHEN stage NOT IN ('won', 'lost') THEN expected_close_at END AS expected_close_at,
  CASE WHEN stage NOT IN ('won', 'lost') AND forecast_category IN ('commit', 'best_case', 'pipeline', 'omitted') THEN forecast_category END AS forecast_category
FROM raw.opportunities
