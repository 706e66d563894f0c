/**
 * The built site made lighter (pipelines/site/finish/lighten.ts), on a folder written here: DuckDB-WASM's
 * MVP files removed, the eh files kept; `.br`/`.gz` twins that decompress to the file, written only
 * for compressible files worth it; a second run takes the twins from the cache; and the test server
 * serving them as nginx's `gzip_static`/`brotli_static` and Caddy's `precompressed` do.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lightenSite } from '../pipelines/site/finish/lighten.js';
import { tempDir } from './helpers/load.js';
import { serveStatic } from './helpers/static-server.js';

const site = () => {
  const dir = tempDir('bi-lighten-');
  const assets = path.join(dir, '_app/immutable/assets');
  fs.mkdirSync(assets, { recursive: true });
  fs.mkdirSync(path.join(dir, 'data/warehouse/kpis'), { recursive: true });
  const page = `<html>${'<p>Chiffre d’affaires 1 234 567 €</p>'.repeat(200)}</html>`;
  fs.writeFileSync(path.join(dir, 'index.html'), page);
  fs.writeFileSync(path.join(assets, 'duckdb-mvp.AbCdEf12.wasm'), Buffer.alloc(4096, 1));
  fs.writeFileSync(path.join(assets, 'duckdb-browser-mvp.worker-AbCdEf12.js'), 'x'.repeat(4096));
  fs.writeFileSync(path.join(assets, 'duckdb-eh.AbCdEf12.wasm'), Buffer.alloc(8192, 2));
  fs.writeFileSync(path.join(dir, 'data/warehouse/kpis/kpis.parquet'), Buffer.alloc(8192, 3));
  fs.writeFileSync(path.join(dir, 'small.js'), 'let a = 1;');
  return { dir, page };
};

describe('lightenSite', () => {
  it('drops the MVP variant and writes twins that decompress to each file', async () => {
    const { dir, page } = site();
    const cache = path.join(dir, '..', `${path.basename(dir)}-cache`);
    const summary = await lightenSite(dir, cache);
    expect(summary.removed.sort()).toEqual(['_app/immutable/assets/duckdb-browser-mvp.worker-AbCdEf12.js', '_app/immutable/assets/duckdb-mvp.AbCdEf12.wasm']);
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(dir, 'index.html.br'))).toString()).toBe(page);
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'index.html.gz'))).toString()).toBe(page);
    expect(fs.existsSync(path.join(dir, '_app/immutable/assets/duckdb-eh.AbCdEf12.wasm.br'))).toBe(true);
    // Parquet is compressed already; a file under 1 KiB is not worth a twin.
    expect(fs.existsSync(path.join(dir, 'data/warehouse/kpis/kpis.parquet.br'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'small.js.br'))).toBe(false);
    expect(summary).toMatchObject({ compressed: 2, fresh: 2 });
    // The same files again: every twin from the cache.
    const again = await lightenSite(site().dir, cache);
    expect(again).toMatchObject({ compressed: 2, fresh: 0 });
  });

  it('is served compressed to a client that accepts it, as is to one that does not', async () => {
    const { dir, page } = site();
    await lightenSite(dir, path.join(dir, '..', `${path.basename(dir)}-cache`));
    const server = await serveStatic(dir);
    try {
      for (const [accept, encoding, suffix] of [['br, gzip', 'br', '.br'], ['gzip', 'gzip', '.gz'], ['identity', null, '']] as const) {
        server.resetCount();
        // fetch decompresses transparently: the text equals the file whatever was sent.
        const response = await fetch(`${server.url}/index.html`, { headers: { 'accept-encoding': accept } });
        expect(response.headers.get('content-encoding')).toBe(encoding);
        expect(await response.text()).toBe(page);
        expect(server.bytesSent()).toBe(fs.statSync(path.join(dir, `index.html${suffix}`)).size);
      }
    } finally {
      await server.close();
    }
  });
});
