-- Macros every model may call, created before the models are built (pipelines/models/run-models.ts).
-- TRUE when an extract was provided and has rows: models use it to return NULL, not a fake zero.
CREATE OR REPLACE MACRO extract_available(extract_name) AS
  coalesce((SELECT status = 'loaded' AND rows_loaded > 0 FROM audit.load_summary WHERE extract = extract_name), false);
-- Revenue comes from billing when the company provided it, else from won deals at their close date
-- (bookings): the CRM alone still shows revenue by seller, sector or month, with no margin.
CREATE OR REPLACE MACRO billing_available() AS extract_available('invoices') AND extract_available('invoice_lines');
CREATE OR REPLACE MACRO revenue_basis() AS CASE WHEN billing_available() THEN 'invoiced' ELSE 'booked' END;
-- The company's reporting currency, and an amount converted into it: the rate of its currency for
-- the month of `day`, else its rate for every month (audit.fx_rates, built by the loader from
-- fx_rates and extracts.yaml). Rows with no rate were held out at load: every amount converts.
-- Rounded to the cent per row, as the loader's money accounting rounds it.
-- (A database whose loader predates exchange rates, or a test's hand-made one, has no rates table:
-- every amount is then in the reporting currency.)
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.fx_rates (currency VARCHAR NOT NULL, month DATE, rate DOUBLE NOT NULL, source VARCHAR NOT NULL);
CREATE OR REPLACE MACRO reporting_currency() AS (SELECT any_value(currency) FROM audit.fx_rates WHERE source = 'reporting currency');
CREATE OR REPLACE MACRO fx_rate(cur, day) AS (
  SELECT coalesce(max(rate) FILTER (WHERE month = date_trunc('month', day)), max(rate) FILTER (WHERE month IS NULL))
  FROM audit.fx_rates WHERE currency = cur);
CREATE OR REPLACE MACRO to_reporting(amount, cur, day) AS
  CASE WHEN cur = reporting_currency() OR reporting_currency() IS NULL THEN CAST(amount AS DECIMAL(18, 2)) ELSE CAST(round(amount * fx_rate(cur, day), 2) AS DECIMAL(18, 2)) END;
-- A reject or flag reason as it can be published: the kind of problem, never the value (it may be
-- personal data): 'wrong type: expected a date like …', 'not an accepted value (expected one of: …)'.
CREATE OR REPLACE MACRO scrub_reason(reason) AS
  CASE
    WHEN reason LIKE 'wrong type: expected %, got "%' THEN regexp_replace(reason, ', got ".*$', '')
    WHEN reason LIKE '"%" is not an accepted value%' THEN 'not an accepted value' || coalesce(regexp_extract(reason, '( \(expected one of: [^)]*\))$', 1), '')
    WHEN reason LIKE 'negative value % (must be 0 or more)' THEN 'negative value (must be 0 or more)'
    WHEN reason LIKE 'value % below the minimum of %' THEN 'below the minimum of ' || regexp_extract(reason, 'below the minimum of ([^ ]*)$', 1)
    WHEN reason LIKE 'value % above the maximum of %' THEN 'above the maximum of ' || regexp_extract(reason, 'above the maximum of ([^ ]*)$', 1)
    WHEN reason LIKE 'date % is in the future (after %)' THEN 'date in the future (after ' || regexp_extract(reason, '\(after ([0-9-]*)\)$', 1) || ')'
    WHEN reason LIKE 'duplicate key (%' THEN 'duplicate key (first occurrence kept)'
    WHEN reason LIKE 'unknown reference: %' THEN 'unknown reference: not a loaded ' || regexp_extract(reason, 'is not a loaded ([a-z_]*) row', 1) || ' row'
      || CASE WHEN reason LIKE '%(loaded as unknown)' THEN ' (loaded as unknown)' ELSE '' END
    WHEN reason LIKE 'held out whole: %' THEN 'held out whole: one of its ' || regexp_extract(reason, 'its ([a-z_]*) row', 1) || ' rows was rejected'
    WHEN reason LIKE 'held out with its %' THEN 'held out with its ' || regexp_extract(reason, 'with its ([a-z_]*) row', 1) || ' row (another of its rows was rejected)'
    WHEN reason LIKE 'no exchange rate for %' THEN regexp_replace(reason, ' \(add it.*$', '')
    WHEN reason LIKE '% is not an ISO 4217 currency code%' THEN 'not an ISO 4217 currency code'
    -- Any other reason comes from a rule of the contract; quoted text, if any, is masked.
    ELSE regexp_replace(reason, '"[^"]*"', '"…"', 'g')
  END;
-- a / b, NULL when b is 0 or NULL: rates are never computed over nothing.
CREATE OR REPLACE MACRO safe_divide(a, b) AS CASE WHEN b IS NULL OR b = 0 THEN NULL ELSE a / b END;
