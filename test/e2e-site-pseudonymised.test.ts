/**
 * `--pseudonymise-sellers` publishes a site from which no seller can be identified: the sample
 * company (20 sellers, three teams each with one manager and one SDR — six sellers alone in their
 * team and role) is built into a pseudonymised site, and every file of it — prerendered pages,
 * JSON, the Parquet data files and their Arrow twins, read back cell by cell — is searched for
 * every seller id and name of the input; the team × role pairs seller rows carry must each be
 * shared by at least 3 sellers, and the seller pages are named by pseudonym.
 *
 * One site build serves every check (a few minutes: Evidence bundles the site with Vite).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { literal, openDatabase } from '../pipelines/db/duckdb.js';
import { siteWorkDir } from '../pipelines/site/build-site.js';
import { tempDir } from './helpers/load.js';
import { checkPseudonymLabels } from './helpers/pseudonym-labels.js';
import { sitePages } from './helpers/site-browser.js';

const run = promisify(execFile);
const K = 3;

let dataDir: string;
let siteDir: string;
let buildOutput: string;
let sellers: { seller_id: string; seller_name: string; team: string; role: string }[];
let files: string[];

beforeAll(async () => {
  dataDir = tempDir('bi-e2e-pseudo-');
  siteDir = path.join(dataDir, 'site');
  const result = await run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/cli.ts'), 'build', '--pseudonymise-sellers', '--as-of', '2026-11-22'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BI_DATA_DIR: dataDir, BI_SITE_DIR: siteDir },
    maxBuffer: 64 * 1024 * 1024,
  });
  buildOutput = result.stdout;
  // The published database keeps the real sellers: the input the site must not reveal.
  const db = await openDatabase(path.join(dataDir, 'warehouse.duckdb'), { readOnly: true });
  try {
    sellers = await db.query('SELECT seller_id, seller_name, team, role FROM raw.sellers ORDER BY seller_id');
  } finally {
    db.close();
  }
  files = fs.readdirSync(siteDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}, 900_000);

afterAll(() => {
  if (dataDir) fs.rmSync(siteWorkDir(dataDir), { recursive: true, force: true });
});

/** Every text cell of an Arrow IPC file (strings of every column, dictionary-encoded or not). */
const arrowStrings = (file: string): string[] => {
  const table = tableFromIPC(fs.readFileSync(file));
  const out: string[] = [];
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name);
    if (!column || !/Utf8|Dictionary/.test(String(field.type))) continue;
    for (const v of column) if (typeof v === 'string') out.push(v);
  }
  return out;
};

describe('npm run build -- --pseudonymise-sellers', () => {
  it('the input has sellers alone in their team and role (what a pseudonym alone would leave identifiable)', () => {
    expect(sellers.length).toBe(20);
    const sizes = new Map<string, number>();
    for (const s of sellers) sizes.set(`${s.team}|${s.role}`, (sizes.get(`${s.team}|${s.role}`) ?? 0) + 1);
    expect([...sizes.values()].filter((n) => n === 1).length).toBe(6);
    expect(buildOutput).toMatch(/Published .* and the site/);
  });

  it('no file of the site holds a seller id or a seller name, not even inside its data files', async () => {
    const ids = new RegExp(`\\b(${sellers.map((s) => s.seller_id).join('|')})\\b`);
    const names = sellers.map((s) => s.seller_name);
    const leaks: string[] = [];
    const check = (where: string, text: string) => {
      const id = ids.exec(text);
      if (id) leaks.push(`${where}: seller id ${id[0]}`);
      for (const name of names) if (text.includes(name)) leaks.push(`${where}: seller name ${name}`);
    };
    for (const file of files) {
      const where = path.relative(siteDir, file);
      check(`file name ${where}`, where);
      if (/\.(html|json|txt|csv)$/.test(file)) check(where, fs.readFileSync(file, 'utf8'));
    }
    // Data files are compressed or binary: read them back and search every cell.
    const parquets = files.filter((f) => f.endsWith('.parquet'));
    const arrows = files.filter((f) => f.endsWith('.arrow'));
    expect(parquets.length).toBeGreaterThan(20);
    expect(arrows.length).toBeGreaterThanOrEqual(parquets.length);
    const db = await openDatabase(':memory:');
    let pseudonymsSeen = 0;
    try {
      for (const file of parquets) {
        const [row] = await db.query<{ v: string | null }>(`SELECT string_agg(CAST(t AS VARCHAR), '\n') AS v FROM read_parquet(${literal(file)}) t`);
        check(path.relative(siteDir, file), row?.v ?? '');
      }
    } finally {
      db.close();
    }
    for (const file of arrows) {
      const text = arrowStrings(file).join('\n');
      if (text.includes('Vendeur ')) pseudonymsSeen++;
      check(path.relative(siteDir, file), text);
    }
    expect(leaks).toEqual([]);
    // The search read real content: the pseudonyms are in the data files.
    expect(pseudonymsSeen).toBeGreaterThan(5);
  });

  it(`every team × role shown beside a seller is shared by at least ${K} sellers, and is that seller's in every data file`, async () => {
    const { groups, problems, checked } = await checkPseudonymLabels(siteDir, files, K);
    expect(groups.reduce((n, g) => n + g.n, 0)).toBe(20);
    expect(problems).toEqual([]);
    // Seller-level data files (revenue, quotas, pipeline, performance, pay…) were among those checked.
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('seller pages are named by pseudonym, and show pseudonyms', () => {
    const pages = sitePages(siteDir).filter((p) => p.startsWith('/sellers/'));
    expect(pages).toHaveLength(20);
    for (const page of pages) expect(page).toMatch(/^\/sellers\/vendeur-\d{2}$/);
    const index = fs.readFileSync(path.join(siteDir, fs.existsSync(path.join(siteDir, 'sellers.html')) ? 'sellers.html' : 'sellers/index.html'), 'utf8');
    expect(index.match(/Vendeur \d{2}/g)?.length ?? 0).toBeGreaterThan(20);
  });
});
