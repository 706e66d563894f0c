/** A static file server on 127.0.0.1, like any host the site would be published on. */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.parquet': 'application/octet-stream', '.arrow': 'application/vnd.apache.arrow.stream', '.webmanifest': 'application/manifest+json',
};

/** One response: what was asked, how many body bytes went out, when the last one did (Date.now()). */
export interface Served {
  url: string;
  bytes: number;
  encoding: string | undefined;
  finishedAt: number;
}

export interface StaticOptions {
  /**
   * Serve `<file>.br` / `<file>.gz` beside a file with Content-Encoding when the browser accepts
   * it, as nginx's `gzip_static`/`brotli_static` and Caddy's `precompressed` do.
   */
  precompressed?: boolean;
}

export const serveStatic = async (root: string, options: StaticOptions = {}) => {
  const served: Served[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file) && fs.existsSync(`${file}.html`)) file = `${file}.html`;
    if (!fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
    const headers: Record<string, string> = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', vary: 'Accept-Encoding' };
    let body = file;
    if (options.precompressed) {
      const accepts = String(req.headers['accept-encoding'] ?? '');
      const twin = [['br', '.br'], ['gzip', '.gz']].find(([name, ext]) => accepts.includes(name!) && fs.existsSync(`${file}${ext}`));
      if (twin) {
        body = `${file}${twin[1]}`;
        headers['content-encoding'] = twin[0]!;
      }
    }
    headers['content-length'] = String(fs.statSync(body).size);
    res.writeHead(200, headers);
    const record: Served = { url: url.pathname, bytes: 0, encoding: headers['content-encoding'], finishedAt: 0 };
    served.push(record);
    const stream = fs.createReadStream(body);
    stream.on('data', (chunk) => { record.bytes += chunk.length; });
    res.on('finish', () => { record.finishedAt = Date.now(); });
    stream.pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Every response so far (clear it with `served.length = 0`). */
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
