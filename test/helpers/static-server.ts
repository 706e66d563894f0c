/**
 * A static file server on 127.0.0.1, like any host the site would be published on: it sends a
 * file's precompressed copy (`.br`, else `.gz`) when the browser accepts that encoding, as nginx's
 * `brotli_static`/`gzip_static` and Caddy's `precompressed` do, and counts the bytes it sends.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.parquet': 'application/octet-stream', '.arrow': 'application/vnd.apache.arrow.stream', '.webmanifest': 'application/manifest+json',
};

const ENCODINGS = [['br', '.br'], ['gzip', '.gz']] as const;

export const serveStatic = async (root: string, options: { precompressed?: boolean } = {}) => {
  const precompressed = options.precompressed ?? true;
  /** Response body bytes sent since the last reset, and what they were. */
  let bytesSent = 0;
  let sent: { path: string; bytes: number; encoding: string }[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file) && fs.existsSync(`${file}.html`)) file = `${file}.html`;
    if (!fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
    const accepted = String(req.headers['accept-encoding'] ?? '').split(',').map((e) => e.trim().split(';')[0]);
    const [encoding, suffix] = (precompressed && ENCODINGS.find(([e, s]) => accepted.includes(e) && fs.existsSync(file + s))) || ['identity', ''];
    const body = file + suffix;
    const bytes = fs.statSync(body).size;
    bytesSent += bytes;
    sent.push({ path: url.pathname, bytes, encoding });
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': bytes,
      vary: 'Accept-Encoding',
      ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
    });
    fs.createReadStream(body).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bytesSent: () => bytesSent,
    sent: () => [...sent],
    resetCount: () => { bytesSent = 0; sent = []; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
};
