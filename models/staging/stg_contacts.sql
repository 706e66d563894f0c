/*
description: Contacts reduced to what the models need. Names, e-mails and phone numbers stay in raw.contacts and never reach a mart.
grain: contact
unique: [contact_id]
relationships: { account_id: staging.stg_accounts.account_id }
*/
SELECT
  contact_id,
  account_id,
  job_title,
  created_at
FROM raw.contacts
