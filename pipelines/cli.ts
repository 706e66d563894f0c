/**
 * `npm run build [-- options]`: the analyst's one command.
 *
 *   --extracts DIR        load a folder of real extracts instead of the bundled sample company
 *   --extracts-config F   extracts.yaml to use (default: DIR/extracts.yaml)
 *   --mapping NAME[,NAME] DIR holds exports in a vendor's layout: map them first (pipelines/mapping/README.md)
 *   --scale N --seed N    size and seed of the sample company (default 1, 42)
 *   --export-date YYYY-MM-DD  the sample company as exported at the end of that day
 *   --as-of YYYY-MM-DD    rebuild the company as it stood at the end of that day (default: as exported)
 *   --memory-limit 4GB    DuckDB memory limit (spills to disk beyond it)
 *   --threads N
 *   --no-site             stop after the database (no Evidence build)
 *   --full                rebuild everything (by default, unchanged extracts and models are reused)
 *   --pseudonymise-sellers  publish the site with seller names replaced by stable pseudonyms
 *   --accept-held-out     publish even when more money was held out at load than extracts.yaml accepts
 *   --lock-wait SECONDS   how long to wait for another build of the same data folder (default 600)
 *   --allow-outside-paths read extracts that extracts.yaml or a symlink places outside the extracts folder
 *   --pseudonym-min-group K with pseudonyms, the fewest sellers a team × role shown may hold (default 3)
 *   --publish-config FILE one site per audience (default: publish.yaml in the extracts folder, if any)
 *   --prerender-workers N prerender workers of a data-only refresh (default 1)
 *
 * Environment: BI_DATA_DIR, BI_SITE_DIR, BI_MEMORY_LIMIT, BI_THREADS, BI_AS_OF, BI_REFERENCE_DAY (internal: the day "in the future" is judged from), BI_LOCK_WAIT, BI_PSEUDONYM_MIN_GROUP, BI_PUBLISH_CONFIG, BI_PRERENDER_WORKERS (flags win).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { settingsFromEnv, settingsSchema, type Settings } from './config.js';
import { ConfigError } from './config-files.js';
import { ExtractError } from './load/read.js';
import { readExtractsConfig } from './load/extracts-config.js';
import { HeldOutError } from './load/held-out.js';
import { DataTestFailure } from './models/data-tests.js';
import { ModelError } from './models/run-models.js';
import { runPipeline } from './pipeline.js';
import { exitCleanlyOnSignals } from './process/interrupt.js';
import { createReporter, formatTable } from './progress.js';
import { LockError } from './publish/lock.js';
import { SiteError } from './site/build-site.js';
import { describeSystemFailure, writeErrorLog } from './system-errors.js';

const argsSchema = z.object({
  command: z.literal('build', { error: 'usage: cli.ts build [--extracts DIR] [options]' }),
  extracts: z.string().min(1).optional(),
  extractsConfig: z.string().min(1).optional(),
  mapping: z.string().min(1).optional(),
  site: z.boolean().default(true),
  full: z.boolean().default(false),
  pseudonymiseSellers: z.boolean().default(false),
  acceptHeldOut: z.boolean().default(false),
  allowOutsidePaths: z.boolean().default(false),
  scale: z.coerce.number().positive().default(1),
  seed: z.coerce.number().int().default(42),
  exportDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '--export-date must be written YYYY-MM-DD').optional(),
});

const parseCommandLine = (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      extracts: { type: 'string' },
      'extracts-config': { type: 'string' },
      mapping: { type: 'string' },
      'no-site': { type: 'boolean' },
      full: { type: 'boolean' },
      'pseudonymise-sellers': { type: 'boolean' },
      'accept-held-out': { type: 'boolean' },
      'allow-outside-paths': { type: 'boolean' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      'export-date': { type: 'string' },
      'as-of': { type: 'string' },
      'memory-limit': { type: 'string' },
      threads: { type: 'string' },
      'lock-wait': { type: 'string' },
      'pseudonym-min-group': { type: 'string' },
      'publish-config': { type: 'string' },
      'prerender-workers': { type: 'string' },
    },
  });
  const args = argsSchema.parse({
    command: positionals[0],
    extracts: values.extracts,
    extractsConfig: values['extracts-config'],
    mapping: values.mapping,
    site: !values['no-site'],
    full: values.full ?? false,
    pseudonymiseSellers: values['pseudonymise-sellers'] ?? false,
    acceptHeldOut: values['accept-held-out'] ?? false,
    allowOutsidePaths: values['allow-outside-paths'] ?? false,
    scale: values.scale,
    seed: values.seed,
    exportDate: values['export-date'],
  });
  const env = settingsFromEnv();
  const settings = settingsSchema.parse({
    ...env,
    ...(values['as-of'] ? { asOf: values['as-of'] } : {}),
    ...(values['memory-limit'] ? { memoryLimit: values['memory-limit'] } : {}),
    ...(values.threads ? { threads: values.threads } : {}),
    ...(values['lock-wait'] ? { lockWait: values['lock-wait'] } : {}),
    ...(values['pseudonym-min-group'] ? { pseudonymMinGroup: values['pseudonym-min-group'] } : {}),
    ...(values['publish-config'] ? { publishConfig: values['publish-config'] } : {}),
    ...(values['prerender-workers'] ? { prerenderWorkers: values['prerender-workers'] } : {}),
  });
  return { args, settings };
};

/** The reporting currency extracts.yaml sets (EUR when it says nothing). */
const readReportingCurrency = (extractsDir: string) => readExtractsConfig(extractsDir).currency.reporting;

/** Kept for the error handler: where to log, and which folders a system error concerns. */
let runSettings: Settings | undefined;

const main = async () => {
  const started = performance.now();
  const { args, settings } = parseCommandLine(process.argv.slice(2));
  runSettings = settings;
  exitCleanlyOnSignals((signal) => `\n✗ Interrupted (${signal}): Evidence stopped, the run's unfinished files removed; the published database and site were left untouched.`);
  const reporter = createReporter();
  const result = await runPipeline({
    settings,
    reporter,
    extracts: args.extracts,
    extractsConfig: args.extractsConfig,
    mapping: args.mapping,
    site: args.site,
    full: args.full,
    pseudonymiseSellers: args.pseudonymiseSellers,
    acceptHeldOut: args.acceptHeldOut,
    allowOutsidePaths: args.allowOutsidePaths,
    scale: args.scale,
    seed: args.seed,
    exportDate: args.exportDate,
  });
  const { models } = result;
  if (result.upToDate) {
    console.log(`\nNothing changed since the last build: ${path.relative(process.cwd(), result.databasePath)}${args.site ? ` and the site ${path.relative(process.cwd(), path.resolve(settings.siteDir))}/` : ''} stand (${((performance.now() - started) / 1000).toFixed(1)} s; --full rebuilds anyway).`);
    return;
  }

  const asOf = settings.asOf;
  console.log(`\nRows per extract${asOf ? `: read = loaded + rejected + after the as-of day ${asOf}` : ''}`);
  console.log(formatTable(result.loads.map((l) => ({
    extract: l.extract,
    status: l.status,
    read: l.rowsRead,
    loaded: l.rowsLoaded,
    rejected: l.rowsRejected,
    ...(asOf ? { 'after as-of': l.rowsAfterAsOf ?? 0 } : {}),
    flagged: l.rowsFlagged,
    seconds: Number(l.seconds.toFixed(2)),
  }))));
  if (asOf) {
    const after = result.loads.reduce((n, l) => n + (l.rowsAfterAsOf ?? 0), 0);
    console.log(`\n${after.toLocaleString('en')} rows after the as-of day ${asOf} left out (audit.after_as_of): the company as it stood at the end of that day.`);
  }
  const dateOrders = result.loads.flatMap((l) => l.dateOrders.map((o) => `${l.extract}.${o}`));
  if (dateOrders.length) console.log(`\nDates written with slashes, read as: ${dateOrders.join('; ')}`);
  const rejected = result.loads.reduce((n, l) => n + l.rowsRejected, 0);
  const flagged = result.loads.reduce((n, l) => n + l.rowsFlagged, 0);
  if (rejected + flagged > 0) {
    console.log(`\n${rejected.toLocaleString('en')} row(s) held out (audit.rejects) and ${flagged.toLocaleString('en')} loaded with an unknown value ` +
      `(audit.flags) in ${result.databasePath}: each names its record, file, line and reason (marts.data_quality_records).`);
  }
  if (result.money.length) {
    console.log(`\nMoney read from the files (reporting currency): read = loaded + held out${asOf ? ` + after the as-of day ${asOf}` : ''}`);
    console.log(formatTable(result.money.map((m) => ({
      extract: m.extract,
      read: (m.read + m.afterAsOf).toFixed(2),
      loaded: m.loaded.toFixed(2),
      'held out': m.heldOut.toFixed(2),
      ...(asOf ? { 'after as-of': m.afterAsOf.toFixed(2) } : {}),
      'rows held out': m.rowsHeldOut,
      'no rate': m.rowsUnconverted,
      'in other currencies': m.foreign.join(', '),
      // Amounts the CRM exported already converted (e.g. HubSpot "Amount in company currency"):
      // loaded at its conversion, their own amounts kept (staging amount_original).
      ...(result.money.some((a) => a.convertedByCrm.length) ? { 'converted by the CRM': m.convertedByCrm.join(', ') } : {}),
    }))));
  }
  if (result.toInvoice) {
    const t = result.toInvoice;
    console.log(`\nSigned, to be invoiced (signé, à facturer — timing, not a gap): ${t.deals.toLocaleString('en')} won deal(s), ${t.amount.toFixed(2)} ` +
      `not yet invoiced, signed within the invoicing delay of ${t.delayDays} days (${t.delaySource === 'setting' ? 'reconciliation.invoicingDelayDays' : "the company's own history"}).`);
  }
  console.log('\nModels');
  console.log(formatTable(models.map((m) => ({ model: m.model, rows: m.rows, seconds: Number(m.seconds.toFixed(2)), built: m.reused ? 'kept' : 'rebuilt' }))));
  console.log('\nTime per step');
  console.log(formatTable(reporter.timings.map((t) => ({ step: t.step, seconds: Number(t.seconds.toFixed(2)) }))));
  const site = args.site ? ` and the site ${path.relative(process.cwd(), path.resolve(settings.siteDir))}/` : ' (no site: --no-site)';
  console.log(`\nPublished ${path.relative(process.cwd(), result.databasePath)}${site} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  if (result.kpiSettings.source === 'defaults') {
    const dir = args.extracts ?? result.extractsDir;
    console.log(`\nThese figures follow the default settings (réglages par défaut): no kpi-settings.yaml in ${dir}. The ones that matter most:\n` +
      '  - fiscal year: calendar.fiscalYearFirstMonth (now 1: January → December)\n' +
      `  - reporting currency: currency.reporting in extracts.yaml (now ${readReportingCurrency(result.extractsDir)})\n` +
      `  - acquisition cost: cac.unallocatedSpend (now ${result.kpiSettings.settings.cac.unallocatedSpend}) and cac.sellerCostMultiplier (now ${result.kpiSettings.settings.cac.sellerCostMultiplier})\n` +
      `Write them in ${path.join(dir, 'kpi-settings.yaml')}: \`npm run init -- --extracts ${dir}\` drafts it from your files.`);
  }
};

main().catch((error: unknown) => {
  const settings = runSettings ?? { dataDir: 'data', siteDir: 'build' };
  const system = describeSystemFailure(error, settings);
  if (system || error instanceof LockError) {
    // One line a person can act on; the whole error (stack, DuckDB's hint) goes to the log.
    const log = system ? writeErrorLog(settings.dataDir, error) : undefined;
    console.error(`\n✗ ${system ? system.message : (error as Error).message}${log ? ` (full error: ${log})` : ''}`);
  } else if (error instanceof ExtractError || error instanceof HeldOutError || error instanceof ModelError || error instanceof SiteError || error instanceof DataTestFailure || error instanceof ConfigError) {
    console.error(`\n✗ ${error.message}`);
  } else if (error instanceof z.ZodError) {
    // The command line's own flags and BI_* variables.
    console.error(`\n✗ Invalid option: ${z.prettifyError(error)}`);
  } else {
    // Not a mistake the user can act on from the message alone: one line here, the trace in the log.
    const log = writeErrorLog(settings.dataDir, error);
    console.error(`\n✗ Build failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}${log ? ` (full error: ${log})` : ''}`);
  }
  console.error('The previously published database and site were left untouched.');
  process.exit(1);
});
