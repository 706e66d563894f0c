/**
 * One figure, one value (issue 27, item 1): the figures that several pages of the sample company's
 * site show, read from each page's own query (test/helpers/page-queries.ts runs the pages' SQL on
 * the built warehouse, as the browser would), are equal, and the CAC is that of the mature cohorts,
 * reproducible from the table beside it. Expected values are never written here: each is worked out
 * again from the marts' rows by a route of the test's own (the cohort rule from the customers' first
 * years, the table's sums), so a page or a mart computing it differently fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Row } from '../pipelines/db/duckdb.js';
import { buildSampleModels } from './helpers/models.js';
import { publishSources, runPageQuery } from './helpers/page-queries.js';

let db: Database;

beforeAll(async () => {
  db = await buildSampleModels();
  await publishSources(db);
}, 300_000);

afterAll(() => db?.close());

const num = (v: unknown) => Number(v);
const bySegment = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.segment as string, r]));
/** As the alerts' messages write a share (fr_pct1) and the pages' `pct` format shows it: 86,4 %. */
const pct1 = (share: number) => `${(100 * share).toFixed(1).replace('.', ',')} %`;

describe('the CAC the pages show: mature cohorts, one value everywhere', () => {
  it('counts only the cohorts whose every customer has lived a whole first year at the reference day', async () => {
    // The rule worked out from the customers themselves: cohort years (fiscal year of the first purchase)
    // where every new customer's first year is complete.
    const [expected] = await db.query(`
      WITH cohorts AS (
        SELECT fiscal_year_start(first_purchase_date) AS year, count(*) AS customers, bool_and(first_year_complete) AS mature
        FROM intermediate.int_acquisition_customers WHERE is_new_customer GROUP BY 1)
      SELECT sum(customers) FILTER (WHERE mature) AS mature_customers, sum(customers) FILTER (WHERE NOT mature) AS young_customers,
             count(*) FILTER (WHERE mature) AS mature_cohorts FROM cohorts`);
    const [company] = await runPageQuery(db, 'acquisition.md', 'company');
    expect(num(company!.new_customers)).toBe(num(expected!.mature_customers));
    expect(num(company!.young_customers)).toBe(num(expected!.young_customers));
    expect(num(company!.mature_cohorts)).toBe(num(expected!.mature_cohorts));
    // The sample has both kinds: the rule is doing something.
    expect(num(expected!.mature_customers)).toBeGreaterThan(0);
    expect(num(expected!.young_customers)).toBeGreaterThan(0);
  });

  it('the company CAC on /acquisition is its table\'s total cost over its total new customers', async () => {
    const table = await runPageQuery(db, 'acquisition.md', 'mature');
    const segments = table.filter((r) => r.segment !== 'Tous les segments');
    const [company] = await runPageQuery(db, 'acquisition.md', 'company');
    const cost = segments.reduce((s, r) => s + num(r.acquisition_cost), 0);
    const customers = segments.reduce((s, r) => s + num(r.new_customers), 0);
    expect(num(company!.acquisition_cost)).toBeCloseTo(cost, 6);
    expect(num(company!.new_customers)).toBe(customers);
    expect(num(company!.cac)).toBeCloseTo(cost / customers, 6);
    // The company row is in the table the reader sees, beside the segments.
    expect(table.map((r) => r.segment)).toEqual(['Or', 'Argent', 'Bronze', 'Tous les segments']);
  });

  it('the Or segment\'s CAC / first-year margin is one value on the front page, the alerts, /acquisition, /segments and /segments/Or', async () => {
    // Worked out again from the per-cohort rows: the mature cohorts' costs over their first-year margins.
    const [expected] = await db.query(`
      SELECT sum(v.acquisition_cost) / sum(v.first_year_margin) AS ratio, sum(v.new_customers) AS customers
      FROM marts.cac_vs_value v
      WHERE v.segment = 'Or' AND v.year IN (SELECT year FROM marts.cac_vs_value WHERE segment = 'Tous les segments' AND new_customers > 0 AND first_year_complete_customers = new_customers)`);
    const ratio = num(expected!.ratio);
    const acquisition = bySegment(await runPageQuery(db, 'acquisition.md', 'segment_rows')).Or!;
    const segments = bySegment(await runPageQuery(db, 'segments/index.md', 'seg_table')).Or!;
    const [scorecard] = await runPageQuery(db, 'segments/[segment].md', 'cac_all', { params: { segment: 'Or' } });
    const alerts = (await runPageQuery(db, 'alerts.md', 'alerts')).filter((a) => a.rule_label === 'Le CAC mange la marge' && a.subject === 'Or');
    const front = (await runPageQuery(db, 'index.md', 'top_alerts')).filter((a) => a.rule_label === 'Le CAC mange la marge');
    for (const [where, value] of [['/acquisition', acquisition.cac_to_margin_ratio], ['/segments', segments.cac_to_margin_ratio],
      ['/segments/Or', scorecard!.cac_to_margin_ratio], ['/alerts', alerts[0]?.value]] as const) {
      expect(num(value), where).toBeCloseTo(ratio, 12);
    }
    expect(num(acquisition.new_customers)).toBe(num(expected!.customers));
    expect(num(scorecard!.new_customers)).toBe(num(expected!.customers));
    // The message the front page and /alerts print says the same share for the same customers.
    expect(front).toHaveLength(1);
    for (const message of [front[0]!.message, alerts[0]!.message] as string[]) {
      expect(message).toContain(`${pct1(ratio)} de la marge brute de première année des ${num(expected!.customers)} clients acquis`);
    }
  });

  it('the signal shown is read from its meaning: a "Rentable" row is at level 0, the colour scale\'s green end', async () => {
    const table = await runPageQuery(db, 'acquisition.md', 'mature');
    for (const row of table) {
      const ratio = num(row.cac_to_margin_ratio);
      const level = ratio >= num(row.margin_alert_ratio) ? 2 : ratio >= num(row.watch_ratio) ? 1 : 0;
      expect(num(row.signal_level), `${row.segment}`).toBe(level);
      expect(row.signal, `${row.segment}`).toBe(['Rentable', 'À surveiller', 'Reclasser / revoir le ciblage'][level]);
    }
  });
});

describe('revenue and margin of a year: one value on the front page, /revenue and the segment pages', () => {
  it('the current fiscal year\'s revenue and gross margin rate on the front page equal /revenue\'s for that year', async () => {
    const [front] = await runPageQuery(db, 'index.md', 'exec');
    const [revenue] = await runPageQuery(db, 'revenue.md', 'rev_total', {
      inputs: { year: front!.year_label as string, segment: 'Tous les segments', team: 'Toutes les équipes' },
    });
    expect(num(front!.ytd_revenue)).toBeCloseTo(num(revenue!.revenue), 2);
    expect(num(front!.ytd_margin_rate)).toBeCloseTo(num(revenue!.margin_rate), 12);
  });

  it('a segment\'s revenue and gross margin rate of the latest complete year on its page equal /revenue filtered on it', async () => {
    for (const segment of ['Or', 'Argent', 'Bronze']) {
      const [year] = await runPageQuery(db, 'segments/[segment].md', 'latest_year', { params: { segment } });
      const [page] = await runPageQuery(db, 'segments/[segment].md', 'rev_year', { params: { segment } });
      const [revenue] = await runPageQuery(db, 'revenue.md', 'rev_total', {
        inputs: { year: year!.year_label as string, segment, team: 'Toutes les équipes' },
      });
      expect(num(page!.revenue), segment).toBeCloseTo(num(revenue!.revenue), 2);
      expect(num(page!.margin_rate), segment).toBeCloseTo(num(revenue!.margin_rate), 12);
    }
  });
});

describe('a seller\'s rates of a year: one value on /activity, /funnel and the seller\'s page', () => {
  it('activity, no-show and non-selling rates, and the sales cycle, of the latest complete year', async () => {
    const inputs = { year: 'Dernière année complète', team: 'Toutes les équipes', segment: 'Tous les segments' };
    const [year] = await runPageQuery(db, 'activity.md', 'sel_year', { inputs });
    const activity = await runPageQuery(db, 'activity.md', 'by_seller', { inputs });
    const cycles = Object.fromEntries((await runPageQuery(db, 'funnel.md', 'cycle_seller', { inputs })).map((r) => [r.seller_id as string, r]));
    expect(activity.length).toBeGreaterThan(5);
    let compared = 0;
    for (const row of activity) {
      const params = { seller: row.seller_id as string };
      const own = (await runPageQuery(db, 'sellers/[seller].md', 'funnel_years', { params })).find((r) => num(r.year) === num(year!.y));
      for (const rate of ['advancing_rate', 'no_show_rate', 'non_selling_share']) {
        if (row[rate] == null) expect(own?.[rate] ?? null, `${row.seller_id} ${rate}`).toBeNull();
        else expect(num(own![rate]), `${row.seller_id} ${rate}`).toBeCloseTo(num(row[rate]), 12);
      }
      const cycle = (await runPageQuery(db, 'sellers/[seller].md', 'cycle', { params })).find((r) => r.year_label === year!.year_label);
      if (cycles[row.seller_id as string]) {
        expect(num(cycle!.avg_cycle_days), `${row.seller_id} cycle`).toBeCloseTo(num(cycles[row.seller_id as string]!.avg_cycle_days), 12);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });
});
