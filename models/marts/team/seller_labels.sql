/*
description: >
  How pages name each seller: one row per seller of staging.stg_sellers (the placeholder
  "(non attribué)" included when it exists) with the label shown beside their figures
  (`seller_label`): their name. A pseudonymised site reads a copy of the marts in which this table
  holds pseudonymous keys and "Vendeur NN" labels instead (pipelines/audiences/pseudonymise.ts); the
  published database is never rewritten by the site step.
grain: seller
unique: [seller_id]
not_null: [seller_id, seller_name, seller_label]
relationships: { seller_id: staging.stg_sellers.seller_id }
*/
SELECT
  seller_id,
  seller_name,
  seller_name AS seller_label
FROM staging.stg_sellers
