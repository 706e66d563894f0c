/**
 * The whole job as one call: (map) → sample or extracts → load → models → site, published together.
 * The CLI parses flags into these options; the benchmark and tests call it directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, lockDataFolder, type BuildResult } from './build.js';
import { PROJECT_ROOT, PSEUDONYM_MIN_GROUP, type Settings } from './config.js';
import { contentHash } from './incremental/fingerprints.js';
import { assertCoreExtractsLoaded } from './load/core-extracts.js';
import { ExtractError } from './load/read.js';
import { readExtractsConfig } from './load/extracts-config.js';
import { checkHeldOut, moneyAccounts, type MoneyAccount } from './load/held-out.js';
import { checkMissingRates } from './load/missing-rates.js';
import { recordMappingAudit } from './mapping/report.js';
import { mapExports } from './mapping/run.js';
import { COMPANY_SETTINGS_FILE, readSettingsInUse, settingsFileFor, type SettingsInUse } from './models/kpi-settings.js';
import { runModels, type ModelResult } from './models/run-models.js';
import { describeSnapshot } from './history/describe.js';
import type { SnapshotOutcome } from './history/snapshots.js';
import type { Reporter } from './progress.js';
import type { Database } from './db/duckdb.js';
import type { BuildLock } from './publish/lock.js';
import { buildSite, siteWorkDir } from './site/build-site.js';
import { expandAudiences, findPublishConfig, readPublishConfig } from './audiences/audiences-config.js';
import { buildAudienceSites } from './audiences/audience-sites.js';

export interface PipelineOptions {
  settings: Settings;
  reporter: Reporter;
  /** Folder of extracts (or of vendor exports with `mapping`); default: the generated sample company. */
  extracts?: string;
  extractsConfig?: string;
  /** Read extracts that extracts.yaml or a symlink places outside the extracts folder (default: refuse). */
  allowOutsidePaths?: boolean;
  /** Built-in mapping name(s), comma-separated, or a mapping file. */
  mapping?: string;
  /** Build and publish the Evidence site (default true). */
  site?: boolean;
  pseudonymiseSellers?: boolean;
  /** Rebuild everything even when the published database could be reused (default false). */
  full?: boolean;
  /** Publish even when more money was held out at load than extracts.yaml's heldOut.maxShare. */
  acceptHeldOut?: boolean;
  /** Sample company size and seed, when no `extracts` folder is given. */
  scale?: number;
  seed?: number;
  /** The sample company as exported at the end of this day (YYYY-MM-DD), when no `extracts` folder is given. */
  exportDate?: string;
  /** Printer for the mapping's tables (default console.log). */
  write?: (line: string) => void;
}

export interface PipelineResult extends BuildResult {
  extractsDir: string;
  /** The KPI settings the models used: the company's file beside its extracts, or the neutral defaults. */
  kpiSettings: SettingsInUse;
  /** Won deals signed within the invoicing delay and not yet fully invoiced: timing, not a gap. */
  toInvoice?: ToInvoice;
  models: ModelResult[];
  /** This run's snapshot of the pipeline and forecast in history.* (none when nothing was rebuilt). */
  snapshot?: SnapshotOutcome;
  /** Money read from the files per extract: loaded, flagged, held out (empty when nothing was rebuilt). */
  money: MoneyAccount[];
}

export type ToInvoice = { deals: number; amount: number; delayDays: number; delaySource: string };

/** What remains to invoice on recently won deals (intermediate.int_won_deal_invoicing), for the run's money table. */
const readToInvoice = async (db: Database): Promise<ToInvoice | undefined> => {
  const [row] = await db.query<ToInvoice>(`SELECT count(*) FILTER (WHERE to_invoice > 0) AS deals, coalesce(sum(to_invoice), 0)::DOUBLE AS amount,
    any_value(invoicing_delay_days) AS "delayDays", any_value(delay_source) AS "delaySource" FROM intermediate.int_won_deal_invoicing`);
  return row && row.deals > 0 ? row : undefined;
};

/**
 * Says which settings a run uses, before any work: a company without a settings file beside its
 * extracts gets the neutral defaults, said aloud with the fiscal year they mean.
 */
const announceSettings = (inUse: SettingsInUse, userDir: string | undefined, reporter: Reporter) => {
  if (inUse.source === 'company') {
    reporter.detail(`KPI settings: ${inUse.file} (fiscal year from month ${inUse.settings.calendar.fiscalYearFirstMonth})`);
    return;
  }
  reporter.warn(`réglages par défaut — no ${COMPANY_SETTINGS_FILE} beside the extracts${userDir ? ` in ${userDir}` : ''}: ` +
    'fiscal year = calendar year (January → December), no coverage plan, no segment mix target; the pages say so.');
};

/**
 * The folder of the sample company for a scale and seed (and export day: its own folder, beside
 * the full history's), generated on first use.
 */
export const ensureSample = async (settings: Settings, reporter: Reporter, scale = 1, seed = 42, exportDate?: string): Promise<string> => {
  const dir = path.resolve(settings.dataDir, 'sample', `scale-${scale}-seed-${seed}${exportDate ? `-exported-${exportDate}` : ''}`);
  const marker = path.join(dir, '.complete');
  // A sample written by an older generator lacks what the models now read (e.g. account_owners):
  // the marker holds the generator's fingerprint, and a different one regenerates the folder.
  // An export made on a day also depends on the point-in-time rules that cut it.
  const generator = exportDate ? contentHash('pipelines/sample', 'pipelines/load/point-in-time.ts') : contentHash('pipelines/sample');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === generator) {
    reporter.detail(`using the sample company in ${path.relative(process.cwd(), dir)}`);
    return dir;
  }
  await reporter.step(`generate sample company (scale ${scale}, seed ${seed}${exportDate ? `, as exported on ${exportDate}` : ''})`, async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    const { generateSample } = await import('./sample/generate.js');
    await generateSample({ outDir: dir, scale, seed, threads: settings.threads, exportDate });
    fs.writeFileSync(marker, generator);
  });
  return dir;
};

export const runPipeline = async (options: PipelineOptions): Promise<PipelineResult> => {
  // The sample and the mapped extracts are written in the data folder too: one run at a time.
  const lock = await lockDataFolder(options.settings, options.reporter);
  try {
    return await runLocked(options, lock);
  } finally {
    lock.release();
  }
};

const runLocked = async (options: PipelineOptions, lock: BuildLock): Promise<PipelineResult> => {
  const { settings, reporter } = options;
  const userDir = options.extracts ? path.resolve(options.extracts) : undefined;
  if (userDir && !fs.existsSync(userDir)) throw new ExtractError(`Extracts folder ${userDir} does not exist.`);
  // Every configuration file the user wrote is checked before any work (a mistake in one should not
  // cost a mapping or a load): extracts.yaml, kpi-settings.yaml and the publish configuration.
  if (userDir) {
    readExtractsConfig(userDir, options.extractsConfig);
    readSettingsInUse(settingsFileFor(userDir));
  }
  // Audiences: the publish configuration given, or publish.yaml in the user's extracts folder.
  const publishConfig = findPublishConfig(settings.publishConfig, userDir);
  if (publishConfig) readPublishConfig(publishConfig);
  let extractsDir = userDir;
  const mapped = options.mapping
    ? await mapExports({ mapping: options.mapping, inputDir: extractsDir, settings, reporter, write: options.write, allowOutsidePaths: options.allowOutsidePaths })
    : undefined;
  if (mapped) extractsDir = mapped.outDir;
  if (options.exportDate && extractsDir) {
    throw new ExtractError('--export-date writes the bundled sample company as exported that day; for your own full export, use --as-of DAY.');
  }
  if (!extractsDir) extractsDir = await ensureSample(settings, reporter, options.scale, options.seed, options.exportDate);

  // The settings the models use (the company's, carried through a mapping, or the neutral
  // defaults), said before the load.
  const kpiSettings = readSettingsInUse(settingsFileFor(extractsDir));
  announceSettings(kpiSettings, userDir, reporter);
  let models: ModelResult[] = [];
  let money: MoneyAccount[] = [];
  let toInvoice: ToInvoice | undefined;
  let snapshot: SnapshotOutcome | undefined;
  const result = await build({
    settings,
    extractsDir,
    extractsConfig: options.extractsConfig,
    allowOutsidePaths: options.allowOutsidePaths,
    reporter,
    lock,
    incremental: !options.full,
    siteOptions: {
      pseudonymiseSellers: options.pseudonymiseSellers ?? false,
      ...(options.pseudonymiseSellers ? { pseudonymMinGroup: settings.pseudonymMinGroup ?? PSEUDONYM_MIN_GROUP } : {}),
      ...(publishConfig && fs.existsSync(publishConfig) ? { audiences: fs.readFileSync(publishConfig, 'utf8') } : {}),
    },
    beforePublish: options.site === false
      ? undefined
      : async (candidate) => {
        const built = await reporter.step('build site (Evidence, offline)', () => buildSite({
          databasePath: candidate,
          workDir: siteWorkDir(settings.dataDir),
          pseudonymiseSellers: options.pseudonymiseSellers ?? false,
          pseudonymMinGroup: settings.pseudonymMinGroup ?? PSEUDONYM_MIN_GROUP,
          // --full rebuilds everything, the compiled app included.
          reuseCompiledApp: !options.full,
          ...(settings.prerenderWorkers ? { prerenderWorkers: settings.prerenderWorkers } : {}),
          log: reporter.detail,
        }));
        if (publishConfig) {
          await reporter.step('build one site per audience (compiled app reused)', () => buildAudienceSites({
            databasePath: candidate,
            workDir: siteWorkDir(settings.dataDir),
            siteDir: built,
            configFile: publishConfig,
            pseudonymMinGroup: settings.pseudonymMinGroup ?? PSEUDONYM_MIN_GROUP,
            log: reporter.detail,
          }));
        }
        return built;
      },
    afterLoad: async (db, { reloadedExtracts, snapshotDay }) => {
      if (mapped) await recordMappingAudit(db, mapped);
      const { heldOut, currency } = readExtractsConfig(extractsDir!, options.extractsConfig);
      // A missing exchange rate is said first, with the lines to add: what it empties or holds out
      // (invoice lines of its invoices, a core extract) follows from it.
      const rates = await checkMissingRates(db, {
        reporting: currency.reporting,
        exportsDir: options.extracts ? path.resolve(options.extracts) : extractsDir!,
        accept: options.acceptHeldOut ?? false,
      });
      if (rates) reporter.warn(rates.split('\n')[0]!);
      // An empty or fully rejected sellers, accounts or opportunities stops here, not at a data test.
      await assertCoreExtractsLoaded(db);
      // Before any model: a run holding out too much money stops here, nothing published.
      money = await moneyAccounts(db);
      const gate = await checkHeldOut(db, { maxShare: heldOut.maxShare, accept: options.acceptHeldOut ?? false }, money);
      if (gate && gate.share > 0) {
        reporter.warn(`${(100 * gate.share).toFixed(2)} % of the money of ${gate.basis} was held out at load` +
          `${options.acceptHeldOut ? ' (accepted with --accept-held-out)' : ''}: the pages show it beside the figures.`);
      }
      const modelsDir = path.join(PROJECT_ROOT, 'models');
      const run = await runModels(db, { modelsDir, reporter, reloadedExtracts, settingsFile: kpiSettings.file, snapshotDay });
      models = run.models;
      snapshot = run.snapshot;
      if (snapshot) reporter.detail(describeSnapshot(snapshot));
      toInvoice = await readToInvoice(db);
      // The audiences' names and filters for this data's teams and sellers, checked before the
      // site is built rather than after it (two teams whose names slug alike, a filter naming no team).
      if (publishConfig) expandAudiences(readPublishConfig(publishConfig), await db.query<{ seller_id: string; team: string }>('SELECT seller_id, team FROM staging.stg_sellers'));
    },
  });
  return { ...result, extractsDir, models, money, kpiSettings, toInvoice, snapshot };
};
