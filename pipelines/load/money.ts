/**
 * Every euro read is accounted for: the money of each row, in its currency and in the company's
 * reporting currency, and per extract the amounts read, loaded, flagged and held out.
 *
 * - `audit.fx_rates`: the rates this run knows (the fx_rates extract, then extracts.yaml), one row
 *   per currency and month, or per currency for every month (month NULL); the reporting currency
 *   itself at rate 1. Staging converts with the same table, so marts and this accounting agree.
 * - `audit.money`: per extract, amount column and currency: rows and amounts read, loaded, flagged
 *   (loaded with an explicit unknown elsewhere in the row) and held out (not loaded), and the
 *   amounts that could not be read at all. Read = loaded + held out, to the cent, by currency; with
 *   --as-of, + the money of the rows after that day (pipelines/load/as-of.ts).
 */
import type { ExtractDefinition } from '../contract/extract.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import type { ExtractsConfig } from './extracts-config.js';

export const MONEY_DDL = `
CREATE OR REPLACE TABLE audit.fx_rates (
  currency VARCHAR NOT NULL,
  month DATE,
  rate DOUBLE NOT NULL,
  source VARCHAR NOT NULL
);
CREATE OR REPLACE TABLE audit.money (
  extract VARCHAR NOT NULL,
  amount_column VARCHAR NOT NULL,
  currency VARCHAR,
  rows_read BIGINT NOT NULL,
  amount_read DECIMAL(18, 2) NOT NULL,
  rows_unreadable BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  amount_loaded DECIMAL(18, 2) NOT NULL,
  amount_loaded_reporting DECIMAL(18, 2) NOT NULL,
  rows_flagged BIGINT NOT NULL,
  amount_flagged DECIMAL(18, 2) NOT NULL,
  rows_held_out BIGINT NOT NULL,
  amount_held_out DECIMAL(18, 2) NOT NULL,
  amount_held_out_reporting DECIMAL(18, 2) NOT NULL,
  rows_held_out_unconverted BIGINT NOT NULL,
  -- --as-of: rows (and their money) that did not exist yet on that day, out of scope (audit.after_as_of).
  rows_after_as_of BIGINT NOT NULL DEFAULT 0,
  amount_after_as_of DECIMAL(18, 2) NOT NULL DEFAULT 0,
  amount_after_as_of_reporting DECIMAL(18, 2) NOT NULL DEFAULT 0
);`;

/**
 * Rebuilds `audit.fx_rates` from the fx_rates extract (when loaded) and extracts.yaml: a month the
 * extract gives is taken from it; extracts.yaml fills the other months, or every month.
 */
export const buildFxRates = async (db: Database, config: ExtractsConfig, fxLoaded: boolean) => {
  const reporting = literal(config.currency.reporting);
  const monthly: string[] = [];
  const flat: string[] = [];
  for (const [currency, rate] of Object.entries(config.currency.rates)) {
    if (typeof rate === 'number') flat.push(`(${literal(currency)}, ${rate})`);
    else for (const [month, value] of Object.entries(rate)) monthly.push(`(${literal(currency)}, DATE ${literal(`${month}-01`)}, ${value})`);
  }
  await db.exec(`DELETE FROM audit.fx_rates;
    INSERT INTO audit.fx_rates VALUES (${reporting}, NULL, 1, 'reporting currency');
    ${fxLoaded ? `INSERT INTO audit.fx_rates SELECT currency, CAST(date_trunc('month', month) AS DATE), rate, 'fx_rates'
      FROM raw.fx_rates WHERE currency <> ${reporting};` : ''}
    ${monthly.length ? `INSERT INTO audit.fx_rates SELECT c, m, r, 'extracts.yaml' FROM (VALUES ${monthly.join(', ')}) v(c, m, r)
      WHERE c <> ${reporting} AND NOT EXISTS (SELECT 1 FROM audit.fx_rates f WHERE f.currency = v.c AND f.month = v.m);` : ''}
    ${flat.length ? `INSERT INTO audit.fx_rates SELECT c, NULL, r, 'extracts.yaml' FROM (VALUES ${flat.join(', ')}) v(c, r) WHERE c <> ${reporting};` : ''}`);
};

/** Scratch table keeping each parent row's currency and rate month, for the money of its children. */
export const parentMoneyTable = (parent: string) => `scratch.${ident(`money_parent_${parent}`)}`;

/** Whether another extract takes its currency from this one (invoice lines from their invoice). */
export const isCurrencyParent = (extracts: readonly ExtractDefinition[], name: string) =>
  extracts.some((e) => e.money?.currencyFrom?.parent === name);

/** Keeps, before rejected rows are deleted, every row's currency and rate month by key. */
export const keepParentCurrencies = (db: Database, extract: ExtractDefinition, target: string) => {
  const key = ident(extract.key[0]!);
  const currency = extract.currency!;
  return db.exec(`CREATE OR REPLACE TABLE ${parentMoneyTable(extract.name)} AS
    SELECT ${key} AS _key, any_value(${ident(currency.column)}) AS _currency,
           any_value(CAST(date_trunc('month', ${currency.rateDate}) AS DATE)) AS _month
    FROM ${target} WHERE ${key} IS NOT NULL GROUP BY ALL`);
};

/**
 * The money of each row of `table`: (_rid, _amount, _currency, _amount_reporting), NULL amounts
 * for an extract that carries none. `_amount_reporting` is NULL when no rate converts it.
 */
export const moneyOfRows = (extract: ExtractDefinition, table: string): string => {
  if (!extract.money) {
    return `SELECT rowid AS _rid, CAST(NULL AS DECIMAL(18, 2)) AS _amount, CAST(NULL AS VARCHAR) AS _currency, CAST(NULL AS DECIMAL(18, 2)) AS _amount_reporting FROM ${table}`;
  }
  const amount = `CAST(t.${ident(extract.money.amount)} AS DECIMAL(18, 2))`;
  const from = extract.money.currencyFrom;
  const own = extract.currency;
  const rows = from
    ? `SELECT t.rowid AS _rid, ${amount} AS _amount, p._currency, p._month FROM ${table} t
       LEFT JOIN ${parentMoneyTable(from.parent)} p ON p._key = t.${ident(from.on)}`
    : own
      // One table, no join: the rate date's SQL names the row's columns unqualified.
      ? `SELECT t.rowid AS _rid, ${amount} AS _amount, t.${ident(own.column)} AS _currency,
           CAST(date_trunc('month', ${own.rateDate}) AS DATE) AS _month
         FROM ${table} t`
      : `SELECT t.rowid AS _rid, ${amount} AS _amount, CAST(NULL AS VARCHAR) AS _currency, CAST(NULL AS DATE) AS _month FROM ${table} t`;
  return `SELECT m._rid, m._amount, m._currency,
      CAST(round(m._amount * coalesce(fm.rate, fa.rate), 2) AS DECIMAL(18, 2)) AS _amount_reporting
    FROM (${rows}) m
    LEFT JOIN audit.fx_rates fm ON fm.currency = m._currency AND fm.month = m._month
    LEFT JOIN audit.fx_rates fa ON fa.currency = m._currency AND fa.month IS NULL`;
};

/** Money accounting of one extract loaded by this run, from its loaded rows and its rejects and flags. */
export const recordMoney = async (db: Database, extract: ExtractDefinition, table: string) => {
  if (!extract.money) return;
  const name = literal(extract.name);
  const perRow = (issues: string) => `SELECT any_value(amount) AS amount, any_value(currency) AS currency, any_value(amount_reporting) AS amount_reporting
    FROM ${issues} WHERE extract = ${name} GROUP BY source_file, row_number`;
  await db.exec(`DELETE FROM audit.money WHERE extract = ${name};
    INSERT INTO audit.money
    WITH loaded AS (
      SELECT _currency AS currency, count(*) AS n, coalesce(sum(_amount), 0) AS amount, coalesce(sum(_amount_reporting), 0) AS amount_reporting
      FROM (${moneyOfRows(extract, table)}) GROUP BY ALL
    ),
    held AS (
      SELECT currency, count(*) AS n, coalesce(sum(amount), 0) AS amount, coalesce(sum(amount_reporting), 0) AS amount_reporting,
             count(*) FILTER (WHERE amount IS NULL) AS unreadable,
             count(*) FILTER (WHERE amount IS NOT NULL AND amount_reporting IS NULL) AS unconverted
      FROM (${perRow('audit.rejects')}) GROUP BY ALL
    ),
    flagged AS (
      SELECT currency, count(*) AS n, coalesce(sum(amount), 0) AS amount FROM (${perRow('audit.flags')}) GROUP BY ALL
    ),
    currencies AS (SELECT currency FROM loaded UNION SELECT currency FROM held)
    SELECT ${name}, ${literal(extract.money.amount)}, c.currency,
      coalesce(l.n, 0) + coalesce(h.n, 0), coalesce(l.amount, 0) + coalesce(h.amount, 0), coalesce(h.unreadable, 0),
      coalesce(l.n, 0), coalesce(l.amount, 0), coalesce(l.amount_reporting, 0),
      coalesce(f.n, 0), coalesce(f.amount, 0),
      coalesce(h.n, 0), coalesce(h.amount, 0), coalesce(h.amount_reporting, 0), coalesce(h.unconverted, 0),
      0, 0, 0
    FROM currencies c
    LEFT JOIN loaded l ON l.currency IS NOT DISTINCT FROM c.currency
    LEFT JOIN held h ON h.currency IS NOT DISTINCT FROM c.currency
    LEFT JOIN flagged f ON f.currency IS NOT DISTINCT FROM c.currency`);
};
