/**
 * Incremental rebuilds: a run with nothing changed does no work; a run after one extract changed
 * reloads it (and the extracts whose checks read it), rebuilds only the models depending on them,
 * and publishes exactly the marts a full rebuild of the same extracts gives.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { settingsSchema } from '../pipelines/config.js';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { runPipeline, type PipelineResult } from '../pipelines/pipeline.js';
import { silentReporter } from '../pipelines/progress.js';
import { generateSample } from '../pipelines/sample/generate.js';
import { tempDir } from './helpers/load.js';

const AS_OF = '2026-11-22';
let extracts: string;

// One thread: sums of doubles then add up in the same order in every run, so marts compare exactly.
const settingsFor = (dataDir: string) => settingsSchema.parse({ dataDir, siteDir: path.join(dataDir, 'site'), referenceDay: AS_OF, threads: 1 });
const build = (dataDir: string, full = false) =>
  runPipeline({ settings: settingsFor(dataDir), reporter: silentReporter(), extracts, site: false, full });

/**
 * Rows of every mart that differ between two databases (both directions), by mart. `loaded_at`
 * (when an extract was loaded) is left out: a kept extract rightly keeps its first load time.
 */
const martDifferences = async (a: string, b: string) => {
  const db = await openDatabase(':memory:');
  try {
    await db.exec(`ATTACH '${a}' AS a (READ_ONLY); ATTACH '${b}' AS b (READ_ONLY)`);
    const marts = await db.query<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE database_name = 'a' AND schema_name = 'marts' ORDER BY 1`);
    const differences: Record<string, number> = {};
    for (const { name } of marts) {
      const columns = await db.query<{ c: string }>(`SELECT column_name AS c FROM duckdb_columns()
        WHERE database_name = 'a' AND schema_name = 'marts' AND table_name = '${name}' AND column_name <> 'loaded_at' ORDER BY column_index`);
      const list = columns.map(({ c }) => `"${c}"`).join(', ');
      const [d] = await db.query<{ n: number }>(`SELECT
        (SELECT count(*) FROM (SELECT ${list} FROM a.marts."${name}" EXCEPT ALL SELECT ${list} FROM b.marts."${name}"))
        + (SELECT count(*) FROM (SELECT ${list} FROM b.marts."${name}" EXCEPT ALL SELECT ${list} FROM a.marts."${name}")) AS n`);
      if (d!.n > 0) differences[name] = d!.n;
    }
    return { marts: marts.length, differences };
  } finally {
    db.close();
  }
};

const query = async <T extends Record<string, unknown>>(file: string, sql: string) => {
  const db = await openDatabase(file, { readOnly: true });
  try {
    return await db.query<T>(sql);
  } finally {
    db.close();
  }
};

/** Rewrites one cell of a CSV extract (row `line`, 1 = header, column `column`). */
const editCsv = (file: string, line: number, column: string, value: string) => {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const header = lines[0]!.split(',');
  const cells = lines[line - 1]!.split(',');
  cells[header.indexOf(column)] = value;
  lines[line - 1] = cells.join(',');
  fs.writeFileSync(file, lines.join('\n'));
};

describe('incremental rebuilds', () => {
  const incremental = tempDir('bi-incremental-');
  let first: PipelineResult;

  beforeAll(async () => {
    extracts = path.join(tempDir('bi-incremental-extracts-'), 'company');
    await generateSample({ outDir: extracts, scale: 0.5, seed: 7, threads: 1 });
    first = await build(incremental);
  }, 300_000);

  it('does no work when nothing changed', async () => {
    const published = fs.statSync(first.databasePath).mtimeMs;
    const again = await build(incremental);
    expect(again.upToDate).toBe(true);
    expect(again.loads).toEqual([]);
    expect(again.models).toEqual([]);
    expect(fs.statSync(first.databasePath).mtimeMs).toBe(published);
  }, 60_000);

  it('after one extract changed, reloads it alone and rebuilds only its dependants, matching a full rebuild', async () => {
    const before = await query<{ amount: number }>(first.databasePath, 'SELECT sum(amount) AS amount FROM raw.marketing_spend');
    editCsv(path.join(extracts, 'marketing_spend.csv'), 2, 'amount', '123456.78');
    const again = await build(incremental);
    expect(again.upToDate).toBe(false);
    expect([...again.plan.reload]).toEqual(['marketing_spend']);
    expect(again.loads.filter((l) => l.seconds > 0).map((l) => l.extract)).toEqual(['marketing_spend']);
    const rebuilt = again.models.filter((m) => !m.reused).map((m) => m.model);
    expect(rebuilt).toContain('staging.stg_marketing_spend');
    expect(rebuilt).toContain('marts.cac_by_segment');
    expect(rebuilt).not.toContain('marts.revenue_and_margin');
    expect(rebuilt.length).toBeLessThan(again.models.length / 4);
    const after = await query<{ amount: number }>(again.databasePath, 'SELECT sum(amount) AS amount FROM raw.marketing_spend');
    expect(after[0]!.amount).not.toBe(before[0]!.amount);

    const full = tempDir('bi-incremental-full-');
    const reference = await build(full, true);
    expect(reference.plan.reusePublished).toBe(false);
    const compared = await martDifferences(again.databasePath, reference.databasePath);
    expect(compared.marts).toBeGreaterThan(40);
    expect(compared.differences).toEqual({});
    const reconciliation = 'SELECT check_name, status, model_figure, billing_figure, difference, detail FROM marts.reconciliation ORDER BY check_name';
    expect(await query(again.databasePath, reconciliation)).toEqual(await query(reference.databasePath, reconciliation));
    expect(await query(again.databasePath, 'SELECT extract, rows_read, rows_loaded, rows_rejected FROM audit.load_summary ORDER BY extract'))
      .toEqual(await query(reference.databasePath, 'SELECT extract, rows_read, rows_loaded, rows_rejected FROM audit.load_summary ORDER BY extract'));
  }, 300_000);

  it('re-checks the extracts that reference a changed one: an account removed rejects its deals, as a full rebuild does', async () => {
    // Drop the last account: its contacts, leads, deals… now reference nothing and are rejected.
    const file = path.join(extracts, 'accounts.csv');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
    const again = await build(incremental);
    expect(again.plan.reload.has('accounts')).toBe(true);
    expect(again.plan.reload.has('opportunities')).toBe(true);
    expect(again.plan.reload.has('marketing_spend')).toBe(false);

    const full = tempDir('bi-incremental-full-');
    const reference = await build(full, true);
    const rejects = 'SELECT extract, source_file, row_number, column_name, reason FROM audit.rejects ORDER BY ALL';
    const referenceRejects = await query(reference.databasePath, rejects);
    expect(referenceRejects.length).toBeGreaterThan(0);
    expect(await query(again.databasePath, rejects)).toEqual(referenceRejects);
    expect((await martDifferences(again.databasePath, reference.databasePath)).differences).toEqual({});
  }, 300_000);
});
