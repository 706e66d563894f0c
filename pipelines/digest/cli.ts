/**
 * `npx tsx pipelines/digest/cli.ts [--data-dir data]`: the digest of the current published release
 * against the release it replaced (data/current and its release.json's `previous`), written into
 * the current release as digest.html (and digest.pdf when Chromium is present).
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../db/duckdb.js';
import { DATABASE_FILE } from '../publish/release.js';
import { readSnapshot, renderDigest, writeDigest } from './digest.js';

const arg = (name: string, fallback: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1]! : fallback; };
const dataDir = path.resolve(arg('--data-dir', 'data'));
const current = fs.realpathSync(path.join(dataDir, 'current'));
const manifest = JSON.parse(fs.readFileSync(path.join(current, 'release.json'), 'utf8')) as { previous: string | null };
const previousDb = manifest.previous ? path.join(dataDir, 'releases', manifest.previous, DATABASE_FILE) : undefined;

const db = await openDatabase(':memory:');
const lit = (p: string) => `'${p.replaceAll("'", "''")}'`;
await db.exec(`ATTACH ${lit(path.join(current, DATABASE_FILE))} AS cur (READ_ONLY)`);
const now = await readSnapshot(db, 'cur');
let before;
if (previousDb && fs.existsSync(previousDb)) {
  await db.exec(`ATTACH ${lit(previousDb)} AS prev (READ_ONLY)`);
  before = await readSnapshot(db, 'prev').catch(() => undefined); // an older release may predate the forecast marts
}
const written = await writeDigest(renderDigest(now, before, new Date()), current);
console.log(`digest: ${written.html}${written.pdf ? ` and ${written.pdf}` : ` (${written.noPdf})`}`);
db.close();
