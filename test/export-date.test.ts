/**
 * The sample company exported on three days of one fiscal quarter (its fiscal year starts in
 * October: Q2 FY2026 runs 2026-01-01 → 2026-03-31): the first week (2026-01-05), the middle
 * (2026-02-13) and the last day (2026-03-31, so that the export's forecast, as of 2026-04-01, is one
 * of the full build's backtest days: those run over the last 12 month starts, 2025-10-01 → 2026-09-01). Each export builds and publishes with the default
 * settings; its figures of the months that ended before the day equal the full history's; its
 * forecast knows only the deals open that day; and `--as-of DAY` over the full export gives the same
 * marts as the export made that day.
 *
 * Marts compared with the full history (months before the day's month; each value depends only on
 * what happened in its month, never on later rows nor on "today"):
 * - revenue_and_margin: invoice lines of the month, seller = deal owner or account owner at the invoice date;
 * - proposal_win_rate: deals decided in the month (won/lost count and won amount, by close month),
 *   without the columns computed over all deals (benchmark, B2B average, never-closed rate: they count
 *   deals still open or decided later);
 * - opportunities_created: deals created in the month and their amount;
 * - activity_outcomes: activities held in the month and those that advanced a deal;
 * - cac_by_segment (quarters ended before the day): new customers (first won deal), spend tagged
 *   with the segment and seller time on prospects (not the untagged spend shared out by the
 *   campaign's leads: later leads change a past quarter's share, by design of that rule).
 * Not compared: marts whose value depends on what came later or on the data's last day (open
 * pipeline, churn and expansion over a customer's next months, lead conversion, which counts the
 * deals a month's leads ever gave, forecast and its backtest).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsSchema } from '../pipelines/config.js';
import { runPipeline, type PipelineResult } from '../pipelines/pipeline.js';
import { silentReporter } from '../pipelines/progress.js';
import { attachBoth, compareTable, tablesOf, type TwoDatabases } from './helpers/compare-marts.js';
import { tempDir } from './helpers/load.js';

const SCALE = 0.25;
const DAYS = ['2026-01-05', '2026-02-13', '2026-03-31'] as const;

const root = tempDir('bi-export-date-');
// An export taken on a day is built that day (its reference day): the pipeline's history dates its
// snapshot by it, as an --as-of build of the same day does.
const settingsFor = (name: string, asOf?: string, referenceDay?: string) =>
  settingsSchema.parse({ dataDir: path.join(root, name), siteDir: path.join(root, name, 'site'), threads: 2, ...(asOf ? { asOf } : {}), ...(referenceDay ? { referenceDay } : {}) });

let full: PipelineResult;
const exported = new Map<string, PipelineResult>();
const rewound = new Map<string, PipelineResult>();

beforeAll(async () => {
  full = await runPipeline({ settings: settingsFor('full'), reporter: silentReporter(), site: false, scale: SCALE });
  for (const day of DAYS) {
    exported.set(day, await runPipeline({ settings: settingsFor(`exported-${day}`, undefined, day), reporter: silentReporter(), site: false, scale: SCALE, exportDate: day }));
    rewound.set(day, await runPipeline({ settings: settingsFor(`as-of-${day}`, day), reporter: silentReporter(), site: false, extracts: full.extractsDir }));
  }
}, 1_200_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Marts compared on their rows of periods ended before the day: `period` is a month or a period start. */
const PAST_MARTS: { table: string; columns?: string[]; where?: string; periodEnd?: string }[] = [
  { table: 'marts.revenue_and_margin' },
  {
    table: 'marts.proposal_win_rate',
    columns: ['month', 'seller_id', 'team', 'manager_id', 'segment', 'product_line', 'proposals_decided', 'proposals_won', 'proposals_lost', 'won_amount', 'win_rate'],
  },
  { table: 'marts.opportunities_created' },
  { table: 'marts.activity_outcomes' },
  {
    table: 'marts.cac_by_segment',
    // Not marketing_spend: its untagged share follows the segments of all the campaign's leads,
    // later ones included (cac.unallocatedSpend: by_campaign_leads), so a past quarter's share moves.
    columns: ['period_start', 'segment', 'new_customers', 'tagged_spend', 'seller_time_cost'],
    where: "period_type = 'quarter'",
    periodEnd: 'period_end',
  },
];

const withBoth = async <T>(a: string, b: string, work: (both: TwoDatabases) => Promise<T>) => {
  const both = await attachBoth(a, b);
  try {
    return await work(both);
  } finally {
    both.close();
  }
};

describe.each(DAYS)('the sample company exported on %s', (day) => {
  it('publishes with the default settings, from a sample folder of its own', () => {
    const result = exported.get(day)!;
    expect(fs.existsSync(result.databasePath)).toBe(true);
    expect(result.extractsDir).toMatch(new RegExp(`scale-${SCALE}-seed-42-exported-${day}$`));
    expect(result.extractsDir).not.toBe(full.extractsDir);
    expect(result.models.length).toBeGreaterThan(50);
  });

  it('has the full history\'s figures for every month that ended before the day', async () => {
    const monthStart = `DATE '${day.slice(0, 7)}-01'`;
    await withBoth(full.databasePath, exported.get(day)!.databasePath, async (both) => {
      for (const mart of PAST_MARTS) {
        // A month before the day's month, or a (quarterly) period that ended before the day.
        const ended = mart.periodEnd ? `${mart.periodEnd} < DATE '${day}'` : `month < ${monthStart}`;
        const where = `${ended}${mart.where ? ` AND ${mart.where}` : ''}`;
        const [count] = await both.db.query<{ n: number }>(`SELECT count(*) AS n FROM b.${mart.table} WHERE ${where}`);
        expect(Number(count!.n), `${mart.table} has rows before ${day}`).toBeGreaterThan(0);
        const difference = await compareTable(both, mart.table, { where, columns: mart.columns });
        expect(difference, JSON.stringify(difference, null, 2)).toBeUndefined();
      }
    });
  });

  it('forecasts from what was known that day: as of the next day, with exactly the deals open that day', async () => {
    await withBoth(full.databasePath, exported.get(day)!.databasePath, async (both) => {
      // Deals open at the end of the day, read from the full history: created by then, closed after.
      const [open] = await both.db.query<{ deals: number; amount: string }>(`SELECT count(*) AS deals, CAST(sum(amount) AS VARCHAR) AS amount
        FROM a.raw.opportunities WHERE created_at <= DATE '${day}' AND (closed_at IS NULL OR closed_at > DATE '${day}')`);
      const landing = await both.db.query<{ as_of: string; period_type: string; open_deals: number; open_pipeline: string }>(
        `SELECT DISTINCT CAST(as_of AS VARCHAR) AS as_of, period_type, open_deals, CAST(open_pipeline AS VARCHAR) AS open_pipeline
         FROM b.marts.forecast_landing WHERE scope_type = 'Entreprise' ORDER BY period_type`);
      const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(landing.map((l) => l.period_type)).toEqual(['quarter', 'year']);
      for (const l of landing) {
        expect(l).toMatchObject({ as_of: nextDay, open_deals: Number(open!.deals), open_pipeline: open!.amount });
      }
      // The stage of each open deal is the one it held that day in the full history's stage history.
      const stages = await both.db.query<{ n: number }>(`SELECT count(*) AS n FROM b.raw.opportunities o
        WHERE o.stage <> (SELECT h.stage FROM a.raw.opportunity_stage_history h WHERE h.opportunity_id = o.opportunity_id
          AND h.changed_at < DATE '${day}' + INTERVAL 1 DAY ORDER BY h.changed_at DESC LIMIT 1)`);
      expect(Number(stages[0]!.n)).toBe(0);
    });
  });

  it('is rebuilt the same by --as-of over the full export', async () => {
    const asOf = rewound.get(day)!;
    // Rows read = loaded + rejected + after the as-of day, extract by extract; nothing rejected.
    for (const load of asOf.loads.filter((l) => l.status === 'loaded')) {
      expect(load.rowsRead, load.extract).toBe(load.rowsLoaded + load.rowsRejected + (load.rowsAfterAsOf ?? 0));
      expect(load.rowsRejected, load.extract).toBe(0);
    }
    expect(asOf.loads.find((l) => l.extract === 'invoices')!.rowsAfterAsOf).toBeGreaterThan(0);
    // Money: read = loaded + held out + after the as-of day; loaded = the export's.
    const money = Object.fromEntries(asOf.money.map((m) => [m.extract, m]));
    for (const m of exported.get(day)!.money) {
      expect(money[m.extract]!.loaded, m.extract).toBeCloseTo(m.loaded, 2);
      expect(money[m.extract]!.heldOut, m.extract).toBe(0);
    }
    await withBoth(exported.get(day)!.databasePath, asOf.databasePath, async (both) => {
      // The files differ (the full export holds more rows): the load and money tables say so, and
      // so does the tie-out's all-time row (lines read from the files, after the as-of day included);
      // its periods are compared.
      const about = new Set(['marts.data_quality', 'marts.money_accounting']);
      const differences = [];
      for (const table of [...await tablesOf(both, 'raw'), ...await tablesOf(both, 'marts')]) {
        if (about.has(table)) continue;
        const difference = await compareTable(both, table, table === 'marts.revenue_tie_out' ? { where: "period_type <> 'total'" } : {});
        if (difference) differences.push(difference);
      }
      expect(differences).toEqual([]);
    });
  });
});

describe('the forecast of an export against the full build\'s backtest of the same day', () => {
  it('2026-03-31: the full build\'s backtest as of 2026-04-01 is the forecast the export made', async () => {
    await withBoth(full.databasePath, exported.get('2026-03-31')!.databasePath, async (both) => {
      const columns = ['period_type', 'period_start', 'period_end', 'method', 'revenue_to_date', 'pipeline_expected', 'recurring_forward', 'run_rate_forward', 'forecast', 'method_forecast', 'p10', 'p90'];
      const rows = (sql: string) => both.db.query<Record<string, string | number>>(`SELECT ${columns.join(', ')} FROM ${sql} ORDER BY period_type, method`);
      const backtest = await rows(`a.marts.forecast_backtest WHERE as_of = DATE '2026-04-01'`);
      const landing = await rows(`b.marts.forecast_landing WHERE as_of = DATE '2026-04-01' AND scope_type = 'Entreprise'`);
      expect(backtest.length).toBe(6);
      expect(landing.map((r) => [r.period_type, r.method])).toEqual(backtest.map((r) => [r.period_type, r.method]));
      landing.forEach((l, i) => {
        for (const column of columns) {
          const [x, y] = [l[column], backtest[i]![column]];
          if (typeof x === 'number') expect(x, `${l.period_type} ${l.method} ${column}`).toBeCloseTo(Number(y), 2);
          else expect(x, `${l.period_type} ${l.method} ${column}`).toEqual(y);
        }
      });
    });
  });
});
