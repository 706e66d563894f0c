/**
 * The site's precompressed copies, and the test server that serves them the way nginx's
 * `gzip_static`/`brotli_static` and Caddy's `precompressed` do.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { precompressSite } from '../pipelines/site/precompress.js';
import { tempDir } from './helpers/load.js';
import { serveStatic } from './helpers/static-server.js';

const site = () => {
  const dir = tempDir('bi-precompress-');
  fs.mkdirSync(path.join(dir, '_app'), { recursive: true });
  // Repetitive text: compresses well, like a bundled script.
  fs.writeFileSync(path.join(dir, '_app', 'app.js'), 'export const rows = [];\n'.repeat(2000));
  fs.writeFileSync(path.join(dir, 'index.html'), `<html><body>${'<p>Chiffre d\'affaires</p>'.repeat(200)}</body></html>`);
  fs.writeFileSync(path.join(dir, 'tiny.js'), 'export {};\n'); // under 1 KiB: not worth a copy
  fs.writeFileSync(path.join(dir, 'logo.png'), Buffer.alloc(5000, 7)); // images are compressed already
  return dir;
};

describe('precompressSite', () => {
  it('writes .br and .gz copies that decompress to the file, only for compressible files over 1 KiB', () => {
    const dir = site();
    const summary = precompressSite(dir);
    const app = fs.readFileSync(path.join(dir, '_app', 'app.js'));
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(dir, '_app', 'app.js.br')))).toEqual(app);
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, '_app', 'app.js.gz')))).toEqual(app);
    expect(fs.existsSync(path.join(dir, 'index.html.br'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'tiny.js.br'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'logo.png.br'))).toBe(false);
    expect(summary.files).toBe(2);
    expect(summary.bytes).toBe(app.length + fs.statSync(path.join(dir, 'index.html')).size);
    expect(summary.brotliBytes).toBeLessThan(summary.bytes / 10);
  });

  it('is served compressed to a client that accepts it, as is to one that does not', async () => {
    const dir = site();
    precompressSite(dir);
    const server = await serveStatic(dir);
    try {
      const original = fs.readFileSync(path.join(dir, '_app', 'app.js'), 'utf8');
      for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', null]] as const) {
        server.resetCount();
        // fetch decompresses transparently: the text equals the file whatever was sent.
        const response = await fetch(`${server.url}/_app/app.js`, { headers: { 'accept-encoding': accept } });
        expect(response.headers.get('content-encoding')).toBe(encoding);
        expect(await response.text()).toBe(original);
        const expected = encoding === 'br' ? fs.statSync(path.join(dir, '_app', 'app.js.br')).size : encoding === 'gzip' ? fs.statSync(path.join(dir, '_app', 'app.js.gz')).size : original.length;
        expect(server.bytesSent()).toBe(expected);
      }
    } finally {
      await server.close();
    }
  });
});
