/**
 * A built site made lighter to serve, after Evidence:
 *
 * - DuckDB-WASM's MVP build (37 MB, plus its worker) is removed. duckdb-wasm picks it only when the
 *   browser fails its WebAssembly exception-handling probe (`getPlatformFeatures().wasmExceptions`,
 *   a module using `try`/`catch_all`, checked in @duckdb/duckdb-wasm 1.32's duckdb-browser.mjs),
 *   which Chromium ≥ 95, Firefox ≥ 100 and Safari ≥ 15.2 all pass: those fetch `duckdb-eh.wasm`.
 *   Older browsers still see every prerendered figure; only re-querying (inputs) would fail there.
 * - Every text file and the WebAssembly get precompressed twins beside them (`.br`, `.gz`), which
 *   nginx's `gzip_static on; brotli_static on;` or Caddy's `file_server { precompressed br gzip }`
 *   serve as they are. Parquet is compressed already and is left alone.
 *
 * Twins are cached by content in the work folder, so a data-only refresh compresses only the pages
 * and data that changed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const COMPRESSIBLE = /\.(html|js|mjs|css|json|svg|wasm|arrow|txt|map|webmanifest|xml|ico)$/;
/** Below this, a compressed twin saves less than a request's headers. */
const MIN_BYTES = 1024;
const MVP = /^duckdb-(mvp|browser-mvp\.worker)[.-]/;

const brotli = promisify(zlib.brotliCompress);

/**
 * Brotli's best level (11) for the compiled app's files (`_app/immutable/`, named after their
 * content: compressed once, then taken from the cache by every build); level 5 above 1 MiB.
 * Measured here on duckdb-eh.wasm (32.7 MiB): level 11 gives 4.95 MiB in about 100 s of a loaded
 * 2-core machine, level 9 5.64 MiB in 11.5 s, level 5 5.90 MiB in 2.1 s (gzip -9: 7.32 MiB in
 * 2.5 s) — a full build in a fresh work folder should not spend minutes to save readers 1 MiB once.
 * Pages and data files, new whenever their data changes, take level 9: the 13 pages a one-value
 * refresh prerenders (1372 KiB) took 1.04 s at level 11 for 104 KiB, 0.13 s at level 9 for 113 KiB.
 */
const brotliQuality = (bytes: number, file: string) => (bytes > 2 ** 20 ? 5 : /(^|[\\/])_app[\\/]immutable[\\/]/.test(file) ? 11 : 9);
const gzip = promisify(zlib.gzip);

const filesIn = (dir: string) =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));

export interface LightenSummary {
  removed: string[];
  compressed: number;
  /** Files compressed now (the others came from the cache). */
  fresh: number;
  bytes: number;
  brotliBytes: number;
}

/** Removes DuckDB-WASM's MVP variant from a built site; returns the removed files (relative). */
export const dropDuckdbMvp = (siteDir: string) => {
  const removed = filesIn(siteDir).filter((f) => MVP.test(path.basename(f)));
  for (const file of removed) fs.rmSync(file);
  return removed.map((f) => path.relative(siteDir, f));
};

const twinsOf = async (content: Buffer, quality: number, cacheDir: string) => {
  const key = `${createHash('sha1').update(content).digest('hex')}-${quality}`;
  const cached = path.join(cacheDir, key);
  if (fs.existsSync(`${cached}.br`) && fs.existsSync(`${cached}.gz`)) {
    return { key, br: fs.readFileSync(`${cached}.br`), gz: fs.readFileSync(`${cached}.gz`), fresh: false };
  }
  const [br, gz] = await Promise.all([
    brotli(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length } }),
    gzip(content, { level: 9 }),
  ]);
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(`${cached}.br`, br);
  fs.writeFileSync(`${cached}.gz`, gz);
  return { key, br, gz, fresh: true };
};

/** Writes `.br` and `.gz` beside every compressible file of the site, when they are smaller. */
export const precompress = async (siteDir: string, cacheDir: string): Promise<Omit<LightenSummary, 'removed'>> => {
  const summary = { compressed: 0, fresh: 0, bytes: 0, brotliBytes: 0 };
  const files = filesIn(siteDir).filter((f) => COMPRESSIBLE.test(f));
  const used = new Set<string>();
  // A few at a time: zlib runs on libuv's thread pool.
  for (let i = 0; i < files.length; i += 4) {
    await Promise.all(files.slice(i, i + 4).map(async (file) => {
      const content = fs.readFileSync(file);
      if (content.length < MIN_BYTES) return;
      const { key, br, gz, fresh } = await twinsOf(content, brotliQuality(content.length, path.relative(siteDir, file)), cacheDir);
      used.add(key);
      if (br.length < content.length) fs.writeFileSync(`${file}.br`, br);
      if (gz.length < content.length) fs.writeFileSync(`${file}.gz`, gz);
      summary.compressed += 1;
      summary.fresh += fresh ? 1 : 0;
      summary.bytes += content.length;
      summary.brotliBytes += Math.min(br.length, content.length);
    }));
  }
  // The cache keeps what this build used, no more: old pages and data do not pile up.
  for (const name of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []) {
    if (!used.has(name.replace(/\.(br|gz)$/, ''))) fs.rmSync(path.join(cacheDir, name), { force: true });
  }
  return summary;
};

export const lightenSite = async (siteDir: string, cacheDir: string): Promise<LightenSummary> => {
  const removed = dropDuckdbMvp(siteDir);
  return { removed, ...(await precompress(siteDir, cacheDir)) };
};
