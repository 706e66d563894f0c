/**
 * What is actually published, checked before a run decides what it can skip: the current
 * release's recorded fingerprints, its database opened and read (`audit.build_state` and a row of
 * every mart), and its site present. Anything missing or unreadable means no reuse: the run
 * rebuilds in full, and says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Database } from '../db/duckdb.js';
import { buildStateOf } from '../incremental/build-state.js';
import type { Fingerprints } from '../incremental/fingerprints.js';
import { currentRelease, DATABASE_FILE, readManifest, SITE_FOLDER, type Layout } from './release.js';

export interface PublishedState {
  /** What the published release was built from; `site` is empty when it has no site. */
  fingerprints?: Fingerprints;
  /** Why the published release cannot be reused (undefined: reusable, or nothing published yet). */
  unusable?: string;
}

const sameFingerprints = (a: Fingerprints, b: Fingerprints) =>
  a.models === b.models && a.site === b.site
  && JSON.stringify(Object.entries(a.extracts).sort()) === JSON.stringify(Object.entries(b.extracts).sort());

/** Reads the build state and one row of every mart: a database that fails this is not reused. */
const readPublishedDatabase = async (file: string): Promise<Fingerprints> => {
  let db: Database | undefined;
  try {
    db = await openDatabase(file, { readOnly: true });
    const state = await buildStateOf(db);
    const marts = await db.query<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'marts'`);
    for (const { name } of marts) await db.query(`SELECT * FROM marts."${name.replaceAll('"', '""')}" LIMIT 1`);
    return state;
  } finally {
    db?.close();
  }
};

export const readPublishedState = async (layout: Layout): Promise<PublishedState> => {
  const release = currentRelease(layout);
  if (!release) return {};
  const manifest = readManifest(release);
  if (!manifest) return { unusable: `the published release ${path.relative(process.cwd(), release)} has no readable release.json` };
  if (!manifest.fingerprints) return { unusable: 'the published release was moved over from an older version, which could publish a database beside the site of another build' };
  const file = path.join(release, DATABASE_FILE);
  let recorded: Fingerprints;
  try {
    recorded = await readPublishedDatabase(file);
  } catch (error) {
    return { unusable: `the published database ${path.relative(process.cwd(), file)} cannot be read (${(error as Error).message.split('\n')[0]})` };
  }
  if (!sameFingerprints(recorded, manifest.fingerprints)) return { unusable: 'the published database does not match its release record' };
  // A site recorded but absent (removed by hand, an interrupted copy) is rebuilt.
  const sitePresent = manifest.siteBuilt && fs.existsSync(path.join(release, SITE_FOLDER, 'index.html'));
  return { fingerprints: { ...recorded, site: sitePresent ? recorded.site : '' } };
};
