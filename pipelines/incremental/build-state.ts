/**
 * The fingerprints a published database was built from, kept inside it (`audit.build_state`), and
 * what a new run must redo compared with them: nothing, some extracts and the models reading them,
 * or everything.
 */
import fs from 'node:fs';
import { literal, openDatabase, type Database } from '../db/duckdb.js';
import { extractsToReload, type Fingerprints } from './fingerprints.js';

export interface RebuildPlan {
  /** Nothing changed: the published database and site stand. */
  upToDate: boolean;
  /** Start from a copy of the published database rather than from nothing. */
  reusePublished: boolean;
  /** Extracts to (re)load; the others are kept from the published database. */
  reload: Set<string>;
  /** Rebuild every model (their SQL or settings changed), not only those reading reloaded extracts. */
  allModels: boolean;
  /** Why, for the run's log. */
  reason: string;
}

/** The fingerprints recorded in an open database's `audit.build_state`; throws when it has none. */
export const buildStateOf = async (db: Database): Promise<Fingerprints> => {
  const rows = await db.query<{ kind: string; name: string; fingerprint: string | null }>('SELECT kind, name, fingerprint FROM audit.build_state');
  const state: Fingerprints = { extracts: {}, models: '', site: '' };
  for (const r of rows) {
    if (r.kind === 'extract') state.extracts[r.name] = r.fingerprint ?? '';
    else if (r.kind === 'models') state.models = r.fingerprint ?? '';
    else if (r.kind === 'site') state.site = r.fingerprint ?? '';
  }
  return state;
};

/** The fingerprints recorded in a published database, or undefined when there is none to reuse. */
export const readBuildState = async (databasePath: string): Promise<Fingerprints | undefined> => {
  if (!fs.existsSync(databasePath)) return undefined;
  let db: Database | undefined;
  try {
    db = await openDatabase(databasePath, { readOnly: true });
    return await buildStateOf(db);
  } catch {
    // A database from before build states were recorded, or unreadable: rebuild from scratch.
    return undefined;
  } finally {
    db?.close();
  }
};

/** Records the fingerprints a candidate was built from; `site` is empty when no site was built. */
export const writeBuildState = async (db: Database, fingerprints: Fingerprints, siteBuilt: boolean) => {
  const rows = [
    ...Object.entries(fingerprints.extracts).map(([name, fp]) => `('extract', ${literal(name)}, ${literal(fp)})`),
    `('models', '', ${literal(fingerprints.models)})`,
    `('site', '', ${siteBuilt ? literal(fingerprints.site) : 'NULL'})`,
  ];
  await db.exec(`CREATE OR REPLACE TABLE audit.build_state (kind VARCHAR NOT NULL, name VARCHAR NOT NULL, fingerprint VARCHAR);
    INSERT INTO audit.build_state VALUES ${rows.join(', ')};`);
};

/** `whyNoPrevious` says why there is no previous build to compare with (default: there is none). */
export const planRebuild = (current: Fingerprints, previous: Fingerprints | undefined, withSite: boolean, whyNoPrevious?: string): RebuildPlan => {
  const all = new Set(Object.keys(current.extracts));
  if (!previous) return { upToDate: false, reusePublished: false, reload: all, allModels: true, reason: whyNoPrevious ?? 'no previous build to reuse' };
  const changed = [...all].filter((name) => previous.extracts[name] !== current.extracts[name]);
  const modelsChanged = previous.models !== current.models;
  const siteStale = withSite && previous.site !== current.site;
  if (changed.length === 0 && !modelsChanged && !siteStale) {
    return { upToDate: true, reusePublished: true, reload: new Set(), allModels: false, reason: 'extracts, models and site unchanged' };
  }
  const reload = extractsToReload(changed);
  const reasons = [
    ...(changed.length ? [`changed: ${changed.join(', ')}${reload.size > changed.length ? ` (re-checked with them: ${[...reload].filter((e) => !changed.includes(e)).join(', ')})` : ''}`] : []),
    ...(modelsChanged ? ['models or KPI settings changed'] : []),
    ...(siteStale ? [previous.site ? 'pages or report sources changed' : 'no site published with this database'] : []),
  ];
  return { upToDate: false, reusePublished: true, reload, allModels: modelsChanged, reason: reasons.join('; ') };
};
