/**
 * Week over week (issue 28): two snapshots of the pipeline a week apart, written by hand into
 * history.* (so that the movement is tested whatever computes the expected close dates), over the
 * fixture company whose extracts say how the deals that left the pipeline ended. Every bar of the
 * waterfall is worked out below, by hand.
 *
 * Calendar-year fiscal quarters; previous snapshot Monday 31/08/2026, current Monday 07/09/2026:
 * the quarter in view is T3 ex. 2026 (01/07 → 30/09/2026).
 *
 *   deal  31/08: amount, expected close          07/09: amount, expected close      outcome in the extracts
 *   W1    20 000  15/09 (T3)                     —                                  won 03/09
 *   L1     7 500  20/09 (T3)                     —                                  lost 04/09
 *   P1    12 000  25/09 (T3)                     12 000  20/10 (T4)                 open: pushed
 *   R1    10 000  30/09 (T3)                     13 500  30/09 (T3)                 open: resized +3 500
 *   U1     4 000  10/09 (T3)                      4 000  10/09 (T3)                 open: unchanged
 *   N1     9 000  15/11 (T4)                      9 000  28/09 (T3)                 open: pulled in
 *   X1     6 000  01/12 (T4)                      6 000  01/12 (T4)                 open: unchanged, outside T3
 *   P2     3 000  20/09 (T3)                      3 000  05/01/2027 (T1 ex. 2027)     open: pushed
 *   P3    25 000  10/11 (T4)                     25 000  01/02/2027 (T1 ex. 2027)     open: pushed, outside T3
 *   P4     1 000  22/09 (T3)                      1 000  02/10 (T4)                 open: pushed
 *   C1     —                                     15 000  29/09 (T3)                 created 02/09
 *
 * Quarter T3: start = W1 + L1 + P1 + R1 + U1 + P2 + P4 = 20 000 + 7 500 + 12 000 + 10 000 + 4 000
 *   + 3 000 + 1 000 = 57 500 (7 deals); created +15 000 (C1), pulled in +9 000 (N1), pushed −16 000
 *   (P1 12 000 + P2 3 000 + P4 1 000; P3 was never in T3), won −20 000 (W1), lost −7 500 (L1),
 *   resized +3 500 (R1 13 500 − 10 000); end = C1 + R1 + U1 + N1 = 15 000 + 13 500 + 4 000 + 9 000
 *   = 41 500 (4 deals); 57 500 + 15 000 + 9 000 − 16 000 − 20 000 − 7 500 + 3 500 = 41 500.
 * Whole pipeline: start = 57 500 + N1 9 000 + X1 6 000 + P3 25 000 = 97 500; created +15 000,
 *   won −20 000, lost −7 500, resized +3 500; end = 15 000 + 12 000 + 13 500 + 4 000 + 9 000
 *   + 6 000 + 3 000 + 25 000 + 1 000 = 88 500.
 * The digest's three biggest slips: P3 25 000, P1 12 000, P2 3 000 (P4, 1 000, is the fourth).
 * Its forecast (written by hand too): the company's T3 120 000 € → 112 500 € (−7 500 €), its year
 *   400 000 € → 415 000 € (+15 000 €).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudienceMarts } from '../pipelines/audiences/audience-data.js';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { readSnapshot, renderDigest, renderMovement } from '../pipelines/digest/digest.js';
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
    opportunity('P2', 3000, '2026-07-20', 'proposal', null),
    opportunity('P3', 25000, '2026-07-21', 'proposal', null),
    opportunity('P4', 1000, '2026-07-22', 'qualified', null),
  );
  return c;
};

// Snapshot rows: deal, amount, expected close, stage.
const BEFORE: [string, number, string, string][] = [
  ['W1', 20000, '2026-09-15', 'negotiation'], ['L1', 7500, '2026-09-20', 'proposal'], ['P1', 12000, '2026-09-25', 'proposal'],
  ['R1', 10000, '2026-09-30', 'proposal'], ['U1', 4000, '2026-09-10', 'qualified'], ['N1', 9000, '2026-11-15', 'qualified'],
  ['X1', 6000, '2026-12-01', 'qualified'], ['P2', 3000, '2026-09-20', 'proposal'], ['P3', 25000, '2026-11-10', 'proposal'],
  ['P4', 1000, '2026-09-22', 'qualified'],
];
const AFTER: [string, number, string, string][] = [
  ['P1', 12000, '2026-10-20', 'proposal'], ['R1', 13500, '2026-09-30', 'negotiation'], ['U1', 4000, '2026-09-10', 'qualified'],
  ['N1', 9000, '2026-09-28', 'proposal'], ['X1', 6000, '2026-12-01', 'qualified'], ['C1', 15000, '2026-09-29', 'qualified'],
  ['P2', 3000, '2027-01-05', 'proposal'], ['P3', 25000, '2027-02-01', 'proposal'], ['P4', 1000, '2026-10-02', 'qualified'],
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
    VALUES (DATE '2026-08-31', 'a', 10, 97500), (DATE '2026-09-07', 'b', 9, 88500)`);
  await db.exec(`INSERT INTO history.forecast (snapshot_day, period_type, period_start, period_end, period_label, scope_type, scope, method, forecast) VALUES
    (DATE '2026-08-31', 'quarter', DATE '2026-07-01', DATE '2026-09-30', 'T3 de l''exercice 2026', 'Entreprise', 'Entreprise', 'pipeline', 120000),
    (DATE '2026-09-07', 'quarter', DATE '2026-07-01', DATE '2026-09-30', 'T3 de l''exercice 2026', 'Entreprise', 'Entreprise', 'pipeline', 112500),
    (DATE '2026-08-31', 'year', DATE '2026-01-01', DATE '2026-12-31', 'Exercice 2026', 'Entreprise', 'Entreprise', 'blend', 400000),
    (DATE '2026-09-07', 'year', DATE '2026-01-01', DATE '2026-12-31', 'Exercice 2026', 'Entreprise', 'Entreprise', 'blend', 415000)`);
  await db.exec(`INSERT INTO history.build_snapshot VALUES (DATE '2026-09-07')`);
  // No snapshotDay: the models read the history written above, as a build over this data would after its own snapshot.
  await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter(), settingsFile: calendarYearSettings() });
}, 120_000);

afterAll(() => loaded?.db.close());

const waterfall = (scope: string) => loaded.db.query<{ bar: string; amount: number; deals: number; running_before: number; running_after: number }>(
  `SELECT bar, amount, CAST(deals AS INTEGER) AS deals, running_before, running_after FROM marts.pipeline_movement WHERE scope = '${scope}' ORDER BY bar_order`);

describe('week over week: the pipeline waterfall between two snapshots', () => {
  it('compares this build\'s snapshot with the one a week before, for the quarter T3 ex. 2026', async () => {
    const [pair] = await loaded.db.query(`SELECT CAST(current_day AS VARCHAR) AS current_day, CAST(previous_day AS VARCHAR) AS previous_day, quarter_label FROM intermediate.int_history_snapshot_pair`);
    expect(pair).toEqual({ current_day: '2026-09-07', previous_day: '2026-08-31', quarter_label: 'T3 ex. 2026' });
  });

  it('gives each deal its movement and its signed part of the quarter\'s waterfall', async () => {
    const deals = await loaded.db.query(`SELECT opportunity_id, movement, quarter_bar, quarter_bar_amount, pipeline_bar, pipeline_bar_amount
      FROM marts.pipeline_movement_deals ORDER BY opportunity_id`);
    expect(deals).toEqual([
      { opportunity_id: 'C1', movement: 'created', quarter_bar: 'created', quarter_bar_amount: 15000, pipeline_bar: 'created', pipeline_bar_amount: 15000 },
      { opportunity_id: 'L1', movement: 'lost', quarter_bar: 'lost', quarter_bar_amount: -7500, pipeline_bar: 'lost', pipeline_bar_amount: -7500 },
      { opportunity_id: 'N1', movement: 'pulled_in', quarter_bar: 'pulled_in', quarter_bar_amount: 9000, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'P1', movement: 'pushed', quarter_bar: 'pushed', quarter_bar_amount: -12000, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'P2', movement: 'pushed', quarter_bar: 'pushed', quarter_bar_amount: -3000, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'P3', movement: 'pushed', quarter_bar: null, quarter_bar_amount: 0, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'P4', movement: 'pushed', quarter_bar: 'pushed', quarter_bar_amount: -1000, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'R1', movement: 'resized', quarter_bar: 'resized', quarter_bar_amount: 3500, pipeline_bar: 'resized', pipeline_bar_amount: 3500 },
      { opportunity_id: 'U1', movement: 'unchanged', quarter_bar: null, quarter_bar_amount: 0, pipeline_bar: null, pipeline_bar_amount: 0 },
      { opportunity_id: 'W1', movement: 'won', quarter_bar: 'won', quarter_bar_amount: -20000, pipeline_bar: 'won', pipeline_bar_amount: -20000 },
      { opportunity_id: 'X1', movement: 'unchanged', quarter_bar: null, quarter_bar_amount: 0, pipeline_bar: null, pipeline_bar_amount: 0 },
    ]);
    const [p1] = await loaded.db.query(`SELECT close_quarter_before, close_quarter_after, team FROM marts.pipeline_movement_deals WHERE opportunity_id = 'P1'`);
    expect(p1).toEqual({ close_quarter_before: 'T3 ex. 2026', close_quarter_after: 'T4 ex. 2026', team: 'Paris' });
  });

  it('the quarter\'s waterfall: 57 500 € → 41 500 €, every bar worked out by hand', async () => {
    expect(await waterfall('quarter')).toEqual([
      { bar: 'start', amount: 57500, deals: 7, running_before: 0, running_after: 57500 },
      { bar: 'created', amount: 15000, deals: 1, running_before: 57500, running_after: 72500 },
      { bar: 'reentered', amount: 0, deals: 0, running_before: 72500, running_after: 72500 },
      { bar: 'pulled_in', amount: 9000, deals: 1, running_before: 72500, running_after: 81500 },
      { bar: 'pushed', amount: -16000, deals: 3, running_before: 81500, running_after: 65500 },
      { bar: 'won', amount: -20000, deals: 1, running_before: 65500, running_after: 45500 },
      { bar: 'lost', amount: -7500, deals: 1, running_before: 45500, running_after: 38000 },
      { bar: 'removed', amount: 0, deals: 0, running_before: 38000, running_after: 38000 },
      { bar: 'resized', amount: 3500, deals: 1, running_before: 38000, running_after: 41500 },
      { bar: 'end', amount: 41500, deals: 4, running_before: 0, running_after: 41500 },
    ]);
  });

  it('the whole pipeline\'s waterfall: 97 500 € → 88 500 €, no push or pull in it', async () => {
    const bars = Object.fromEntries((await waterfall('pipeline')).map((b) => [b.bar, b.amount]));
    expect(bars).toEqual({ start: 97500, created: 15000, reentered: 0, pulled_in: 0, pushed: 0, won: -20000, lost: -7500, removed: 0, resized: 3500, end: 88500 });
  });

  it('lists the snapshots and which two are compared', async () => {
    const rows = await loaded.db.query(`SELECT CAST(snapshot_day AS VARCHAR) AS day, is_current, is_previous FROM marts.pipeline_snapshots ORDER BY 1`);
    expect(rows).toEqual([{ day: '2026-08-31', is_current: false, is_previous: true }, { day: '2026-09-07', is_current: true, is_previous: false }]);
  });
});

describe('the digest says what moved', () => {
  // French number formats use narrow and non-breaking spaces: compared here as plain spaces.
  const plain = (html: string) => html.replace(/[\u202f\u00a0]/g, ' ');

  it('the quarter\'s pipeline, the three biggest slips, the largest new deals and the forecast change', async () => {
    const current = await readSnapshot(loaded.db);
    const html = plain(renderDigest(current, undefined, new Date('2026-09-07T07:00:00Z')));
    expect(html).toContain('<h2>Évolution du pipeline depuis le 31/08/2026</h2>');
    expect(html).toContain('Pipeline attendu au T3 ex. 2026 : 57 500 € le 31/08/2026, 41 500 € le 07/09/2026 (−16 000 €).');
    expect(html).toContain('<h3>Les plus gros glissements</h3><ul>'
      + '<li><strong>Affaire P3</strong> (Acier du Nord) : 25 000 €, repoussée de T4 ex. 2026 à T1 ex. 2027</li>'
      + '<li><strong>Affaire P1</strong> (Acier du Nord) : 12 000 €, repoussée de T3 ex. 2026 à T4 ex. 2026</li>'
      + '<li><strong>Affaire P2</strong> (Acier du Nord) : 3 000 €, repoussée de T3 ex. 2026 à T1 ex. 2027</li></ul>');
    expect(html).toContain('<h3>Les plus grosses affaires nouvelles</h3><ul><li><strong>Affaire C1</strong> (Acier du Nord) : 15 000 €, conclusion prévue au T3 ex. 2026</li></ul>');
    expect(html).toContain('<tr><td>Exercice 2026</td><td>400 000 €</td><td>415 000 €</td><td>+15 000 €</td></tr>');
    expect(html).toContain('<tr><td>T3 de l&#39;exercice 2026</td><td>120 000 €</td><td>112 500 €</td><td>−7 500 €</td></tr>');
  });

  it('a company\'s first snapshot: the digest says there is nothing to compare yet', () => {
    const html = plain(renderMovement({ currentDay: '2026-09-07', previousDay: null, quarterLabel: 'T3 ex. 2026', quarter: null, slips: [], newDeals: [], forecast: [] }));
    expect(html).toContain('Premier instantané du pipeline (07/09/2026) : l\'évolution sera comparée à partir de la prochaine mise à jour.');
  });
});

describe('the page "Évolution de la semaine" ties to the marts', () => {
  const PAGE = path.join(PROJECT_ROOT, 'site/pages/week.md');
  const SOURCES = path.join(PROJECT_ROOT, 'site/sources/warehouse');
  /** The page's named queries, each query reference `${name}` replaced by that query as a subquery. */
  const pageQueries = () => {
    const queries = new Map<string, string>();
    for (const m of fs.readFileSync(PAGE, 'utf8').matchAll(/^```sql (\w+)\n([\s\S]*?)^```/gm)) {
      queries.set(m[1]!, m[2]!.replace(/\$\{(\w+)\}/g, (_, name: string) => `(${queries.get(name)})`));
    }
    return queries;
  };

  it('its report sources and every query run, and its waterfall is the mart\'s, bar for bar', async () => {
    const { db } = loaded;
    await db.exec('CREATE SCHEMA IF NOT EXISTS warehouse');
    for (const file of fs.readdirSync(SOURCES).filter((f) => f.endsWith('.sql'))) {
      await db.exec(`CREATE OR REPLACE VIEW warehouse.${path.basename(file, '.sql')} AS ${fs.readFileSync(path.join(SOURCES, file), 'utf8').replace(/;\s*$/, '')}`);
    }
    const queries = pageQueries();
    expect([...queries.keys()]).toContain('quarter_bars');
    for (const [name, sql] of queries) await expect(db.query(sql), name).resolves.toBeDefined();
    const page = await db.query(`SELECT bar, amount, CAST(deals AS INTEGER) AS deals, running_before, running_after FROM (${queries.get('quarter_bars')}) ORDER BY bar_order`);
    expect(page).toEqual(await waterfall('quarter'));
    const chart = await db.query<{ bar_label: string; part: string; value: number }>(queries.get('quarter_chart')!);
    // Pushed: from 81 500 down to 65 500, a red bar of 16 000 standing on 65 500.
    expect(chart.filter((r) => r.bar_label === 'Repoussées')).toEqual([
      { bar_order: 4, bar_label: 'Repoussées', part_order: 0, part: 'Socle', value: 65500 },
      { bar_order: 4, bar_label: 'Repoussées', part_order: 1, part: 'Baisse', value: 16000 }]);
    // Bars with no deal (reentered, removed) are left out of the chart.
    expect([...new Set(chart.map((r) => r.bar_label))]).toEqual(['Début', 'Créées', 'Avancées', 'Repoussées', 'Gagnées', 'Perdues', 'Montant modifié', 'Fin']);
    const pipeline = await db.query<{ bar_label: string; amount: number }>(queries.get('pipeline_bars')!);
    expect(pipeline.map((r) => [r.bar_label, r.amount])).toEqual([['Début', 97500], ['Créées ou réintégrées', 15000], ['Gagnées', -20000],
      ['Perdues ou retirées', -7500], ['Montant modifié', 3500], ['Fin', 88500]]);
  });
});

describe('a seller\'s pack holds only that seller\'s deals', () => {
  it('S2 sees the 11 deals that moved or stood still, their manager S1 (a seller pack of their own) none', async () => {
    const file = path.join(tempDir('bi-history-audience-'), 'warehouse.duckdb');
    await loaded.db.exec(`ATTACH '${file}' AS copy; COPY FROM DATABASE memory TO copy; DETACH copy`);
    const marts = ['marts.pipeline_movement_deals', 'marts.pipeline_snapshots', 'marts.forecast_history', 'marts.forecast_movement'];
    const dealsSeenBy = async (seller: string) => {
      const out = path.join(tempDir('bi-history-audience-'), `${seller}.duckdb`);
      await writeAudienceMarts(file, out, marts, { seller });
      const db = await openDatabase(out, { readOnly: true });
      try {
        return (await db.query<{ id: string }>('SELECT opportunity_id AS id FROM marts.pipeline_movement_deals ORDER BY 1')).map((r) => r.id);
      } finally {
        db.close();
      }
    };
    expect(await dealsSeenBy('S2')).toEqual(['C1', 'L1', 'N1', 'P1', 'P2', 'P3', 'P4', 'R1', 'U1', 'W1', 'X1']);
    expect(await dealsSeenBy('S1')).toEqual([]);
  });
});
