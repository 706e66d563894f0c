/** Looking at what a data folder publishes: the current release, its database and its site. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './load.js';

export const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A stand-in for the Evidence site: one page naming the build it came from. */
export const stubSite = (label: string) => {
  const dir = tempDir('bi-stub-site-');
  fs.writeFileSync(path.join(dir, 'index.html'), `<p>${label}</p>`);
  return dir;
};

/** The published state as a reader sees it through the stable paths. */
export const published = (dataDir: string, siteDir: string) => ({
  release: fs.readlinkSync(path.join(dataDir, 'current')),
  database: sha(path.join(dataDir, 'warehouse.duckdb')),
  site: fs.readFileSync(path.join(siteDir, 'index.html'), 'utf8'),
  releases: fs.readdirSync(path.join(dataDir, 'releases')).sort(),
});
