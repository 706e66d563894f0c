/**
 * The compiled Evidence app a full site build leaves in its work folder, and when a later build may
 * reuse it: only when nothing the compilation reads has changed — pages, report sources, Evidence
 * config, patches, this folder's code and the installed packages (package-lock.json). The data is
 * not part of it: pages read it when they are prerendered (`refresh.mjs`).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { contentHash } from '../../incremental/fingerprints.js';
import { PROJECT_ROOT } from '../../config.js';
import { SITE_PROJECT_INPUTS } from '../project.js';

const MARKER = 'compiled-app.json';
export const TEMPLATE = path.join('.evidence', 'template');
/** The Evidence source the report pages read (`sources/warehouse/`): it names their data folders and queries (`warehouse.sellers`). */
export const SOURCE = 'warehouse';

/** What the compiled app depends on, as one fingerprint. */
export const compiledAppKey = () =>
  createHash('sha1').update(contentHash(...SITE_PROJECT_INPUTS, 'patches', 'pipelines/site', 'package-lock.json')).digest('hex');

/** Whether the work folder holds an app compiled from `key` (its marker, and the kit metadata the refresh needs). */
export const hasCompiledApp = (workDir: string, key: string) =>
  readMarker(workDir)?.key === key && fs.existsSync(path.join(workDir, TEMPLATE, '.svelte-kit', 'output', 'server', 'metadata.v8'));

/**
 * Compiled apps shared between work folders (one per data folder), by key: the app depends on the
 * pages, not on the data, so a second data folder — a real company beside the sample, each test's
 * own company — prerenders with the app another build compiled instead of running Vite again.
 */
const SHARED_APPS = path.join(PROJECT_ROOT, '.site-work', 'compiled-apps');
/** What of a template is the app (the data, the prerendered pages and the built site are not). */
const notApp = (template: string) => (source: string) => {
  const rel = path.relative(template, source);
  return ![path.join('static', 'data'), 'build', path.join('.svelte-kit', 'output', 'prerendered')].includes(rel);
};

/**
 * After a full build of `workDir`: its app, kept for other work folders (written aside, then made
 * visible in one rename; a concurrent build that kept the same app first wins). Keeps the
 * newest apps only.
 */
export const shareCompiledApp = (workDir: string, key: string) => {
  const target = path.join(SHARED_APPS, key);
  if (fs.existsSync(target)) return;
  const aside = `${target}.${process.pid}.tmp`;
  fs.rmSync(aside, { recursive: true, force: true });
  const template = path.join(workDir, TEMPLATE);
  fs.cpSync(template, path.join(aside, TEMPLATE), { recursive: true, filter: notApp(template), verbatimSymlinks: true });
  try {
    fs.renameSync(aside, target);
  } catch {
    fs.rmSync(aside, { recursive: true, force: true });
  }
  const others = fs.readdirSync(SHARED_APPS).filter((name) => name !== key && !name.endsWith('.tmp'))
    .map((name) => ({ name, at: fs.statSync(path.join(SHARED_APPS, name)).mtimeMs })).sort((a, b) => b.at - a.at);
  for (const old of others.slice(2)) fs.rmSync(path.join(SHARED_APPS, old.name), { recursive: true, force: true });
};

/**
 * Before a build of `workDir` that has no app compiled from `key`: another work folder's, if one was
 * kept. Returns whether `workDir` now holds one (its pages are then all prerendered, with no data
 * of its own yet).
 */
export const adoptSharedApp = (workDir: string, key: string) => {
  if (hasCompiledApp(workDir, key)) return true;
  const shared = path.join(SHARED_APPS, key);
  if (!fs.existsSync(path.join(shared, TEMPLATE, '.svelte-kit', 'output', 'server', 'metadata.v8'))) return false;
  const template = path.join(workDir, TEMPLATE);
  // The report sources' data Evidence wrote in this folder (if any) stay: they are this data's.
  const data = path.join(template, 'static', 'data');
  const keptData = fs.existsSync(data) ? `${workDir}.data.${process.pid}.tmp` : undefined;
  if (keptData) fs.renameSync(data, keptData);
  fs.rmSync(template, { recursive: true, force: true });
  fs.cpSync(path.join(shared, TEMPLATE), template, { recursive: true, verbatimSymlinks: true });
  if (keptData) {
    fs.mkdirSync(path.dirname(data), { recursive: true });
    fs.renameSync(keptData, data);
  }
  writeMarker(workDir, { key, compiledAt: new Date().toISOString() });
  return true;
};

/** Before a full build: a build that fails half-way must not leave its app marked reusable. */
export const forgetCompiledApp = (workDir: string) => fs.rmSync(path.join(workDir, MARKER), { force: true });

interface Marker {
  key: string;
  compiledAt: string;
  /** Digests of the report sources the pages in `.svelte-kit/output/prerendered` were made from (absent: unknown). */
  prerenderedFrom?: Record<string, string>;
}

const readMarker = (workDir: string): Marker | undefined => {
  try {
    return JSON.parse(fs.readFileSync(path.join(workDir, MARKER), 'utf8')) as Marker;
  } catch {
    return undefined;
  }
};

const writeMarker = (workDir: string, marker: Marker) => fs.writeFileSync(path.join(workDir, MARKER), `${JSON.stringify(marker)}\n`);

export const recordCompiledApp = (workDir: string, key: string) => writeMarker(workDir, { key, compiledAt: new Date().toISOString() });

/** What the prerendered pages were made from, when the last build finished. */
export const prerenderedFrom = (workDir: string) => readMarker(workDir)?.prerenderedFrom;

/** Records (or, with undefined, forgets while a build rewrites them) what the prerendered pages were made from. */
export const setPrerenderedFrom = (workDir: string, digests: Record<string, string> | undefined) => {
  const marker = readMarker(workDir);
  if (marker) writeMarker(workDir, { key: marker.key, compiledAt: marker.compiledAt, ...(digests ? { prerenderedFrom: digests } : {}) });
};

/**
 * What Evidence's CLI does after `vite build` (cli.js, `buildHelper`), for the refresh that does not
 * go through it: each data file moved into a folder named after its MD5 (the browser's cache key),
 * the manifest rewritten to match, and the template's build moved to `<workDir>/build`.
 */
export const finishLikeEvidence = (workDir: string) => {
  const outDir = path.join(workDir, TEMPLATE, 'build');
  const buildDataDir = path.join(outDir, 'data');
  const manifestFile = path.join(buildDataDir, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { renderedFiles: Record<string, string[]> };
    for (const files of Object.values(manifest.renderedFiles)) {
      for (let i = 0; i < files.length; i++) {
        // <url prefix>/<source>/<query>/<query>.parquet
        const url = files[i]!;
        const diskParts = url.split('/').slice(-3).join('/');
        const filePath = path.posix.join(buildDataDir, diskParts);
        if (!fs.existsSync(filePath)) continue;
        const hash = createHash('md5').update(fs.readFileSync(filePath)).digest('hex');
        const newDiskPart = path.posix.join(path.dirname(diskParts), hash, path.basename(diskParts));
        const newFilePath = path.join(buildDataDir, newDiskPart);
        fs.mkdirSync(path.dirname(newFilePath), { recursive: true });
        fs.renameSync(filePath, newFilePath);
        files[i] = url.replace(diskParts, newDiskPart);
      }
    }
    // fs-extra's writeJsonSync: JSON.stringify with no indentation, and a newline.
    fs.writeFileSync(manifestFile, `${JSON.stringify(manifest)}\n`);
  }
  // Evidence copies; the template's build is not used again, so it is moved (same file system).
  fs.rmSync(path.join(workDir, 'build'), { recursive: true, force: true });
  fs.renameSync(outDir, path.join(workDir, 'build'));
};

/**
 * Where a full `evidence build` spent its time, read from the files each phase writes last: Vite's
 * server (SSR) compilation, its client compilation, then SvelteKit's prerender and adapter.
 */
export const describePhases = (workDir: string, startedMs: number) => {
  const output = path.join(workDir, TEMPLATE, '.svelte-kit', 'output');
  const at = (file: string) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : NaN);
  const server = at(path.join(output, 'server', 'index.js'));
  const client = at(path.join(output, 'client', '.vite', 'manifest.json'));
  const done = at(path.join(workDir, TEMPLATE, 'build', 'index.html'));
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `Evidence build: Vite server compile ${s(server - startedMs)}, client compile ${s(client - server)}, prerender and adapter ${s(done - client)}`;
};
