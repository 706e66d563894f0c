/**
 * The digest of a published release against the release it replaced (its release.json's
 * `previous`), written into the release folder as digest.html (and digest.pdf with Chromium).
 */
import fs from 'node:fs';
import path from 'node:path';
import { literal, openDatabase } from '../db/duckdb.js';
import { DATABASE_FILE } from '../publish/release.js';
import { readSnapshot, renderDigest, writeDigest, type Printer } from './digest.js';

/** `printer`: a Chromium started by the caller (else one is started for the PDF). */
export const digestRelease = async (releaseDir: string, releasesDir: string, printer?: Printer) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(releaseDir, 'release.json'), 'utf8')) as { previous: string | null };
  const previousDb = manifest.previous ? path.join(releasesDir, manifest.previous, DATABASE_FILE) : undefined;
  const db = await openDatabase(':memory:');
  try {
    await db.exec(`ATTACH ${literal(path.join(releaseDir, DATABASE_FILE))} AS cur (READ_ONLY)`);
    const now = await readSnapshot(db, 'cur');
    let before;
    if (previousDb && fs.existsSync(previousDb)) {
      await db.exec(`ATTACH ${literal(previousDb)} AS prev (READ_ONLY)`);
      before = await readSnapshot(db, 'prev').catch(() => undefined); // a release older than the forecast marts: nothing to compare
    }
    return await writeDigest(renderDigest(now, before, new Date()), releaseDir, printer);
  } finally {
    db.close();
  }
};
