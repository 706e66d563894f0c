-- An extract as a reader names it, in French: pages and the glossary show this, never the file
-- name (`invoice_lines`), which stays in the `extract` columns for people fixing the files.
-- test/kpi-glossary-words.test.ts checks every extract of the contract has its label here.
CREATE OR REPLACE MACRO extract_label(extract_name) AS
  CASE extract_name
    WHEN 'invoices' THEN 'Factures'
    WHEN 'invoice_lines' THEN 'Lignes de facture'
    WHEN 'subscriptions' THEN 'Abonnements'
    WHEN 'fx_rates' THEN 'Taux de change'
    WHEN 'sellers' THEN 'Commerciaux'
    WHEN 'objectives' THEN 'Objectifs'
    WHEN 'accounts' THEN 'Comptes'
    WHEN 'account_owners' THEN 'Historique des propriétaires de comptes'
    WHEN 'contacts' THEN 'Contacts'
    WHEN 'leads' THEN 'Leads'
    WHEN 'opportunities' THEN 'Affaires'
    WHEN 'opportunity_stage_history' THEN 'Historique des étapes des affaires'
    WHEN 'activities' THEN 'Activités'
    WHEN 'referrals' THEN 'Recommandations'
    WHEN 'campaigns' THEN 'Campagnes'
    WHEN 'marketing_spend' THEN 'Dépenses marketing'
    WHEN 'campaign_leads' THEN 'Leads des campagnes'
    ELSE extract_name
  END;

-- Figures inside the sentences readers see (alerts, reconciliation details), written the French way:
-- a decimal comma, a space between thousands. The number only: each sentence adds its own unit.
-- A share as a percentage with one decimal (0.365 → '36,5'), or as short as it goes (0.75 → '75').
CREATE OR REPLACE MACRO fr_pct1(share) AS replace(printf('%.1f', 100 * share), '.', ',');
CREATE OR REPLACE MACRO fr_pct_g(share) AS replace(printf('%g', 100 * share), '.', ',');
-- A whole amount with thousands apart (2354301.4 → '2 354 301'), and an amount to the cent ('999,00').
CREATE OR REPLACE MACRO fr_int(amount) AS replace(format('{:,.0f}', amount), ',', ' ');
CREATE OR REPLACE MACRO fr_dec2(amount) AS replace(printf('%.2f', amount), '.', ',');
