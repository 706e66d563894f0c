/**
 * Builds every model in dependency order inside the run's database, then the KPI glossary and
 * availability, then the data tests. A broken model stops the build naming the model and giving
 * DuckDB's message; a failed data test stops it naming the test and the rows.
 */
import path from 'node:path';
import { literal, type Database } from '../db/duckdb.js';
import { EXTRACTS } from '../contract/index.js';
import type { Reporter } from '../progress.js';
import { buildOrder, discoverModels, LAYERS, type Model } from './discover.js';
import { DataTestFailure, genericTests, runDataTests, singularTests, type DataTestResult } from './data-tests.js';
import { DATA_CONDITIONS } from './data-conditions.js';
import { readKpiSettings, writeKpiSettings } from './kpi-settings.js';

export interface ModelRunOptions {
  modelsDir: string;
  reporter: Reporter;
  /** Default `<modelsDir>/kpi-settings.yaml`. */
  settingsFile?: string;
  /**
   * Incremental rebuilds: the extracts reloaded by this run. Only the models reading them
   * (directly, through other models, or through the audit tables of the load) are rebuilt; the
   * others are kept from the previous run. Default: every model is built.
   */
  reloadedExtracts?: ReadonlySet<string>;
}

export interface ModelResult {
  model: string;
  rows: number;
  seconds: number;
  /** Kept from the previous run (incremental rebuild), not rebuilt. */
  reused?: boolean;
}

export class ModelError extends Error {
  override name = 'ModelError';
  constructor(readonly model: Model, cause: Error) {
    super(`Model ${model.name} (${path.relative(process.cwd(), model.file)}) failed: ${cause.message}`);
  }
}

const CORE = new Set<string>(EXTRACTS.filter((e) => 'core' in e && e.core).map((e) => e.name));
/** What won deals stand in for when a KPI is `on_bookings` (see int_revenue_lines). */
const BILLING = new Set(['invoices', 'invoice_lines']);

/** Raw extracts a model reads, directly or through the models it reads. */
const sourceExtracts = (model: Model, byName: Map<string, Model>, seen = new Set<string>()): Set<string> => {
  const found = new Set<string>();
  for (const read of model.reads) {
    if (read.startsWith('raw.')) found.add(read.slice(4));
    const upstream = byName.get(read);
    if (upstream && !seen.has(read)) {
      seen.add(read);
      for (const e of sourceExtracts(upstream, byName, seen)) found.add(e);
    }
  }
  return found;
};

/** The macros the models call; exported for the benchmark's native-DuckDB baseline. */
export const MACROS = `
-- TRUE when an extract was provided and has rows: models use it to return NULL, not a fake zero.
CREATE OR REPLACE MACRO extract_available(extract_name) AS
  coalesce((SELECT status = 'loaded' AND rows_loaded > 0 FROM audit.load_summary WHERE extract = extract_name), false);
-- Revenue comes from billing when the company provided it, else from won deals at their close date
-- (bookings): the CRM alone still shows revenue by seller, sector or month, with no margin.
CREATE OR REPLACE MACRO billing_available() AS extract_available('invoices') AND extract_available('invoice_lines');
CREATE OR REPLACE MACRO revenue_basis() AS CASE WHEN billing_available() THEN 'invoiced' ELSE 'booked' END;
-- The company's reporting currency, and an amount converted into it: the rate of its currency for
-- the month of \`day\`, else its rate for every month (audit.fx_rates, built by the loader from
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
    WHEN reason LIKE '"%" is not an accepted value%' THEN 'not an accepted value' || coalesce(regexp_extract(reason, '( \\(expected one of: [^)]*\\))$', 1), '')
    WHEN reason LIKE 'negative value % (must be 0 or more)' THEN 'negative value (must be 0 or more)'
    WHEN reason LIKE 'value % below the minimum of %' THEN 'below the minimum of ' || regexp_extract(reason, 'below the minimum of ([^ ]*)$', 1)
    WHEN reason LIKE 'value % above the maximum of %' THEN 'above the maximum of ' || regexp_extract(reason, 'above the maximum of ([^ ]*)$', 1)
    WHEN reason LIKE 'date % is in the future (after %)' THEN 'date in the future (after ' || regexp_extract(reason, '\\(after ([0-9-]*)\\)$', 1) || ')'
    WHEN reason LIKE 'duplicate key (%' THEN 'duplicate key (first occurrence kept)'
    WHEN reason LIKE 'unknown reference: %' THEN 'unknown reference: not a loaded ' || regexp_extract(reason, 'is not a loaded ([a-z_]*) row', 1) || ' row'
      || CASE WHEN reason LIKE '%(loaded as unknown)' THEN ' (loaded as unknown)' ELSE '' END
    WHEN reason LIKE 'held out whole: %' THEN 'held out whole: one of its ' || regexp_extract(reason, 'its ([a-z_]*) row', 1) || ' rows was rejected'
    WHEN reason LIKE 'held out with its %' THEN 'held out with its ' || regexp_extract(reason, 'with its ([a-z_]*) row', 1) || ' row (another of its rows was rejected)'
    WHEN reason LIKE 'no exchange rate for %' THEN regexp_replace(reason, ' \\(add it.*$', '')
    WHEN reason LIKE '% is not an ISO 4217 currency code%' THEN 'not an ISO 4217 currency code'
    -- Any other reason comes from a rule of the contract; quoted text, if any, is masked.
    ELSE regexp_replace(reason, '"[^"]*"', '"…"', 'g')
  END;
-- a / b, NULL when b is 0 or NULL: rates are never computed over nothing.
CREATE OR REPLACE MACRO safe_divide(a, b) AS CASE WHEN b IS NULL OR b = 0 THEN NULL ELSE a / b END;
`;

/**
 * The reasons, joined, of the data conditions a KPI requires that do not hold (NULL when all hold).
 * Only read when every extract it needs was provided: a missing extract is the reason then.
 */
const lackingSql = (requires: readonly (keyof typeof DATA_CONDITIONS)[]) => requires.length === 0
  ? 'CAST(NULL AS VARCHAR)'
  : `nullif(concat_ws(' ; ', ${requires.map((r) => `CASE WHEN NOT (${DATA_CONDITIONS[r].holds}) THEN ${DATA_CONDITIONS[r].reason} END`).join(', ')}), '')`;

/** The glossary and each KPI's availability, derived from the models' headers and what was loaded. */
const writeGlossary = async (db: Database, models: Model[]) => {
  const byName = new Map(models.map((m) => [m.name, m]));
  await db.exec(`CREATE OR REPLACE TABLE marts.kpi_glossary (
    kpi VARCHAR, label VARCHAR, formula VARCHAR, grain VARCHAR, model VARCHAR, columns VARCHAR[], unit VARCHAR,
    numerator VARCHAR, denominator VARCHAR, source_extracts VARCHAR[], needs VARCHAR[], seeds VARCHAR[], audiences VARCHAR[],
    available BOOLEAN, unavailable_reason VARCHAR, revenue_basis VARCHAR, basis_note VARCHAR)`);
  const list = (xs: readonly string[]) => `[${xs.map(literal).join(', ')}]::VARCHAR[]`;
  for (const model of models) {
    const sources = [...sourceExtracts(model, byName)].sort();
    for (const kpi of model.metadata.kpis) {
      const needs = (kpi.needs ?? sources.filter((s) => !CORE.has(s))).filter((n) => !(kpi.on_bookings && BILLING.has(n)));
      await db.exec(`INSERT INTO marts.kpi_glossary
        SELECT ${literal(kpi.name)}, ${literal(kpi.label ?? kpi.name)}, ${literal(kpi.formula)}, ${literal(model.metadata.grain)}, ${literal(model.name)},
          ${list(kpi.columns)}, ${literal(kpi.unit)}, ${kpi.numerator ? literal(kpi.numerator) : 'NULL'}, ${kpi.denominator ? literal(kpi.denominator) : 'NULL'},
          ${list(sources)}, ${list(needs)}, ${list(kpi.seeds)}, ${list(kpi.audiences)},
          missing IS NULL AND lacking IS NULL,
          CASE WHEN missing IS NOT NULL THEN 'needs ' || missing || ', which this company did not provide (or provided empty)' ELSE lacking END,
          ${kpi.on_bookings ? 'revenue_basis()' : 'NULL'},
          ${kpi.on_bookings ? `CASE WHEN revenue_basis() = 'booked' THEN 'Facturation non fournie : le chiffre d''affaires est ici le montant des affaires gagnées à leur date de clôture (prises de commande), pas le facturé ; la marge est inconnue.' END` : 'NULL'}
        FROM (SELECT string_agg(n, ', ' ORDER BY n) AS missing FROM unnest(${list(needs)}) AS t(n) WHERE NOT extract_available(n)),
          (SELECT ${lackingSql(kpi.requires)} AS lacking)`);
    }
  }
};

/** The models an incremental run must rebuild, in build order: those reading what was reloaded. */
const modelsToRebuild = (models: Model[], reloaded: ReadonlySet<string>): Set<string> => {
  const rebuild = new Set<string>();
  for (const model of models) {
    const stale = model.reads.some((read) =>
      rebuild.has(read) || read.startsWith('audit.') || (read.startsWith('raw.') && reloaded.has(read.slice(4))));
    if (stale) rebuild.add(model.name);
  }
  return rebuild;
};

export const runModels = async (db: Database, options: ModelRunOptions) => {
  const { reporter } = options;
  const settings = readKpiSettings(options.settingsFile ?? path.join(options.modelsDir, 'kpi-settings.yaml'));
  await writeKpiSettings(db, settings);
  await db.exec(MACROS + LAYERS.map((l) => `CREATE SCHEMA IF NOT EXISTS ${l};`).join('\n'));

  const models = buildOrder(await discoverModels(db, options.modelsDir));
  const rebuild = options.reloadedExtracts ? modelsToRebuild(models, options.reloadedExtracts) : new Set(models.map((m) => m.name));
  const results: ModelResult[] = [];
  await reporter.step(rebuild.size === models.length ? `build ${models.length} models` : `rebuild ${rebuild.size} of ${models.length} models`, async () => {
    for (const model of models) {
      if (!rebuild.has(model.name)) {
        const [kept] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${model.name}`);
        results.push({ model: model.name, rows: kept?.n ?? 0, seconds: 0, reused: true });
        continue;
      }
      const started = performance.now();
      try {
        await db.exec(`CREATE OR REPLACE TABLE ${model.name} AS\n${model.sql}`);
      } catch (error) {
        throw new ModelError(model, error as Error);
      }
      const [count] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${model.name}`);
      results.push({ model: model.name, rows: count?.n ?? 0, seconds: (performance.now() - started) / 1000 });
    }
    await writeGlossary(db, models);
  });

  const tests = [...models.flatMap(genericTests), ...singularTests(path.join(options.modelsDir, 'tests'))];
  let testResults: DataTestResult[] = [];
  await reporter.step(`run ${tests.length} data tests`, async () => {
    testResults = await runDataTests(db, tests);
    const failed = testResults.filter((t) => t.failures > 0);
    if (failed.length) throw new DataTestFailure(failed);
  });
  return { models: results, tests: testResults };
};
