/*
description: Referrals given by customers.
grain: referral
unique: [referral_id]
relationships: { referrer_account_id: staging.stg_accounts.account_id }
*/
SELECT referral_id, referrer_account_id, referred_account_id, referred_lead_id, referred_at, is_valid
FROM raw.referrals
