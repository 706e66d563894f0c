/**
 * `tsx pipelines/bench/source-growth.ts NAME=DB.duckdb [NAME=DB.duckdb …]`
 *
 * Why: the published site must grow with the company's dimensions (sellers, accounts, months),
 * not with its rows of activity. This runs every report source (`sources/warehouse/*.sql`, the
 * queries Evidence writes to the site's data files) on built databases of different sizes (e.g. the
 * sample and the benchmark's presets) and prints, per source, its rows and Parquet bytes on each,
 * their growth from the first to the last, and the pages that read it — a markdown table for
 * BENCHMARKS.md. Read only: the databases are attached read-only and nothing is written but a
 * temporary Parquet file per query.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.js';
import { literal, openDatabase } from '../db/duckdb.js';

const targets = process.argv.slice(2).map((arg) => {
  const [name, file] = arg.split('=');
  if (!name || !file) throw new Error(`expected NAME=DB.duckdb, got "${arg}"`);
  return { name, file: path.resolve(file) };
});
if (targets.length === 0) {
  console.error('usage: tsx pipelines/bench/source-growth.ts NAME=DB.duckdb [NAME=DB.duckdb …]');
  process.exit(2);
}

const sourcesDir = path.join(PROJECT_ROOT, 'sources', 'warehouse');
const pagesDir = path.join(PROJECT_ROOT, 'reports');
const sources = fs.readdirSync(sourcesDir).filter((f) => f.endsWith('.sql')).sort().map((f) => f.replace(/\.sql$/, ''));
const pages = fs.existsSync(pagesDir)
  ? fs.readdirSync(pagesDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => path.join(e.parentPath, e.name))
  : [];
const pageText = new Map(pages.map((p) => [path.relative(pagesDir, p), fs.readFileSync(p, 'utf8')]));
const readers = (source: string) => [...pageText].filter(([, text]) => new RegExp(`warehouse\\.${source}\\b`).test(text)).map(([p]) => p);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'source-growth-'));
const measured = new Map<string, { rows: number; bytes: number }[]>();
for (const target of targets) {
  // Each database on its own in-memory engine, attached read-only and used as the default catalog
  // so that the sources' `marts.x` names resolve as in Evidence.
  const db = await openDatabase(':memory:');
  await db.exec(`ATTACH ${literal(target.file)} AS warehouse (READ_ONLY); USE warehouse;`);
  for (const source of sources) {
    const sql = fs.readFileSync(path.join(sourcesDir, `${source}.sql`), 'utf8').trim().replace(/;\s*$/, '');
    const out = path.join(scratch, `${source}.parquet`);
    await db.exec(`COPY (${sql}) TO ${literal(out)} (FORMAT parquet)`);
    const [count] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM read_parquet(${literal(out)})`);
    measured.set(source, [...(measured.get(source) ?? []), { rows: count?.n ?? 0, bytes: fs.statSync(out).size }]);
  }
  db.close();
}
fs.rmSync(scratch, { recursive: true, force: true });

const first = targets[0]!.name;
const last = targets[targets.length - 1]!.name;
const header = ['source', ...targets.map((t) => `rows ${t.name}`), ...(targets.length > 1 ? [`rows ${last} / ${first}`] : []),
  ...targets.map((t) => `KiB ${t.name}`), 'pages reading it'];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
let totals = targets.map(() => 0);
for (const source of sources) {
  const m = measured.get(source)!;
  totals = totals.map((t, i) => t + m[i]!.bytes);
  const growth = targets.length > 1 && m[0]!.rows ? `${(m[m.length - 1]!.rows / m[0]!.rows).toFixed(2)}×` : '—';
  const reading = readers(source);
  console.log(`| ${[source, ...m.map((x) => x.rows.toLocaleString('en')), ...(targets.length > 1 ? [growth] : []),
    ...m.map((x) => (x.bytes / 1024).toFixed(1)), reading.length > 3 ? `${reading.length} pages` : reading.join(', ') || '—'].join(' | ')} |`);
}
console.log(`\nParquet bytes of all sources: ${targets.map((t, i) => `${t.name} ${(totals[i]! / 1024 ** 2).toFixed(2)} MiB`).join(', ')}.`);
