/**
 * The pipeline's history (history.*) across releases: an --as-of build seeds it with a snapshot
 * dated that day, each build adds its own, a rebuild of the same data adds nothing, a build killed
 * before publishing leaves the published history as it was, a corrected export of the same day
 * replaces that day's snapshot, and --full carries the history over without duplicating it.
 *
 * The fixture company plus two open deals: H1 (5 000 €, created 01/06/2026) and H2 (8 000 €,
 * created 20/09/2026). As of 15/09/2026 only H1 is open: 1 deal, 5 000 €; on the reference day
 * 30/09/2026 both are: 2 deals, 13 000 €. The corrected export gives H2 9 000 €: 14 000 €.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../pipelines/build.js';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { carryHistory, createHistoryTables } from '../pipelines/history/snapshots.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { writeCompany } from './helpers/csv.js';
import { AS_OF, tempDir } from './helpers/load.js';
import { company, MODELS_DIR } from './helpers/models.js';
import { stubSite } from './helpers/publish.js';

const openDeal = (id: string, amount: number, created: string) => ({
  opportunity_id: id, account_id: 'A1', lead_id: null, owner_seller_id: 'S2', product_line: 'Logiciel', amount, origin: 'sales',
  created_at: created, closed_at: null, stage: 'proposal', loss_reason: null,
});

const extractsWith = (h2Amount: number) => {
  const dir = tempDir('bi-history-extracts-');
  const c = company();
  c.opportunities!.push(openDeal('H1', 5000, '2026-06-01'), openDeal('H2', h2Amount, '2026-09-20'));
  writeCompany(dir, c);
  return dir;
};

type Dirs = { dataDir: string; siteDir: string };

const buildOnce = (dirs: Dirs, extractsDir: string, options: { asOf?: string; full?: boolean } = {}) => build({
  settings: { ...dirs, referenceDay: AS_OF, ...(options.asOf ? { asOf: options.asOf } : {}) },
  extractsDir,
  reporter: silentReporter(),
  incremental: !options.full,
  afterLoad: async (db, { snapshotDay }) => { await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter(), snapshotDay }); },
  beforePublish: async () => stubSite('history'),
});

/** The published history: one row per snapshot, and the deal rows per snapshot. */
const publishedHistory = async (dataDir: string) => {
  const db = await openDatabase(path.join(dataDir, 'warehouse.duckdb'), { readOnly: true });
  try {
    const snapshots = await db.query(`SELECT CAST(snapshot_day AS VARCHAR) AS day, fingerprint, CAST(recorded_at AS VARCHAR) AS recorded_at,
      CAST(open_deals AS INTEGER) AS open_deals, pipeline_amount FROM history.snapshots ORDER BY snapshot_day`);
    const deals = await db.query(`SELECT CAST(snapshot_day AS VARCHAR) AS day, opportunity_id, amount FROM history.pipeline_deals ORDER BY ALL`);
    return { snapshots, deals };
  } finally {
    db.close();
  }
};

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 120_000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the pipeline history across releases', () => {
  it('is seeded by --as-of, grows by one snapshot per day of data, and survives a rebuild, a killed build and --full without duplicates', async () => {
    const dataDir = tempDir('bi-history-');
    const dirs = { dataDir, siteDir: path.join(dataDir, 'www', 'site') };
    const original = extractsWith(8000);

    // An --as-of build of the export seeds the history with the company as it stood on 15/09.
    await buildOnce(dirs, original, { asOf: '2026-09-15' });
    let history = await publishedHistory(dataDir);
    expect(history.snapshots.map((s) => [s.day, s.open_deals, s.pipeline_amount])).toEqual([['2026-09-15', 1, 5000]]);
    expect(history.deals).toEqual([{ day: '2026-09-15', opportunity_id: 'H1', amount: 5000 }]);

    // The same export on its reference day adds the snapshot of 30/09.
    await buildOnce(dirs, original);
    history = await publishedHistory(dataDir);
    expect(history.snapshots.map((s) => [s.day, s.open_deals, s.pipeline_amount])).toEqual([['2026-09-15', 1, 5000], ['2026-09-30', 2, 13000]]);
    const afterTwo = history;

    // A rebuild of the same data adds nothing (the run is up to date).
    expect((await buildOnce(dirs, original)).upToDate).toBe(true);
    expect(await publishedHistory(dataDir)).toEqual(afterTwo);

    // A corrected export (H2 at 9 000 €) built by a run killed during its site step: nothing published.
    const corrected = extractsWith(9000);
    const marker = path.join(tempDir('bi-marker-'), 'site-step');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/helpers/publish-child.ts'), corrected], {
      cwd: PROJECT_ROOT, stdio: 'ignore',
      env: { ...process.env, BI_DATA_DIR: dirs.dataDir, BI_SITE_DIR: dirs.siteDir, BI_REFERENCE_DAY: AS_OF, BI_AS_OF: '', PUBLISH_CHILD_HANG: marker },
    });
    const ended = new Promise((resolve) => child.on('close', resolve));
    await waitFor(() => fs.existsSync(marker), 'the child build to reach its site step');
    child.kill('SIGKILL');
    await ended;
    expect(await publishedHistory(dataDir)).toEqual(afterTwo);

    // The corrected export built to the end replaces the snapshot of 30/09: still two snapshots.
    await buildOnce(dirs, corrected);
    history = await publishedHistory(dataDir);
    expect(history.snapshots.map((s) => [s.day, s.open_deals, s.pipeline_amount])).toEqual([['2026-09-15', 1, 5000], ['2026-09-30', 2, 14000]]);
    expect(history.snapshots[1]!.fingerprint).not.toBe(afterTwo.snapshots[1]!.fingerprint);
    expect(history.snapshots[0]).toEqual(afterTwo.snapshots[0]);
    expect(history.deals).toEqual([
      { day: '2026-09-15', opportunity_id: 'H1', amount: 5000 },
      { day: '2026-09-30', opportunity_id: 'H1', amount: 5000 },
      { day: '2026-09-30', opportunity_id: 'H2', amount: 9000 },
    ]);
    const corrected30 = history;

    // --full starts from a fresh database: the history is carried over, and the same data adds nothing.
    const full = await buildOnce(dirs, corrected, { full: true });
    expect(full.upToDate).toBe(false);
    expect(full.plan.reusePublished).toBe(false);
    expect(await publishedHistory(dataDir)).toEqual(corrected30);

    // The published marts compare 30/09 with 15/09 (the latest snapshot at least a week older): H2 is new.
    const db = await openDatabase(path.join(dataDir, 'warehouse.duckdb'), { readOnly: true });
    try {
      expect(await db.query(`SELECT opportunity_id, movement, pipeline_bar_amount FROM marts.pipeline_movement_deals ORDER BY 1`)).toEqual([
        { opportunity_id: 'H1', movement: 'unchanged', pipeline_bar_amount: 0 },
        { opportunity_id: 'H2', movement: 'created', pipeline_bar_amount: 9000 },
      ]);
    } finally {
      db.close();
    }
  }, 600_000);
});

describe('carrying the history into a fresh database', () => {
  it('copies every snapshot of the published database, or says why it could not', async () => {
    const dir = tempDir('bi-history-carry-');
    const published = path.join(dir, 'published.duckdb');
    const source = await openDatabase(published);
    await createHistoryTables(source);
    await source.exec(`INSERT INTO history.snapshots (snapshot_day, fingerprint, open_deals, pipeline_amount) VALUES (DATE '2026-09-14', 'x', 1, 5000), (DATE '2026-09-21', 'y', 2, 13000);
      INSERT INTO history.pipeline_deals (snapshot_day, opportunity_id, amount) VALUES (DATE '2026-09-14', 'H1', 5000)`);
    source.close();
    const fresh = await openDatabase(':memory:');
    try {
      expect(await carryHistory(fresh, published)).toEqual({ carried: 2 });
      expect(await fresh.query(`SELECT opportunity_id, amount FROM history.pipeline_deals`)).toEqual([{ opportunity_id: 'H1', amount: 5000 }]);
      expect(await carryHistory(fresh, path.join(dir, 'none.duckdb'))).toEqual({ carried: 0, none: true });
      const garbage = path.join(dir, 'garbage.duckdb');
      fs.writeFileSync(garbage, 'not a database');
      const lost = await carryHistory(fresh, garbage);
      expect(lost).toMatchObject({ carried: 0 });
      expect('lost' in lost && lost.lost).toBeTruthy();
    } finally {
      fresh.close();
    }
  });
});
