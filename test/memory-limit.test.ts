/**
 * A build under a small DuckDB memory_limit: the limit reaches the run's database, DuckDB spills
 * into the run's own spill folder instead of failing, and the marts come out exactly as from an
 * unconstrained build of the same extracts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../pipelines/build.js';
import { databasePaths, type Settings } from '../pipelines/config.js';
import { openDatabase, type Database } from '../pipelines/db/duckdb.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { generateSample } from '../pipelines/sample/generate.js';
import { AS_OF, tempDir } from './helpers/load.js';
import { MODELS_DIR } from './helpers/models.js';

let root: string;
let extracts: string;

beforeAll(async () => {
  root = tempDir('bi-memory-');
  extracts = path.join(root, 'extracts');
  await generateSample({ outDir: extracts, scale: 0.3, seed: 42, threads: 2 });
}, 60_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Observed {
  settings: { memory_limit: string; threads: number; temp_directory: string };
  /** DuckDB's temporary files while a table larger than the limit is held. */
  spilled: { path: string; size: number }[];
}

const buildWith = async (name: string, limits: Pick<Settings, 'memoryLimit' | 'threads'>) => {
  const settings: Settings = { dataDir: path.join(root, name), siteDir: path.join(root, name, 'site'), referenceDay: AS_OF, ...limits };
  let observed: Observed | undefined;
  const result = await build({
    settings,
    extractsDir: extracts,
    reporter: silentReporter(),
    incremental: false,
    afterLoad: async (db) => {
      await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter() });
      const [current] = await db.query<Observed['settings']>(
        `SELECT current_setting('memory_limit') AS memory_limit, current_setting('threads') AS threads, current_setting('temp_directory') AS temp_directory`);
      // A temporary table of ~300 MB cannot stay in 200 MB of memory: DuckDB must write it out.
      await db.exec(`CREATE TEMP TABLE spill_probe AS SELECT range AS i, repeat(md5(CAST(range AS VARCHAR)), 2) AS h FROM range(3000000)`);
      const spilled = await db.query<{ path: string; size: number }>('SELECT path, size FROM duckdb_temporary_files()');
      await db.exec('DROP TABLE spill_probe');
      observed = { settings: current!, spilled };
    },
  });
  return { result, observed: observed!, spillDir: databasePaths(settings).spill };
};

/** Row count of every mart, and the reconciliation figures row for row. */
const marts = async (file: string) => {
  const db: Database = await openDatabase(file, { readOnly: true });
  try {
    const tables = await db.query<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1`);
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = (await db.query<{ n: number }>(`SELECT count(*) AS n FROM marts.${name}`))[0]!.n;
    const reconciliation = await db.query('SELECT * FROM marts.reconciliation ORDER BY ALL');
    const raw = await db.query(`SELECT extract, rows_loaded, rows_rejected FROM audit.load_summary ORDER BY extract`);
    return { counts, reconciliation, raw };
  } finally {
    db.close();
  }
};

describe('memory limit', () => {
  it('a build under memory_limit 200MB on one thread finishes with the same marts as an unconstrained build, spilling into the run folder', async () => {
    const constrained = await buildWith('limited', { memoryLimit: '200MB', threads: 1 });
    // DuckDB reports the limit in binary units: 200 MB = 190.7 MiB.
    expect(constrained.observed.settings).toEqual({ memory_limit: '190.7 MiB', threads: 1, temp_directory: constrained.spillDir });
    expect(constrained.observed.spilled.length).toBeGreaterThan(0);
    for (const file of constrained.observed.spilled) expect(file.path.startsWith(constrained.spillDir + path.sep)).toBe(true);
    expect(constrained.observed.spilled.reduce((sum, f) => sum + f.size, 0)).toBeGreaterThan(0);
    // The run's spill folder is removed with the run.
    expect(fs.existsSync(constrained.spillDir)).toBe(false);

    const unconstrained = await buildWith('unlimited', { threads: 2 });
    expect(unconstrained.observed.settings.memory_limit).not.toBe('190.7 MiB');

    const limited = await marts(constrained.result.databasePath);
    const free = await marts(unconstrained.result.databasePath);
    expect(Object.keys(limited.counts).length).toBeGreaterThan(30);
    expect(limited.counts).toEqual(free.counts);
    expect(limited.reconciliation).toEqual(free.reconciliation);
    expect(limited.raw).toEqual(free.raw);
    expect(limited.raw.find((r) => r.extract === 'activities')?.rows_loaded).toBeGreaterThan(50_000);
  }, 120_000);
});
