/**
 * Data-only refresh of an Evidence site: prerenders the pages again from new source data with the
 * app compiled by the previous full build, instead of compiling it again with Vite.
 *
 * Run by `build-site.ts` with the Evidence template folder as working directory, the path of
 * @sveltejs/kit, the path of the plan and the number of prerender workers as arguments. It repeats
 * what `vite build` does after compiling (SvelteKit 2.8's `writeBundle` hook and adapter-static's
 * `adapt`), in the same order and with the same kit code:
 *   1. kit's own `prerender()` runs on the compiled server with the routes' metadata the full build
 *      saved (patches/@sveltejs+kit: `output/server/metadata.v8`); pages read the data at prerender
 *      time, from `static/data/manifest.json`, as in a full build;
 *   2. the compiled client holds the `static/` folder as it was when compiled: its `data/` is
 *      replaced by the new one (Vite copies `static/` into the client output at compile time);
 *   3. adapter-static's steps: env module, client (hard-linked), then prerendered pages into `build/`.
 * What the app's code does not read (queries, page sources) cannot differ from a full build; what
 * it does is prerendered exactly as a full build would.
 *
 * The plan may be written after this starts (`prerender-hook.mjs`): each worker loads the app and
 * starts DuckDB-WASM, then waits for it. It is `{ all: true }` (every page, crawled from the front
 * page as a full build does) or `{ shares: [{ routes, paths }] }`: only the pages of those paths
 * (the pages reading data that changed, `partial-prerender.ts`), each share by its own kit worker,
 * side by side, visiting its paths only (no crawling); the other pages keep what the last build
 * prerendered from the same data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const [kitDir, planFile, workerArg] = process.argv.slice(2);
if (!kitDir || !planFile) throw new Error('usage: refresh.mjs <path of @sveltejs/kit> <plan.json> [<workers>]');
const workers = Number(workerArg ?? 1);
const kit = (file) => import(pathToFileURL(path.join(kitDir, 'src', file)).href);

const { load_config } = await kit('core/config/index.js');
const { get_env } = await kit('exports/vite/utils.js');
const { mkdirp } = await kit('utils/filesystem.js');
const { default: prerender } = await kit('core/postbuild/prerender.js');

// The configuration as plain values, kept beside the compiled app it belongs to (kit empties its
// output folder when it compiles again) and for this folder only (the audiences' sites link the
// compiled app into folders of their own): Evidence's svelte.config.js is loaded only to write it.
const plainConfig = path.resolve('.svelte-kit', 'output', 'refresh-config.json');
const readPlain = () => {
  try {
    const plain = JSON.parse(fs.readFileSync(plainConfig, 'utf8'));
    return plain.cwd === process.cwd() ? plain : undefined;
  } catch {
    return undefined;
  }
};
if (!readPlain()) {
  const { extensions, kit: { adapter, version, ...kit } } = await load_config();
  // JSON keeps no functions: kit's validation gives back its defaults (Evidence sets none of them).
  // Written aside and renamed: an audience's copy is a hard link to the full site's file.
  fs.writeFileSync(`${plainConfig}.tmp`, JSON.stringify({ cwd: process.cwd(), extensions, kit }));
  fs.renameSync(`${plainConfig}.tmp`, plainConfig);
}
process.env.BI_REFRESH_CONFIG = plainConfig;
process.env.BI_SVELTE_CONFIG = fileURLToPath(new URL('./refresh-config.mjs', import.meta.url));
const config = await load_config();
// For the workers only (read by their hook and configuration once the plan is written).
process.env.BI_PRERENDER_PLAN = path.resolve(planFile);
process.env.BI_PRERENDER_HOOK = fileURLToPath(new URL('./prerender-hook.mjs', import.meta.url));
const out = `${config.kit.outDir}/output`;
const metadataFile = `${out}/server/metadata.v8`;
if (!fs.existsSync(metadataFile)) throw new Error(`${metadataFile} is missing: the compiled app cannot be reused (full build needed)`);
const metadata = v8.deserialize(fs.readFileSync(metadataFile));
// Vite's `build` mode; the same public and private split as the full build.
const env = get_env(config.kit.env, 'production');

// 1. Prerender again, with no query results cached by the last build (Evidence's CLI clears them too).
const cacheRoot = '.evidence-queries';
if (fs.existsSync(cacheRoot)) for (const name of fs.readdirSync(cacheRoot)) if (/^cache(-\d+)?$/.test(name)) fs.rmSync(path.join(cacheRoot, name), { recursive: true, force: true });
await Promise.all(Array.from({ length: workers }, (_, i) => {
  // kit's worker takes a copy of this process's environment when it starts (synchronously, below):
  // its share, and a query cache of its own (universal-sql patch) so that it reads back only the
  // result files it wrote itself.
  process.env.BI_PRERENDER_SHARE = String(i);
  if (workers > 1) process.env.EVIDENCE_QUERY_CACHE_DIR = `./${cacheRoot}/cache-${i}`;
  const run = prerender({ out, manifest_path: `${out}/server/manifest-full.js`, metadata, verbose: false, env: { ...env.private, ...env.public } });
  delete process.env.BI_PRERENDER_SHARE;
  delete process.env.EVIDENCE_QUERY_CACHE_DIR;
  return run;
}));

// 2. New data in the compiled client (the assets folder is copied whole by Vite at compile time).
const dataDir = path.join(config.kit.files.assets, 'data');
fs.rmSync(`${out}/client/data`, { recursive: true, force: true });
if (fs.existsSync(dataDir)) fs.cpSync(dataDir, `${out}/client/data`, { recursive: true });

/** Mirrors a folder with hard links (copies where the file system refuses them). */
function linkTree(from, to, keep) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (!keep(entry.name)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target, keep);
    else {
      try {
        fs.linkSync(source, target);
      } catch {
        fs.copyFileSync(source, target);
      }
    }
  }
}

function copyReplacing(from, to) {
  if (!fs.existsSync(from)) return;
  for (const entry of fs.readdirSync(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const source = path.join(entry.parentPath, entry.name);
    const target = path.join(to, path.relative(from, source));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(target, { force: true });
    fs.copyFileSync(source, target);
  }
}

// 3. adapter-static (pages = assets = EVIDENCE_BUILD_DIR or ./build, as in Evidence's svelte.config.js).
const pages = process.env.EVIDENCE_BUILD_DIR ?? './build';
fs.rmSync(pages, { recursive: true, force: true });
const envModule = `${out}/prerendered/dependencies/${config.kit.appDir}/env.js`;
mkdirp(path.dirname(envModule));
fs.writeFileSync(envModule, `export const env=${JSON.stringify(env.public)}`);
// The compiled client is hard-linked, not copied (70 MB, unchanged since it was compiled): every
// later step replaces files (rename, unlink, new files) and never rewrites one in place.
linkTree(`${out}/client`, pages, (name) => name !== '.vite');
// Prerendered files replace (never overwrite in place) any linked file of the same name.
copyReplacing(`${out}/prerendered/pages`, pages);
copyReplacing(`${out}/prerendered/dependencies`, pages);
console.log(`Refreshed site written to ${pages}`);
