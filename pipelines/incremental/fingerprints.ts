/**
 * What a build's result depends on, reduced to fingerprints: one per extract (its files' paths,
 * sizes and modification times, the extracts config, its contract, the reference day and the
 * loader's code), one for the models (their SQL, tests and KPI settings) and one for the site
 * (pages, report sources, Evidence config and patches). Equal fingerprints mean an equal result,
 * so a rebuild can skip what they cover.
 *
 * Files are identified by size and modification time, as make and most build tools do: hashing
 * every byte of a multi-gigabyte extract would cost seconds a no-op run must not spend.
 */
import { SITE_PROJECT_INPUTS } from '../site/project.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.js';
import { settingsFileFor } from '../models/kpi-settings.js';
import { columnsOf } from '../contract/derive.js';
import { EXTRACTS, type Extract } from '../contract/index.js';
import { readExtractsConfig } from '../load/extracts-config.js';
import { locateExtract } from '../load/read.js';

export interface Fingerprints {
  extracts: Record<string, string>;
  models: string;
  site: string;
}

const sha1 = (value: unknown) => createHash('sha1').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('hex');

/** Every file under the given paths (relative to the project), in a stable order. */
const filesUnder = (...paths: string[]): string[] =>
  paths.flatMap((p) => {
    const full = path.join(PROJECT_ROOT, p);
    if (!fs.existsSync(full)) return [];
    if (fs.statSync(full).isFile()) return [full];
    return fs.readdirSync(full, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  }).sort();

/** The content of project files: code and models are small, so their bytes are hashed. */
export const contentHash = (...paths: string[]) => {
  const hash = createHash('sha1');
  for (const file of filesUnder(...paths)) hash.update(path.relative(PROJECT_ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
};

const fileIdentity = (file: string) => {
  const stat = fs.statSync(file);
  return [file, stat.size, stat.mtimeMs];
};

export interface FingerprintOptions {
  extractsDir: string;
  extractsConfig?: string;
  asOf: string;
  /** Anything else the site depends on (e.g. seller pseudonyms). */
  siteOptions?: Record<string, unknown>;
}

export const computeFingerprints = (options: FingerprintOptions): Fingerprints => {
  const config = readExtractsConfig(options.extractsDir, options.extractsConfig);
  const loaderCode = contentHash('pipelines/load', 'pipelines/contract');
  const extracts: Record<string, string> = {};
  for (const extract of EXTRACTS) {
    // Only fingerprints: whether the path may be read is the loader's to decide.
    const located = locateExtract(options.extractsDir, extract, config, { allowOutside: true });
    extracts[extract.name] = sha1({
      files: located ? located.files.map(fileIdentity) : null,
      format: located?.format ?? null,
      config,
      contract: [columnsOf(extract), extract.key, extract.rules ?? [], extract.crossRules ?? []],
      asOf: options.asOf,
      loaderCode,
    });
  }
  return {
    extracts,
    // The models' result also depends on the company's own settings beside its extracts, if any.
    models: sha1([contentHash('models', 'pipelines/models'), ((file) => (file ? fs.readFileSync(file, 'utf8') : null))(settingsFileFor(options.extractsDir))]),
    site: sha1([contentHash(...SITE_PROJECT_INPUTS, 'patches', 'pipelines/site'), options.siteOptions ?? {}]),
  };
};

/** Extracts whose checks read `extract`: references to its key and cross-extract rules. */
const readersOf = (extract: string): Extract[] =>
  EXTRACTS.filter((e) => columnsOf(e).some((c) => c.references?.extract === extract) || (e.crossRules ?? []).some((r) => r.other === extract)
    // Money in another currency is checked against the rates.
    || (extract === 'fx_rates' && e.currency !== undefined)
    // A parent is held out whole when one of its rows is rejected: it depends on its children.
    || EXTRACTS.some((child) => child.name === extract && child.wholeWith?.parent === e.name));

/**
 * The extracts to reload when `changed` ones did: they, and every extract whose reference or
 * cross-extract checks read a reloaded one (its rows may now pass or fail differently).
 */
export const extractsToReload = (changed: Iterable<string>): Set<string> => {
  const reload = new Set<string>(changed);
  const queue = [...reload];
  while (queue.length) {
    for (const reader of readersOf(queue.pop()!)) {
      if (!reload.has(reader.name)) {
        reload.add(reader.name);
        queue.push(reader.name);
      }
    }
  }
  return reload;
};
