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
-- Euros and cents as the site writes them (fr-format.js): a narrow no-break space between thousands,
-- decimal comma, a no-break space before €: -25 969,70 €.
CREATE OR REPLACE MACRO fr_eur2(amount) AS replace(replace(format('{:,.2f}', amount), ',', ' '), '.', ',') || ' €';
-- Whole euros the same way: 29 044 939 €.
CREATE OR REPLACE MACRO fr_eur0(amount) AS replace(format('{:,.0f}', amount), ',', ' ') || ' €';

-- A reject or flag reason as readers see it on the data-quality page: in French, and the kind of
-- problem only, never the value (it may be personal data). The loader writes its reasons in English
-- for the analyst's terminal (pipelines/load/validate.ts, csv-scan.ts, load-extracts.ts, and the
-- rules of the contract); each template is recognised here. test/kpi-glossary-words.test.ts checks
-- that every rule of the contract and every template the loader writes comes out in French.
CREATE OR REPLACE MACRO expected_type_label(expected) AS
  CASE
    WHEN expected = 'a whole number' THEN 'un nombre entier'
    WHEN expected LIKE 'a number like %' THEN 'un nombre comme ' || substr(expected, 15)
    WHEN expected LIKE 'a date-time like %' THEN 'une date et heure comme ' || substr(expected, 18)
    WHEN expected LIKE 'a date like %' THEN 'une date comme ' || replace(substr(expected, 13), '(or ', '(ou ')
    WHEN expected = 'true or false' THEN 'vrai ou faux (true, false)'
    ELSE expected
  END;
CREATE OR REPLACE MACRO reason_label(reason) AS
  CASE
    WHEN reason = 'missing required value' THEN 'valeur obligatoire manquante'
    WHEN reason LIKE 'wrong type: expected %, got "%' THEN
      'valeur illisible : attendu ' || expected_type_label(regexp_extract(reason, '^wrong type: expected (.*), got "', 1))
    WHEN reason LIKE '"%" is not an accepted value%' THEN
      'valeur non reconnue' || coalesce(' (valeurs possibles : ' || regexp_extract(reason, ' \(expected one of: ([^)]*)\)$', 1) || ')', '')
    WHEN reason LIKE 'negative value % (must be 0 or more)' THEN 'valeur négative (doit être positive ou nulle)'
    WHEN reason LIKE 'value % below the minimum of %' THEN 'valeur sous le minimum de ' || regexp_extract(reason, 'below the minimum of ([^ ]*)$', 1)
    WHEN reason LIKE 'value % above the maximum of %' THEN 'valeur au-dessus du maximum de ' || regexp_extract(reason, 'above the maximum of ([^ ]*)$', 1)
    WHEN reason LIKE 'date % is in the future (after %)' THEN
      'date dans le futur (après le ' || strftime(CAST(regexp_extract(reason, '\(after ([0-9-]*)\)$', 1) AS DATE), '%d/%m/%Y') || ')'
    WHEN reason LIKE 'duplicate key (%' THEN 'identifiant en double (la première occurrence est gardée)'
    WHEN reason LIKE 'unknown reference: %' THEN
      'référence inconnue : introuvable dans « ' || extract_label(regexp_extract(reason, 'is not a loaded ([a-z_]*) row', 1)) || ' »'
      || CASE WHEN reason LIKE '%(loaded as unknown)' THEN ' (chargée comme inconnue)' ELSE '' END
    WHEN reason LIKE 'not in the reference list: %' THEN
      'valeur absente de la liste de référence de l''export (chargée telle quelle)'
    WHEN reason LIKE 'held out whole: %' THEN
      'écarté en entier : une ligne rattachée (« ' || extract_label(regexp_extract(reason, 'its ([a-z_]*) row', 1)) || ' ») a été rejetée'
    WHEN reason LIKE 'held out with its %' THEN
      'écartée avec son enregistrement parent (« ' || extract_label(regexp_extract(reason, 'with its ([a-z_]*) row', 1)) || ' ») : une autre ligne rattachée a été rejetée'
    WHEN reason LIKE 'no exchange rate for % in %' THEN
      'pas de taux de change ' || regexp_extract(reason, 'for ([A-Z]{3})', 1) || ' pour '
      || strftime(CAST(regexp_extract(reason, ' in ([0-9]{4}-[0-9]{2})', 1) || '-01' AS DATE), '%m/%Y')
    WHEN reason LIKE '% is not an ISO 4217 currency code%' THEN 'code de devise non reconnu (ISO 4217 : EUR, USD, GBP…)'
    WHEN reason LIKE 'malformed record: quote opened on line % is never closed%' THEN 'enregistrement illisible : guillemet jamais refermé'
    WHEN reason LIKE 'malformed record: quote opened on line % is not closed properly%' THEN
      'enregistrement illisible : guillemet mal fermé (un guillemet dans un champ se double : "")'
    WHEN reason LIKE 'malformed record: record of % over the %' THEN 'enregistrement illisible : trop long (guillemet jamais refermé ou valeur binaire ?)'
    WHEN reason LIKE 'malformed record: bytes that are not valid UTF-8%' THEN 'enregistrement illisible : caractères non UTF-8 (réexporter le fichier en UTF-8)'
    WHEN reason LIKE 'more fields than the header has columns%' THEN
      'plus de valeurs que de colonnes (un séparateur dans une valeur sans guillemets ?)'
    WHEN reason LIKE 'short record: % where the header has % columns: read with its last %' THEN
      'moins de valeurs que de colonnes : les dernières, absentes, sont chargées comme inconnues'
    WHEN reason LIKE 'short record: % where the header has % columns%' THEN
      'moins de valeurs que de colonnes (une valeur omise décale les suivantes)'
    -- The rules of the contract (pipelines/contract/*.ts), one by one.
    WHEN reason = 'negative quantity on an invoice (returns belong on a credit note)' THEN 'quantité négative sur une facture (un retour va sur un avoir)'
    WHEN reason = 'positive quantity on a credit note' THEN 'quantité positive sur un avoir'
    WHEN reason = 'subscription ends before it starts' THEN 'abonnement qui finit avant de commencer'
    WHEN reason = 'a rate must be above 0' THEN 'un taux de change doit être supérieur à 0'
    WHEN reason = 'leave date before start date' THEN 'date de départ avant la date d''arrivée'
    WHEN reason = 'period ends before it starts' THEN 'période qui finit avant de commencer'
    WHEN reason = 'ownership ends before it starts' THEN 'propriété du compte qui finit avant de commencer'
    WHEN reason = 'first touch before the lead was created' THEN 'premier contact avant la création du lead'
    WHEN reason = 'closed before it was created' THEN 'affaire close avant d''être créée'
    WHEN reason = 'closed deals (won/lost) need a close date and open deals must not have one' THEN
      'une affaire gagnée ou perdue a une date de clôture, une affaire ouverte n''en a pas'
    WHEN reason = 'campaign ends before it starts' THEN 'campagne qui finit avant de commencer'
    -- A reason this list does not know yet: shown as written, quoted text masked.
    ELSE regexp_replace(reason, '"[^"]*"', '"…"', 'g')
  END;
