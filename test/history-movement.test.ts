/**
 * Week over week (issue 28): two snapshots of the pipeline a week apart, written by hand into
 * history.* (so that the movement is tested whatever computes the expected close dates), over the
 * fixture company whose extracts say how the deals that left the pipeline ended. Every bar of the
 * waterfall is worked out below, by hand.
 *
 * Calendar-year fiscal quarters; previous snapshot Monday 31/08/2026, current Monday 07/09/2026:
 * the quarter in view is T3 FY2026 (01/07 → 30/09/2026).
 *
 *   deal  31/08: amount, expected close          07/09: amount, expected close      outcome in the extracts
 *   W1    20 000  15/09 (T3)                     —                                  won 03/09
 *   L1     7 500  20/09 (T3)                     —                                  lost 04/09
 *   P1    12 000  25/09 (T3)                     12 000  20/10 (T4)                 open: pushed
 *   R1    10 000  30/09 (T3)                     13 500  30/09 (T3)                 open: resized +3 500
 *   U1     4 000  10/09 (T3)                      4 000  10/09 (T3)                 open: unchanged
 *   N1     9 000  15/11 (T4)                      9 000  28/09 (T3)                 open: pulled in
 *   X1     6 000  01/12 (T4)                      6 000  01/12 (T4)                 open: unchanged, outside T3
 *   C1     —                                     15 000  29/09 (T3)                 created 02/09
 *
 * Quarter T3: start = W1 + L1 + P1 + R1 + U1 = 20 000 + 7 500 + 12 000 + 10 000 + 4 000 = 53 500;
 *   created +15 000 (C1), pulled in +9 000 (N1), pushed −12 000 (P1), won −20 000 (W1),
 *   lost −7 500 (L1), resized +3 500 (R1 13 500 − 10 000);
 *   end = C1 + R1 + U1 + N1 = 15 000 + 13 500 + 4 000 + 9 000 = 41 500
 *   (53 500 + 15 000 + 9 000 − 12 000 − 20 000 − 7 500 + 3 500 = 41 500).
 * Whole pipeline: start = 53 500 + N1 9 000 + X1 6 000 = 68 500; created +15 000, won −20 000,
 *   lost −7 500, resized +3 500; end = 15 000 + 12 000 + 13 500 + 4 000 + 9 000 + 6 000 = 59 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistoryTables } from '../pipelines/history/snapshots.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { writeCompany } from './helpers/csv.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';
import { calendarYearSettings, company, MODELS_DIR } from './helpers/models.js';

const opportunity = (id: string, amount: number, created: string, stage: string, closed: string | null) => ({
  opportunity_id: id, account_id: 'A1', lead_id: null, owner_seller_id: 'S2', product_line: 'Logiciel', amount, origin: 'sales',
  created_at: created, closed_at: closed, stage, loss_reason: stage === 'lost' ? 'prix' : null,
});

/** The company as exported on 07/09/2026: W1 won, L1 lost, C1 new, the others open. */
const movingCompany = () => {
  const c = company();
  c.opportunities!.push(
    opportunity('W1', 20000, '2026-06-01', 'won', '2026-09-03'),
    opportunity('L1', 7500, '2026-06-10', 'lost', '2026-09-04'),
    opportunity('P1', 12000, '2026-07-01', 'proposal', null),
    opportunity('R1', 13500, '2026-07-05', 'negotiation', null),
    opportunity('U1', 4000, '2026-07-10', 'qualified', null),
    opportunity('N1', 9000, '2026-07-15', 'proposal', null),
    opportunity('X1', 6000, '2026-08-01', 'qualified', null),
    opportunity('C1', 15000, '2026-09-02', 'qualified', null),
  );
  return c;
};

// Snapshot rows: deal, amount, expected close, stage.
const BEFORE: [string, number, string, string][] = [
  ['W1', 20000, '2026-09-15', 'negotiation'], ['L1', 7500, '2026-09-20', 'proposal'], ['P1', 12000, '2026-09-25', 'proposal'],
  ['R1', 10000, '2026-09-30', 'proposal'], ['U1', 4000, '2026-09-10', 'qualified'], ['N1', 9000, '2026-11-15', 'qualified'],
  ['X1', 6000, '2026-12-01', 'qualified'],
];
const AFTER: [string, number, string, string][] = [
  ['P1', 12000, '2026-10-20', 'proposal'], ['R1', 13500, '2026-09-30', 'negotiation'], ['U1', 4000, '2026-09-10', 'qualified'],
  ['N1', 9000, '2026-09-28', 'proposal'], ['X1', 6000, '2026-12-01', 'qualified'], ['C1', 15000, '2026-09-29', 'qualified'],
];

const snapshotRows = (day: string, rows: [string, number, string, string][]) => rows.map(([id, amount, close, stage]) =>
  `(DATE '${day}', '${id}', 'Affaire ${id}', 'A1', 'Acier du Nord', 'S2', 'Or', '${stage}', ${amount}, NULL, DATE '${close}', 'crm', NULL, NULL)`).join(', ');

let loaded: Loaded;

beforeAll(async () => {
  const dir = tempDir();
  writeCompany(dir, movingCompany());
  loaded = await loadFolder(dir);
  const { db } = loaded;
  await createHistoryTables(db);
  await db.exec(`INSERT INTO history.pipeline_deals VALUES ${snapshotRows('2026-08-31', BEFORE)}, ${snapshotRows('2026-09-07', AFTER)}`);
  await db.exec(`INSERT INTO history.snapshots (snapshot_day, fingerprint, open_deals, pipeline_amount)
    VALUES (DATE '2026-08-31', 'a', 7, 68500), (DATE '2026-09-07', 'b', 6, 59500)`);
  await db.exec(`INSERT INTO history.build_snapshot VALUES (DATE '2026-09-07')`);
  // No snapshotDay: the models read the history written above, as a build over this data would after its own snapshot.
  await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter(), settingsFile: calendarYearSettings() });
}, 120_000);

afterAll(() => loaded?.db.close());

const waterfall = (scope: string) => loaded.db.query<{ bar: string; amount: number; deals: number; running_before: number; running_after: number }>(
  `SELECT bar, amount, CAST(deals AS INTEGER) AS deals, running_before, running_after FROM marts.pipeline_movement WHERE scope = '${scope}' ORDER BY bar_order`);

describe('week over week: the pipeline waterfall between two snapshots', () => {
  it('compares this build\'s snapshot with the one a week before, for the quarter T3 FY2026', async () => {
    const [pair] = await loaded.db.query(`SELECT CAST(current_day AS VARCHAR) AS current_day, CAST(previous_day AS VARCHAR) AS previous_day, quarter_label FROM intermediate.int_history_snapshot_pair`);
    expect(pair).toEqual({ current_day: '2026-09-07', previous_day: '2026-08-31', quarter_label: 'T3 FY2026' });
  });

  it('gives each deal its movement and its signed part of the quarter\'s waterfall', async () => {
    const deals = await loaded.db.query(`SELECT opportunity_id, movement, quarter_bar, quarter_bar_amount, pipeline_bar, pipeline_bar_amount
      FROM marts.pipeline_movement_deals ORDER BY opportunity_id`);
    expect(deals).toEqual([
      { opportunity_id: 'C1', movement: 'created', quarter_bar: 'created', quarter_bar_amount: 15000, pipeline_bar: 'created', pipeline_bar_amount: 15000 },
      { opportunity_id: 'L1', movement: 'lost', quarter_bar: 'lost', quarter_bar_amount: -7500, pipeline_bar: 'lost', pipeline_bar_amount: -7500 },
      { opportunity_id: 'N1', movement: 'pulled_in', quarter_bar: 'pulled_in', quarter_bar_amount: 9000, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'P1', movement: 'pushed', quarter_bar: 'pushed', quarter_bar_amount: -12000, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'R1', movement: 'resized', quarter_bar: 'resized', quarter_bar_amount: 3500, pipeline_bar: 'resized', pipeline_bar_amount: 3500 },
      { opportunity_id: 'U1', movement: 'unchanged', quarter_bar: null, quarter_bar_amount: 0, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'W1', movement: 'won', quarter_bar: 'won', quarter_bar_amount: -20000, pipeline_bar: 'won', pipeline_bar_amount: -20000 },
      { opportunity_id: 'X1', movement: 'unchanged', quarter_bar: null, quarter_bar_amount: 0, pipeline_bar: null, pipeline_bar_amount: 0 },
    ]);
    const [p1] = await loaded.db.query(`SELECT close_quarter_before, close_quarter_after, team FROM marts.pipeline_movement_deals WHERE opportunity_id = 'P1'`);
    expect(p1).toEqual({ close_quarter_before: 'T3 FY2026', close_quarter_after: 'T4 FY2026', team: 'Paris' });
  });

  it('the quarter\'s waterfall: 53 500 € → 41 500 €, every bar worked out by hand', async () => {
    expect(await waterfall('quarter')).toEqual([
      { bar: 'start', amount: 53500, deals: 5, running_before: 0, running_after: 53500 },
      { bar: 'created', amount: 15000, deals: 1, running_before: 53500, running_after: 68500 },
      { bar: 'reentered', amount: 0, deals: 0, running_before: 68500, running_after: 68500 },
      { bar: 'pulled_in', amount: 9000, deals: 1, running_before: 68500, running_after: 77500 },
      { bar: 'pushed', amount: -12000, deals: 1, running_before: 77500, running_after: 65500 },
      { bar: 'won', amount: -20000, deals: 1, running_before: 65500, running_after: 45500 },
      { bar: 'lost', amount: -7500, deals: 1, running_before: 45500, running_after: 38000 },
      { bar: 'removed', amount: 0, deals: 0, running_before: 38000, running_after: 38000 },
      { bar: 'resized', amount: 3500, deals: 1, running_before: 38000, running_after: 41500 },
      { bar: 'end', amount: 41500, deals: 4, running_before: 0, running_after: 41500 },
    ]);
  });

  it('the whole pipeline\'s waterfall: 68 500 € → 59 500 €, no push or pull in it', async () => {
    const bars = Object.fromEntries((await waterfall('pipeline')).map((b) => [b.bar, b.amount]));
    expect(bars).toEqual({ start: 68500, created: 15000, reentered: 0, pulled_in: 0, pushed: 0, won: -20000, lost: -7500, removed: 0, resized: 3500, end: 59500 });
  });

  it('lists the snapshots and which two are compared', async () => {
    const rows = await loaded.db.query(`SELECT CAST(snapshot_day AS VARCHAR) AS day, is_current, is_previous FROM marts.pipeline_snapshots ORDER BY 1`);
    expect(rows).toEqual([{ day: '2026-08-31', is_current: false, is_previous: true }, { day: '2026-09-07', is_current: true, is_previous: false }]);
  });
});
