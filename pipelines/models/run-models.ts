/**
 * Builds every model in dependency order inside the run's database, then the KPI glossary and
 * availability, then the data tests. A broken model stops the build naming the model and giving
 * DuckDB's message; a failed data test stops it naming the test and the rows.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ident, literal, type Database } from '../db/duckdb.js';
import { CORE_EXTRACTS, EXTRACTS } from '../contract/index.js';
import type { Reporter } from '../progress.js';
import { buildOrder, discoverModels, LAYERS, type Layer, type Model } from './discover.js';
import { DataTestFailure, genericTests, runDataTests, singularTests, testsToRun, type DataTestResult } from './data-tests.js';
import { DATA_CONDITIONS } from './data-conditions.js';
import { readSettingsInUse, writeKpiSettings } from './kpi-settings.js';
import { measureModel, recordModelRuns } from './model-runs.js';
import { createHistoryTables, recordSnapshot, type SnapshotOutcome } from '../history/snapshots.js';

export interface ModelRunOptions {
  modelsDir: string;
  reporter: Reporter;
  /** The company's kpi-settings.yaml; none: the neutral defaults (said on the pages). */
  settingsFile?: string;
  /**
   * Incremental rebuilds: the extracts reloaded by this run. Only the models reading them
   * (directly, through other models, or through the audit tables of the load) are rebuilt; the
   * others are kept from the previous run. Default: every model is built.
   */
  reloadedExtracts?: ReadonlySet<string>;
  /**
   * The day this build's snapshot of the open pipeline and forecast is dated (pipelines/history):
   * recorded once the models it reads are built, before the models reading `history.*`. None: no
   * snapshot is recorded (the history marts read what the database already holds).
   */
  snapshotDay?: string;
}

export interface ModelResult {
  model: string;
  layer: Layer;
  rows: number;
  seconds: number;
  /** CPU seconds of the process (DuckDB's threads included) while it ran. */
  cpuSeconds?: number;
  /** Kept from the previous run (incremental rebuild), not rebuilt. */
  reused?: boolean;
  startedAt?: Date;
  /** Peak RSS of this process while the model ran (see model-runs.ts). */
  peakRssBytes?: number;
  /** Memory DuckDB's buffer manager held right after the model. */
  duckdbMemoryBytes?: number;
}

export class ModelError extends Error {
  override name = 'ModelError';
  constructor(readonly model: Model, cause: Error) {
    super(`Model ${model.name} (${path.relative(process.cwd(), model.file)}) failed: ${cause.message}`);
  }
}

// A KPI never needs a core extract (always there) nor an optional one (models read it when present
// and fall back without it, e.g. the account ownership history).
const CORE = new Set<string>([...CORE_EXTRACTS, ...EXTRACTS.filter((e) => 'optional' in e && e.optional).map((e) => e.name)]);
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

/**
 * The macros the models call (SQL files under `<modelsDir>/macros/`, in name order), to run before
 * the models; exported for the benchmark's native-DuckDB baseline.
 */
export const readMacros = (modelsDir: string): string => {
  const dir = path.join(modelsDir, 'macros');
  if (!fs.existsSync(dir)) return '';
  return fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
};

/** The shape of one glossary entry as the runner hands it to DuckDB (one JSON parameter for all). */
const ENTRY_SHAPE = JSON.stringify([{
  glossary_order: 'INTEGER', kpi: 'VARCHAR', label: 'VARCHAR', formula: 'VARCHAR', grain: 'VARCHAR', model: 'VARCHAR',
  columns: ['VARCHAR'], unit: 'VARCHAR', numerator: 'VARCHAR', denominator: 'VARCHAR', sources: ['VARCHAR'], needs: ['VARCHAR'],
  seeds: ['VARCHAR'], audiences: ['VARCHAR'], requires: ['VARCHAR'], on_bookings: 'BOOLEAN',
  numerator_label: 'VARCHAR', denominator_label: 'VARCHAR',
}]);

/**
 * The glossary and each KPI's availability, derived from the models' headers and what was loaded,
 * in one set-based statement: the entries come in as one JSON parameter; each extract's
 * availability, each data condition and the revenue basis are evaluated once, not once per KPI
 * (a UNION of a hundred SELECTs, each expanding the macros, took over a second on any data).
 * A KPI is unavailable when an extract it needs was not provided (the reason names them), else
 * when a data condition it requires does not hold (the reasons joined in the header's order).
 */
const writeGlossary = async (db: Database, models: Model[]) => {
  const byName = new Map(models.map((m) => [m.name, m]));
  await db.exec(`CREATE OR REPLACE TABLE marts.kpi_glossary (
    kpi VARCHAR, label VARCHAR, formula VARCHAR, grain VARCHAR, model VARCHAR, columns VARCHAR[], unit VARCHAR,
    numerator VARCHAR, denominator VARCHAR, source_extracts VARCHAR[], needs VARCHAR[], seeds VARCHAR[], audiences VARCHAR[],
    available BOOLEAN, unavailable_reason VARCHAR, revenue_basis VARCHAR, basis_note VARCHAR,
    numerator_label VARCHAR, denominator_label VARCHAR, source_labels VARCHAR[])`);
  const entries = models.flatMap((model) => {
    const sources = [...sourceExtracts(model, byName)].sort();
    return model.metadata.kpis.map((kpi) => ({
      kpi: kpi.name, label: kpi.label ?? kpi.name, formula: kpi.formula, grain: model.metadata.grain, model: model.name,
      columns: kpi.columns, unit: kpi.unit, numerator: kpi.numerator ?? null, denominator: kpi.denominator ?? null,
      sources, needs: (kpi.needs ?? sources.filter((s) => !CORE.has(s))).filter((n) => !(kpi.on_bookings && BILLING.has(n))),
      seeds: kpi.seeds, audiences: kpi.audiences, requires: kpi.requires, on_bookings: Boolean(kpi.on_bookings),
      numerator_label: kpi.numerator_label ?? null, denominator_label: kpi.denominator_label ?? null,
    }));
  }).map((entry, glossary_order) => ({ glossary_order, ...entry }));
  if (!entries.length) return;
  // The conditions some KPI requires: SQL of the project's own (data-conditions.ts), no data in it.
  const required = [...new Set(entries.flatMap((e) => e.requires))] as (keyof typeof DATA_CONDITIONS)[];
  const conditions = required.length
    ? required.map((r) => `SELECT ${literal(r)} AS name, (${DATA_CONDITIONS[r].holds}) AS holds, (${DATA_CONDITIONS[r].reason}) AS reason`).join('\nUNION ALL\n')
    : 'SELECT NULL::VARCHAR AS name, NULL::BOOLEAN AS holds, NULL::VARCHAR AS reason WHERE false';
  await db.query(`INSERT INTO marts.kpi_glossary
    WITH entries AS (SELECT unnest(from_json(?::JSON, ${literal(ENTRY_SHAPE)}), recursive := true)),
    extracts AS (SELECT n, extract_available(n) AS available, extract_label(n) AS label FROM (SELECT DISTINCT unnest(needs) AS n FROM entries)),
    conditions AS (${conditions}),
    missing AS (
      SELECT u.glossary_order, string_agg(x.label, ', ' ORDER BY x.n) AS missing, count(*) AS missing_count
      FROM (SELECT glossary_order, unnest(needs) AS n FROM entries) u JOIN extracts x USING (n)
      WHERE NOT x.available GROUP BY u.glossary_order),
    lacking AS (
      SELECT u.glossary_order, nullif(string_agg(c.reason, ' ; ' ORDER BY u.i), '') AS lacking
      FROM (SELECT glossary_order, unnest(requires) AS name, generate_subscripts(requires, 1) AS i FROM entries) u JOIN conditions c USING (name)
      WHERE NOT c.holds GROUP BY u.glossary_order),
    basis AS (SELECT revenue_basis() AS basis)
    SELECT e.kpi, e.label, e.formula, e.grain, e.model, e.columns, e.unit, e.numerator, e.denominator, e.sources, e.needs, e.seeds, e.audiences,
      m.missing IS NULL AND l.lacking IS NULL,
      CASE WHEN m.missing IS NOT NULL THEN CASE WHEN m.missing_count = 1 THEN 'extraction non fournie (ou vide) : ' ELSE 'extractions non fournies (ou vides) : ' END || m.missing
           ELSE l.lacking END,
      CASE WHEN e.on_bookings THEN b.basis END,
      CASE WHEN e.on_bookings AND b.basis = 'booked' THEN 'Facturation non fournie : le chiffre d''affaires est ici le montant des affaires gagnées à leur date de clôture (prises de commande), pas le facturé ; la marge est inconnue.' END,
      e.numerator_label, e.denominator_label, list_transform(e.sources, s -> extract_label(s))
    FROM entries e LEFT JOIN missing m USING (glossary_order) LEFT JOIN lacking l USING (glossary_order) CROSS JOIN basis b
    ORDER BY e.glossary_order`, [JSON.stringify(entries)]);
};

/**
 * Tables of the model layers that no model defines any more (a model renamed or removed since the
 * database was built): dropped, so that an incremental build holds exactly the tables a full build
 * does and no page or reader keeps reading a stale mart. The glossary is written by the runner.
 */
const dropStaleModels = async (db: Database, models: Model[], reporter: Reporter): Promise<Set<string>> => {
  const known = new Set([...models.map((m) => m.name), 'marts.kpi_glossary']);
  const tables = await db.query<{ schema: string; name: string }>(`SELECT schema_name AS schema, table_name AS name FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name IN (${LAYERS.map(literal).join(', ')}) ORDER BY ALL`);
  const stale = tables.filter((t) => !known.has(`${t.schema}.${t.name}`));
  for (const t of stale) await db.exec(`DROP TABLE ${ident(t.schema)}.${ident(t.name)}`);
  if (stale.length) reporter.detail(`dropped ${stale.map((t) => `${t.schema}.${t.name}`).join(', ')}: no model defines them any more`);
  return new Set(tables.map((t) => `${t.schema}.${t.name}`).filter((t) => known.has(t)));
};

/**
 * Models reading the history (directly or through another model): built after this run's snapshot
 * is recorded. `models` is in build order, so one pass finds them all.
 */
const readersOfHistory = (models: Model[]): Set<string> => {
  const readers = new Set<string>();
  for (const model of models) {
    if (model.reads.some((read) => read.startsWith('history.') || readers.has(read))) readers.add(model.name);
  }
  return readers;
};

/** The models an incremental run must rebuild, in build order: those reading what was reloaded. */
const modelsToRebuild = (models: Model[], reloaded: ReadonlySet<string>, existing: ReadonlySet<string>): Set<string> => {
  const rebuild = new Set<string>();
  for (const model of models) {
    // A model new since the last build has no table to keep.
    // The history gains a snapshot on every run: what reads it is always rebuilt.
    const stale = !existing.has(model.name) || model.reads.some((read) =>
      rebuild.has(read) || read.startsWith('audit.') || read.startsWith('history.') || (read.startsWith('raw.') && reloaded.has(read.slice(4))));
    if (stale) rebuild.add(model.name);
  }
  return rebuild;
};

export const runModels = async (db: Database, options: ModelRunOptions) => {
  const { reporter } = options;
  const inUse = readSettingsInUse(options.settingsFile);
  await writeKpiSettings(db, inUse.settings, inUse);
  await db.exec(readMacros(options.modelsDir) + LAYERS.map((l) => `CREATE SCHEMA IF NOT EXISTS ${l};`).join('\n'));

  const models = buildOrder(await discoverModels(db, options.modelsDir));
  const existing = await dropStaleModels(db, models, reporter);
  const rebuild = options.reloadedExtracts ? modelsToRebuild(models, options.reloadedExtracts, existing) : new Set(models.map((m) => m.name));
  const results: ModelResult[] = [];
  const historyReaders = readersOfHistory(models);
  let snapshot: SnapshotOutcome | undefined;
  await createHistoryTables(db);
  await reporter.step(rebuild.size === models.length ? `build ${models.length} models` : `rebuild ${rebuild.size} of ${models.length} models`, async () => {
    // The models the snapshot reads first, then the snapshot, then the models reading the history.
    const ordered = [...models.filter((m) => !historyReaders.has(m.name)), ...models.filter((m) => historyReaders.has(m.name))];
    for (const model of ordered) {
      if (historyReaders.has(model.name) && options.snapshotDay && !snapshot) snapshot = await recordSnapshot(db, options.snapshotDay);
      if (!rebuild.has(model.name)) {
        const [kept] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${model.name}`);
        results.push({ model: model.name, layer: model.layer, rows: kept?.n ?? 0, seconds: 0, reused: true });
        continue;
      }
      let rows = 0;
      const cost = await measureModel(db, async () => {
        try {
          // DuckDB answers a CREATE TABLE … AS with the rows it wrote: no count(*) after it.
          const [created] = await db.query<{ Count: number | bigint }>(`CREATE OR REPLACE TABLE ${model.name} AS\n${model.sql}`);
          rows = Number(created?.Count ?? 0);
        } catch (error) {
          throw new ModelError(model, error as Error);
        }
      });
      results.push({ model: model.name, layer: model.layer, rows, ...cost });
    }
    if (options.snapshotDay && !snapshot) snapshot = await recordSnapshot(db, options.snapshotDay);
    await writeGlossary(db, models);
    await recordModelRuns(db, randomUUID(), results);
  });

  const tests = [...models.flatMap(genericTests), ...singularTests(path.join(options.modelsDir, 'tests'))];
  // An incremental run tests again what reads a table it wrote (its glossary included).
  const toRun = options.reloadedExtracts
    ? await testsToRun(db, tests, new Set([...rebuild, 'marts.kpi_glossary', ...[...options.reloadedExtracts].map((e) => `raw.${e}`)]))
    : tests;
  let testResults: DataTestResult[] = [];
  await reporter.step(toRun.length === tests.length ? `run ${tests.length} data tests` : `run ${toRun.length} of ${tests.length} data tests`, async () => {
    testResults = await runDataTests(db, toRun, tests);
    const failed = testResults.filter((t) => t.failures > 0);
    if (failed.length) throw new DataTestFailure(failed);
  });
  return { models: results, tests: testResults, settings: inUse, snapshot };
};
