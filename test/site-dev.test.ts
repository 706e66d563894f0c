/**
 * `npm run dev`, as a page author uses it: the site's Evidence project served live against a
 * published database (a small company's, built with no site), read in an offline Chromium; a page
 * edited on disk shows its change in the open browser without a reload.
 *
 * The project served is a copy of site/ (the author's edit must not reach the other tests' builds).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../pipelines/build.js';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { SITE_PROJECT } from '../pipelines/site/project.js';
import { writeCompany } from './helpers/csv.js';
import { AS_OF, tempDir } from './helpers/load.js';
import { company, MODELS_DIR } from './helpers/models.js';
import { launchBrowser, openOffline } from './helpers/site-browser.js';

let dataDir: string;
let project: string;
let server: ChildProcess | undefined;
let output = '';
let port: number;
let browser: Browser;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(p));
    });
    probe.on('error', reject);
  });

beforeAll(async () => {
  dataDir = tempDir('bi-dev-');
  const extracts = path.join(dataDir, 'extracts');
  fs.mkdirSync(extracts);
  writeCompany(extracts, company());
  await build({
    settings: { dataDir, siteDir: path.join(dataDir, 'site'), referenceDay: AS_OF },
    extractsDir: extracts,
    reporter: silentReporter(),
    afterLoad: async (db) => { await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter() }); },
  });
  // Inside the repository, as site/ is: Evidence's Vite serves the packages of the node_modules above it.
  fs.mkdirSync(path.join(PROJECT_ROOT, '.site-work'), { recursive: true });
  project = fs.mkdtempSync(path.join(PROJECT_ROOT, '.site-work', 'dev-test-'));
  fs.cpSync(SITE_PROJECT, project, { recursive: true, filter: (source) => !/[\\/](\.evidence|node_modules|build)$/.test(source) });
  port = await freePort();
  server = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/site/dev.ts'), '--project', project, '--port', String(port)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BI_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  server.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  server.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const started = Date.now();
  // Vite colours its output when CI is set (picocolors): read it without the colour codes.
  const plain = () => output.replace(/\x1b\[[0-9;]*m/g, '');
  while (!/Local:\s+http:\/\/127\.0\.0\.1:\d+/.test(plain())) {
    if (server.exitCode !== null) throw new Error(`npm run dev stopped:\n${output}`);
    if (Date.now() - started > 600_000) throw new Error(`npm run dev did not start in 10 minutes:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (project) fs.rmSync(project, { recursive: true, force: true });
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run dev', () => {
  it('runs the report sources against the published database, then serves the project', () => {
    expect(output).toMatch(/▸ report sources from .*warehouse\.duckdb/);
    expect(output).toMatch(/\d+ report source\(s\) ready/);
  });

  it('shows a page from the published data offline, and an edit of the page live, without a reload', async () => {
    const { page, problems, blocked } = await openOffline(browser, `http://127.0.0.1:${port}`, '/revenue', { waitUntil: 'load', timeout: 300_000 });
    try {
      // Vite compiles the page on its first visit: a dev server's first page takes its time.
      await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 180_000 });
      const title = (await page.getByRole('heading', { level: 1 }).first().innerText()).trim();
      expect(title.length).toBeGreaterThan(0);
      // A figure of the published database, formatted in French (a euro amount).
      await page.waitForFunction(() => /\d[\d\u202f\u00a0 ]*(,\d+)?\s?(€|k€|M€)/.test(document.body.innerText), undefined, { timeout: 120_000 });
      // Marks the document: a reload would lose it.
      await page.evaluate(() => { (window as unknown as { notReloaded: boolean }).notReloaded = true; });
      const token = `Modifié en direct ${Date.now()}`;
      const file = path.join(project, 'pages', 'revenue.md');
      fs.appendFileSync(file, `\n\n## ${token}\n`);
      await page.getByText(token).waitFor({ timeout: 120_000 });
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(blocked).toEqual([]);
      expect(problems.filter((p) => !/\[vite\]|HMR/i.test(p))).toEqual([]);
    } finally {
      await page.close();
    }
  }, 600_000);
});
