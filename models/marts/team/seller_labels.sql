/*
description: >
  How pages name each seller: one row per seller of staging.stg_sellers (the placeholder
  "(non attribué)" included when it exists) with the label shown beside their figures
  (`seller_label`): their name. When the site is published pseudonymised, the site step sets the
  labels to "Vendeur NN" (pipelines/site/build-site.ts), and back to `seller_name` otherwise, before
  the pages read them; a pseudonymised site's copy of the marts carries no seller name.
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
