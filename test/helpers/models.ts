/** Loads a small company and builds every model over it, as `npm run build` does. */
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../pipelines/db/duckdb.js';
import { runModels } from '../../pipelines/models/run-models.js';
import { silentReporter } from '../../pipelines/progress.js';
import { generateSample } from '../../pipelines/sample/generate.js';
import { fixtureCompany } from './fixture-company.js';
import { writeCompany } from './csv.js';
import { loadFolder, tempDir, type Loaded } from './load.js';

export const MODELS_DIR = path.resolve(import.meta.dirname, '../../models');

export type Company = Record<string, Record<string, unknown>[]>;

/**
 * The sample company (scale 1, seed 42) generated, loaded and built in a database of its own, with
 * its own settings (October fiscal year, its coverage plan), written beside its extracts.
 */
export const buildSampleModels = async (): Promise<Database> => {
  const dir = path.join(tempDir('bi-sample-'), 'extracts');
  await generateSample({ outDir: dir, scale: 1, seed: 42 });
  const { db } = await loadFolder(dir);
  await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter(), settingsFile: path.join(dir, 'kpi-settings.yaml') });
  return db;
};

/** The fixture company as mutable rows, to adapt per test. */
export const company = (): Company => fixtureCompany() as unknown as Company;

export interface Built extends Loaded {
  run: Awaited<ReturnType<typeof runModels>>;
}

/**
 * The fixture companies' hand-worked figures are by calendar year (the neutral default) and plan
 * their coverage and segment mix as the catalogue's examples do (the defaults have no plan: a test
 * of coverage or mix says which plan it measures against). A test giving its own settings file
 * says everything itself.
 */
export const FIXTURE_PLAN = 'coveragePlan:\n  Or: { call: 8, meeting: 3 }\n  Argent: { call: 4, meeting: 1 }\n  Bronze: { call: 2 }\n' +
  'segmentMixTarget: { Or: 0.35, Argent: 0.4, Bronze: 0.25 }\n';

export const calendarYearSettings = (extra = ''): string => {
  const file = path.join(tempDir('bi-settings-'), 'kpi-settings.yaml');
  fs.writeFileSync(file, `calendar:\n  fiscalYearFirstMonth: 1\n${FIXTURE_PLAN}${extra}`);
  return file;
};

/**
 * Writes `rows` as CSV extracts, loads them and builds the models. `notProvided` extracts are
 * left out and declared absent, as a company without them would.
 */
export const buildModelsOn = async (rows: Company, options: { notProvided?: string[]; settingsFile?: string; extractsYaml?: string } = {}): Promise<Built> => {
  const dir = tempDir();
  const present = Object.fromEntries(Object.entries(rows).filter(([name]) => !options.notProvided?.includes(name)));
  writeCompany(dir, present);
  if (options.notProvided?.length || options.extractsYaml) {
    fs.writeFileSync(path.join(dir, 'extracts.yaml'),
      (options.notProvided?.length ? `notProvided: [${options.notProvided.join(', ')}]\n` : '') + (options.extractsYaml ?? ''));
  }
  const loaded = await loadFolder(dir);
  const run = await runModels(loaded.db, { modelsDir: MODELS_DIR, reporter: silentReporter(), settingsFile: options.settingsFile ?? calendarYearSettings() });
  return { ...loaded, run };
};
