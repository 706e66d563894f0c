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
-- a / b, NULL when b is 0 or NULL: rates are never computed over nothing.
CREATE OR REPLACE MACRO safe_divide(a, b) AS CASE WHEN b IS NULL OR b = 0 THEN NULL ELSE a / b END;
