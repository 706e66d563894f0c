/**
 * The published release: one folder holding the database, the site and the fingerprints they were
 * built from, made current by a single atomic step.
 *
 *   data/releases/<id>/warehouse.duckdb   the database
 *   data/releases/<id>/site/              the static site (or a page saying none was built)
 *   data/releases/<id>/release.json       fingerprints, whether the site was built, the previous release
 *   data/current -> releases/<id>         replaced by rename(): readers see the old release or the new one
 *   data/warehouse.duckdb -> current/warehouse.duckdb    stable paths readers, tests and web servers
 *   build/ (BI_SITE_DIR) -> <data>/current/site           keep using, through `current`
 *
 * A database never sits beside a site of another build, and there is no moment with nothing
 * published. Only the holder of the data folder's lock (lock.ts) calls these functions.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config.js';
import type { Fingerprints } from '../incremental/fingerprints.js';

export const DATABASE_FILE = 'warehouse.duckdb';
export const SITE_FOLDER = 'site';
const MANIFEST = 'release.json';

export interface Layout {
  dataDir: string;
  releasesDir: string;
  /** The `current` symlink. */
  current: string;
  /** Stable path of the published database (a symlink through `current`). */
  database: string;
  /** Stable path of the published site (a symlink through `current`). */
  siteDir: string;
}

export interface ReleaseManifest {
  id: string;
  createdAt: string;
  pid: number;
  /** What the database and site were built from; null for a release migrated from an older layout. */
  fingerprints: Fingerprints | null;
  /** False when the run had no site step (--no-site): the site folder only says so. */
  siteBuilt: boolean;
  /** The release this one replaced, kept until the next switch for readers still using it. */
  previous: string | null;
}

export const layoutFor = (settings: Pick<Settings, 'dataDir' | 'siteDir'>): Layout => {
  const dataDir = path.resolve(settings.dataDir);
  return {
    dataDir,
    releasesDir: path.join(dataDir, 'releases'),
    current: path.join(dataDir, 'current'),
    database: path.join(dataDir, DATABASE_FILE),
    siteDir: path.resolve(settings.siteDir),
  };
};

const lstat = (file: string) => {
  try {
    return fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** The folder `current` points at, if any. */
export const currentRelease = (layout: Layout): string | undefined => {
  if (!lstat(layout.current)?.isSymbolicLink()) return undefined;
  return path.resolve(layout.dataDir, fs.readlinkSync(layout.current));
};

export const readManifest = (releaseDir: string): ReleaseManifest | undefined => {
  try {
    return JSON.parse(fs.readFileSync(path.join(releaseDir, MANIFEST), 'utf8')) as ReleaseManifest;
  } catch {
    return undefined;
  }
};

/** Points `link` at `target` in one rename(): the path always resolves, to the old target or the new. */
const replaceSymlink = (link: string, target: string) => {
  const existing = lstat(link);
  if (existing?.isSymbolicLink() && fs.readlinkSync(link) === target) return;
  fs.mkdirSync(path.dirname(link), { recursive: true });
  const temporary = `${link}.tmp-${process.pid}`;
  fs.rmSync(temporary, { force: true });
  fs.symlinkSync(target, temporary);
  try {
    fs.renameSync(temporary, link);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
};

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
const newReleaseId = (suffix = '') => `${stamp()}-${process.pid}${suffix}`;

/** Moves a folder, copying when it lies on another file system (rename() cannot cross them). */
const moveFolder = (from: string, to: string) => {
  try {
    fs.renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    fs.cpSync(from, to, { recursive: true });
    fs.rmSync(from, { recursive: true, force: true });
  }
};

/** What a reader of the site sees for a release built without the site (--no-site). */
const NO_SITE_PAGE = (createdAt: string) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Rapports non publiés</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>Rapports non publiés</h1>
<p>Les données ont été mises à jour le ${createdAt.slice(0, 10)} sans reconstruire les rapports
(option <code>--no-site</code>). Pour ne jamais montrer des rapports qui ne correspondent plus aux
données, l'ancien site a été retiré.</p>
<p>Pour publier les rapports, relancez la construction sans <code>--no-site</code>.</p>
</body></html>
`;

const writeManifest = (releaseDir: string, manifest: ReleaseManifest) => {
  const file = path.join(releaseDir, MANIFEST);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
};

export interface StageOptions {
  /** The closed, checkpointed candidate database; moved into the release. */
  candidate: string;
  /** The built site folder, moved into the release; undefined when no site was built. */
  builtSite?: string;
  fingerprints: Fingerprints;
}

/**
 * Assembles a release folder beside the published one, not yet visible to readers: a run killed
 * now leaves an unfinished folder that the next run removes.
 */
export const stageRelease = (layout: Layout, options: StageOptions): string => {
  const id = newReleaseId();
  const dir = path.join(layout.releasesDir, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.renameSync(options.candidate, path.join(dir, DATABASE_FILE));
  fs.rmSync(`${options.candidate}.wal`, { force: true });
  const createdAt = new Date().toISOString();
  if (options.builtSite) moveFolder(options.builtSite, path.join(dir, SITE_FOLDER));
  else {
    fs.mkdirSync(path.join(dir, SITE_FOLDER));
    fs.writeFileSync(path.join(dir, SITE_FOLDER, 'index.html'), NO_SITE_PAGE(createdAt));
  }
  const previous = currentRelease(layout);
  writeManifest(dir, {
    id,
    createdAt,
    pid: process.pid,
    fingerprints: options.fingerprints,
    siteBuilt: options.builtSite !== undefined,
    previous: previous ? path.basename(previous) : null,
  });
  return dir;
};

/**
 * Every release folder but the current one and the one it replaced: unfinished releases of killed
 * runs, and older releases no reader should still need.
 */
export const pruneReleases = (layout: Layout) => {
  if (!fs.existsSync(layout.releasesDir)) return;
  const current = currentRelease(layout);
  const keep = new Set<string>();
  if (current) {
    keep.add(path.basename(current));
    const previous = readManifest(current)?.previous;
    if (previous) keep.add(previous);
  }
  for (const name of fs.readdirSync(layout.releasesDir)) {
    if (!keep.has(name)) fs.rmSync(path.join(layout.releasesDir, name), { recursive: true, force: true });
  }
};

/** The single step that publishes: `current` now points at `releaseDir`. */
export const switchCurrent = (layout: Layout, releaseDir: string) => {
  replaceSymlink(layout.current, path.relative(layout.dataDir, releaseDir));
  // A WAL beside the stable path would belong to the database it used to reach.
  fs.rmSync(`${layout.database}.wal`, { force: true });
};

/** Makes the stable paths symlinks through `current` (creating or repairing them). */
const linkStablePaths = (layout: Layout) => {
  replaceSymlink(layout.database, path.join('current', DATABASE_FILE));
  replaceSymlink(layout.siteDir, path.relative(path.dirname(layout.siteDir), path.join(layout.current, SITE_FOLDER)));
};

/**
 * A data folder from before releases (a real `warehouse.duckdb`, a real site folder) becomes a
 * release once. Its fingerprints are not trusted (the database and site may come from two builds),
 * so the next run rebuilds in full; readers keep their paths throughout, the database with no gap
 * (hard link, then rename() of the symlink over the file), the site with two renames in a row.
 */
const migrateOlderLayout = (layout: Layout, log: (line: string) => void) => {
  const database = lstat(layout.database);
  if (currentRelease(layout) || !database?.isFile()) return;
  const dir = path.join(layout.releasesDir, newReleaseId('-migrated'));
  fs.mkdirSync(dir, { recursive: true });
  try {
    try {
      fs.linkSync(layout.database, path.join(dir, DATABASE_FILE));
    } catch {
      fs.copyFileSync(layout.database, path.join(dir, DATABASE_FILE));
    }
    const site = lstat(layout.siteDir);
    const siteMoved = site?.isDirectory() ?? false;
    if (siteMoved) fs.renameSync(layout.siteDir, path.join(dir, SITE_FOLDER));
    else {
      fs.mkdirSync(path.join(dir, SITE_FOLDER));
      fs.writeFileSync(path.join(dir, SITE_FOLDER, 'index.html'), NO_SITE_PAGE(new Date().toISOString()));
    }
    try {
      writeManifest(dir, { id: path.basename(dir), createdAt: new Date().toISOString(), pid: process.pid, fingerprints: null, siteBuilt: siteMoved, previous: null });
      switchCurrent(layout, dir);
    } catch (error) {
      if (siteMoved) fs.renameSync(path.join(dir, SITE_FOLDER), layout.siteDir);
      throw error;
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  log(`moved the database and site published by an older version into ${path.relative(process.cwd(), dir)} (publishing now goes through ${path.relative(process.cwd(), layout.current)})`);
};

/** A real file or folder where a stable symlink belongs, left by hand or another tool: kept aside. */
const setAside = (file: string, log: (line: string) => void) => {
  const existing = lstat(file);
  if (!existing || existing.isSymbolicLink()) return;
  const aside = `${file}.before-releases-${stamp()}`;
  fs.renameSync(file, aside);
  log(`${file} was a real ${existing.isDirectory() ? 'folder' : 'file'}, not the link to the published release: moved to ${aside}`);
};

/**
 * Run first, under the lock: migrates an older data folder, creates or repairs the stable paths
 * (so a site folder that cannot be written fails the run before any work, not after), and removes
 * what killed runs left.
 */
export const prepareLayout = (layout: Layout, log: (line: string) => void) => {
  // The site path becomes a symlink: it must not hold the data folder, nor lie among the releases.
  const within = (inner: string, outer: string) => !path.relative(outer, inner).startsWith('..');
  if (within(layout.dataDir, layout.siteDir) || within(layout.siteDir, layout.releasesDir) || within(layout.siteDir, layout.current)) {
    throw new Error(`The site folder ${layout.siteDir} overlaps the data folder's releases (${layout.dataDir}): set BI_SITE_DIR to a folder of its own (default build/).`);
  }
  fs.mkdirSync(layout.releasesDir, { recursive: true });
  migrateOlderLayout(layout, log);
  setAside(layout.database, log);
  setAside(layout.siteDir, log);
  linkStablePaths(layout);
  pruneReleases(layout);
};
