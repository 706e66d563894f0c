/**
 * Each built-in mapping end to end: the vendor's export files → applyMapping → the normal loader
 * → the models. Key figures are checked against values computed independently, with plain DuckDB
 * SQL straight over the raw export files (never through the mapping).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../pipelines/db/duckdb.js';
import { applyMapping, type MappingResult } from '../pipelines/mapping/apply.js';
import { recordMappingAudit } from '../pipelines/mapping/report.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';
import { MODELS_DIR } from './helpers/models.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/exports');
// The public sample as published (quirks included), bundled so the test runs everywhere.
const MAVEN = path.join(FIXTURES, 'maven-crm');

const open: Database[] = [];
afterAll(() => open.forEach((db) => db.close()));

/** A DuckDB that only reads the raw files: the independent side of each comparison. */
const rawDb = async () => {
  const db = await openDatabase(':memory:');
  open.push(db);
  return db;
};

interface Mapped extends Loaded {
  result: MappingResult;
}

const mapLoadAndModel = async (inputDir: string, mapping: string): Promise<Mapped> => {
  const outDir = path.join(tempDir('bi-mapped-'), 'out');
  const result = await applyMapping({ inputDir, mapping, outDir });
  const loaded = await loadFolder(outDir);
  open.push(loaded.db);
  await recordMappingAudit(loaded.db, result);
  await runModels(loaded.db, { modelsDir: MODELS_DIR, reporter: silentReporter() });
  return { ...loaded, result };
};

const byKey = <T extends Record<string, unknown>>(rows: T[], key: keyof T, value: keyof T) =>
  Object.fromEntries(rows.map((r) => [String(r[key]), Number(r[value])]));

/** Every row read is loaded or rejected, and every row mapped is written, filtered, rejected or merged. */
const expectReconciled = (m: Mapped) => {
  for (const e of m.result.extracts) {
    expect(e.rowsWritten + e.rowsFiltered + e.rowsRejected + e.rowsMerged, e.extract).toBe(e.rowsIn);
    const load = m.summary(e.extract);
    expect(load.rowsRead, e.extract).toBe(e.rowsWritten);
    expect(load.rowsLoaded + load.rowsRejected, e.extract).toBe(load.rowsRead);
  }
};

const combined = (...vendors: string[]) => {
  const dir = tempDir('bi-exports-');
  for (const v of vendors) fs.cpSync(path.join(FIXTURES, v), path.join(dir, v), { recursive: true });
  return dir;
};

describe('maven-crm (the public CRM sample, real files)', () => {
  it('maps every row, and won deals per agent and win rate per product match the raw CSV', async () => {
    const m = await mapLoadAndModel(MAVEN, 'maven-crm');
    const raw = await rawDb();
    const pipeline = `read_csv('${MAVEN}/sales_pipeline.csv', all_varchar = true)`;
    expectReconciled(m);
    expect(await m.rejects()).toEqual([]);

    const [counts] = await raw.query<{ deals: number; agents: number; managers: number; accounts: number; no_account: number }>(`SELECT
      (SELECT count(*) FROM ${pipeline}) AS deals,
      (SELECT count(*) FROM '${MAVEN}/sales_teams.csv') AS agents,
      (SELECT count(DISTINCT manager) FROM '${MAVEN}/sales_teams.csv') AS managers,
      (SELECT count(*) FROM '${MAVEN}/accounts.csv') AS accounts,
      (SELECT count(*) FROM ${pipeline} WHERE account IS NULL) AS no_account`);
    expect(m.summary('opportunities')).toMatchObject({ rowsRead: counts!.deals, rowsLoaded: counts!.deals, rowsRejected: 0 });
    expect(m.summary('sellers').rowsLoaded).toBe(counts!.agents + counts!.managers);
    expect(m.summary('accounts').rowsLoaded).toBe(counts!.accounts + 1); // + the placeholder
    expect(m.summary('invoices').status).toBe('not_provided');
    expect(m.summary('activities').status).toBe('not_provided');
    expect((await m.db.query(`SELECT count(*) AS n FROM raw.opportunities WHERE account_id = 'UNASSIGNED'`))[0]!.n).toBe(counts!.no_account);

    // Won deals per agent, through the models.
    const expectedWon = await raw.query<{ agent: string; won: number }>(
      `SELECT sales_agent AS agent, count(*) AS won FROM ${pipeline} WHERE deal_stage = 'Won' GROUP BY 1`);
    const won = await m.db.query<{ agent: string; won: number }>(
      `SELECT owner_seller_id AS agent, count(*) AS won FROM intermediate.int_opportunity_journey WHERE is_won GROUP BY 1`);
    expect(byKey(won, 'agent', 'won')).toEqual(byKey(expectedWon, 'agent', 'won'));
    expect(Object.keys(byKey(won, 'agent', 'won'))).toHaveLength(30);

    // Win rate per product (won / closed), with the sample's GTXPro spelled as in products.csv.
    const expectedRate = await raw.query<{ product: string; rate: number }>(`SELECT replace(product, 'GTXPro', 'GTX Pro') AS product,
        round(count(*) FILTER (WHERE deal_stage = 'Won') / count(*) FILTER (WHERE deal_stage IN ('Won', 'Lost')), 6) AS rate
      FROM ${pipeline} GROUP BY 1`);
    const rate = await m.db.query<{ product: string; rate: number }>(`SELECT product_line AS product,
        round(count(*) FILTER (WHERE is_won) / count(*) FILTER (WHERE NOT is_open), 6) AS rate
      FROM intermediate.int_opportunity_journey GROUP BY 1`);
    expect(byKey(rate, 'product', 'rate')).toEqual(byKey(expectedRate, 'product', 'rate'));
    expect(Object.keys(byKey(rate, 'product', 'rate'))).toHaveLength(7);

    // Won value = close_value; open deals are valued at the product's list price.
    const [expectedValue] = await raw.query<{ won: number; open: number }>(`SELECT
        (SELECT sum(CAST(close_value AS BIGINT)) FROM ${pipeline} WHERE deal_stage = 'Won') AS won,
        (SELECT sum(CAST(p.sales_price AS BIGINT)) FROM ${pipeline} d JOIN '${MAVEN}/products.csv' p ON p.product = replace(d.product, 'GTXPro', 'GTX Pro')
          WHERE d.deal_stage IN ('Prospecting', 'Engaging')) AS open`);
    const [value] = await m.db.query<{ won: number; open: number }>(`SELECT
        sum(amount) FILTER (WHERE is_won) AS won, sum(amount) FILTER (WHERE is_open) AS open FROM staging.stg_opportunities`);
    expect(value).toEqual(expectedValue);

    // The sector typo is corrected; segments follow the documented revenue tiers.
    expect(await m.db.query(`SELECT count(*) AS n FROM raw.accounts WHERE industry = 'technolgy'`)).toEqual([{ n: 0 }]);
    const tiers = await raw.query<{ segment: string; n: number }>(`SELECT CASE WHEN revenue >= 2500 THEN 'Or' WHEN revenue >= 500 THEN 'Argent' ELSE 'Bronze' END AS segment,
      count(*) AS n FROM '${MAVEN}/accounts.csv' GROUP BY 1`);
    const segments = await m.db.query<{ segment: string; n: number }>(`SELECT segment, count(*) AS n FROM raw.accounts WHERE account_id <> 'UNASSIGNED' GROUP BY 1`);
    expect(byKey(segments, 'segment', 'n')).toEqual(byKey(tiers, 'segment', 'n'));
    expect(await m.db.query(`SELECT extract, rows_in, rows_written FROM audit.mapping_summary ORDER BY extract`)).toEqual([
      { extract: 'accounts', rows_in: 86, rows_written: 86 },
      { extract: 'opportunities', rows_in: 8800, rows_written: 8800 },
      { extract: 'sellers', rows_in: 41, rows_written: 41 },
    ]);
  });
});

describe('hubspot', () => {
  it('maps users, companies, contacts, deals, stage entries and activities; unknown stages are rejected by the loader', async () => {
    const dir = path.join(FIXTURES, 'hubspot');
    const m = await mapLoadAndModel(dir, 'hubspot');
    const raw = await rawDb();
    const deals = `read_csv('${dir}/hubspot-crm-exports-all-deals-2024-06-30.csv', all_varchar = true)`;
    expectReconciled(m);

    // Won deals and win rate per owner, from the raw deals export.
    const expected = await raw.query<{ owner: string; won: number; rate: number }>(`SELECT "Deal owner" AS owner,
        count(*) FILTER (WHERE "Deal Stage" = 'Closed Won') AS won,
        round(count(*) FILTER (WHERE "Deal Stage" = 'Closed Won') / count(*) FILTER (WHERE "Deal Stage" IN ('Closed Won', 'Closed Lost')), 6) AS rate
      FROM ${deals} GROUP BY 1 HAVING count(*) FILTER (WHERE "Deal Stage" IN ('Closed Won', 'Closed Lost')) > 0`);
    const got = await m.db.query<{ owner: string; won: number; rate: number }>(`SELECT owner_seller_id AS owner,
        count(*) FILTER (WHERE is_won) AS won, round(count(*) FILTER (WHERE is_won) / count(*) FILTER (WHERE NOT is_open), 6) AS rate
      FROM intermediate.int_opportunity_journey GROUP BY 1 HAVING count(*) FILTER (WHERE NOT is_open) > 0`);
    expect(byKey(got, 'owner', 'won')).toEqual(byKey(expected, 'owner', 'won'));
    expect(byKey(got, 'owner', 'rate')).toEqual(byKey(expected, 'owner', 'rate'));
    expect(byKey(got, 'owner', 'won')).toEqual({ 'Hugo Bernard': 2, 'Léa Dubois': 1, 'Claire Martin': 1 });

    // A custom stage is not dropped nor defaulted: the loader rejects it with its value.
    expect(await m.rejects('opportunities')).toEqual([
      expect.objectContaining({ row_number: 9, column_name: 'stage', value: 'Pilot agreed',
        reason: '"Pilot agreed" is not an accepted value (expected one of: qualified, proposal, negotiation, won, lost)' }),
      expect.objectContaining({ row_number: 10, column_name: 'amount', reason: 'missing required value' }),
    ]);
    // Open deals lose HubSpot's expected close date; closed ones keep theirs.
    expect(await m.db.query(`SELECT opportunity_id, closed_at FROM raw.opportunities WHERE stage NOT IN ('won', 'lost') ORDER BY 1`)).toEqual([
      { opportunity_id: '9004', closed_at: null }, { opportunity_id: '9006', closed_at: null },
    ]);

    // Stage history: one row per filled `Date entered` cell of the loaded deals.
    const [entries] = await raw.query<{ n: number }>(`SELECT count(*) AS n FROM (UNPIVOT ${deals} ON COLUMNS('^Date entered') INTO NAME s VALUE v)
      WHERE "Record ID" NOT IN ('9009', '9010')`);
    expect(m.summary('opportunity_stage_history').rowsLoaded).toBe(entries!.n);

    // Minutes of held activities: calls (HH:mm:ss) and completed meetings (end − start).
    const [minutes] = await raw.query<{ m: number }>(`SELECT
        (SELECT sum(round(epoch(CAST("Call duration (HH:mm:ss)" AS INTERVAL)) / 60)) FROM read_csv('${dir}/hubspot-crm-exports-all-calls-2024-06-30.csv', all_varchar = true))
      + (SELECT sum(datediff('minute', "Meeting start time", "Meeting end time")) FROM '${dir}/hubspot-crm-exports-all-meetings-2024-06-30.csv'
         WHERE "Meeting outcome" = 'Completed') AS m`);
    expect(await m.db.query(`SELECT sum(duration_minutes) AS m FROM raw.activities WHERE status = 'held'`)).toEqual([{ m: minutes!.m }]);
    expect(await m.db.query(`SELECT status, count(*) AS n FROM raw.activities GROUP BY 1 ORDER BY 1`)).toEqual([
      { status: 'held', n: 6 }, { status: 'no_show', n: 1 }, { status: 'planned', n: 1 },
    ]);
    // A contact without a company is rejected (account_id is required), not dropped.
    expect(await m.rejects('contacts')).toEqual([expect.objectContaining({ row_number: 4, column_name: 'account_id', reason: 'missing required value' })]);
  });
});

describe('stripe (with hubspot)', () => {
  it('invoices, lines and subscriptions: revenue and MRR match the raw exports; drafts and voids are filtered and counted', async () => {
    const m = await mapLoadAndModel(combined('hubspot', 'stripe'), 'hubspot,stripe');
    const raw = await rawDb();
    const dir = path.join(FIXTURES, 'stripe');
    expectReconciled(m);

    // Revenue: lines of kept invoices (not draft/void), in EUR, of customers linked to the CRM.
    const [expected] = await raw.query<{ revenue: number }>(`SELECT sum(CAST(l.Amount AS DECIMAL(18, 2)) - CAST(l."Discount Amount" AS DECIMAL(18, 2))) AS revenue
      FROM '${dir}/invoice_line_items.csv' l JOIN '${dir}/invoices.csv' i ON i.id = l."Invoice ID"
      JOIN '${dir}/unified_customers.csv' c ON c.id = i.Customer
      WHERE i.Status IN ('paid', 'open', 'uncollectible') AND i.Currency = 'eur' AND c."crm_account_id (metadata)" IS NOT NULL`);
    expect(expected!.revenue).toBe(55900);
    expect(await m.db.query(`SELECT sum(revenue) AS revenue FROM intermediate.int_revenue_lines`)).toEqual([{ revenue: expected!.revenue }]);
    expect(await m.db.query(`SELECT sum(net_amount) AS revenue FROM raw.invoice_lines`)).toEqual([{ revenue: expected!.revenue }]);

    const invoices = m.result.extracts.find((e) => e.extract === 'invoices')!;
    expect(invoices).toMatchObject({ rowsIn: 8, rowsFiltered: 2, rowsRejected: 0, rowsWritten: 6 });
    // The USD invoice of a customer unknown to the CRM is held out by the loader (no account, no
    // rate for its currency), with its line.
    expect((await m.rejects('invoices')).map((r) => [r.column_name, r.value, r.reason])).toEqual([
      ['account_id', 'cus_PxX9unknown', 'unknown reference: account_id "cus_PxX9unknown" is not a loaded accounts row'],
      ['currency', 'USD', 'no exchange rate for USD in 2024-05 (add it to fx_rates, or under currency.rates in extracts.yaml)'],
    ]);
    expect(await m.rejects('invoice_lines')).toEqual([expect.objectContaining({ column_name: 'invoice_id', value: 'in_1007' })]);

    // MRR of active subscriptions: Amount × Quantity per month (yearly prices ÷ 12).
    const [mrr] = await raw.query<{ mrr: number }>(`SELECT sum(Amount * Quantity / CASE Interval WHEN 'year' THEN 12 ELSE 1 END) AS mrr
      FROM '${dir}/subscriptions.csv' WHERE Status = 'active'`);
    expect(await m.db.query(`SELECT sum(monthly_amount) AS mrr FROM raw.subscriptions WHERE end_date IS NULL`)).toEqual([{ mrr: mrr!.mrr }]);
    expect(m.result.notProvided).toEqual(['fx_rates', 'objectives', 'account_owners', 'campaigns', 'leads', 'referrals', 'marketing_spend', 'campaign_leads']);
  });
});

describe('google-ads (with hubspot)', () => {
  it('spend per campaign matches the report without its total rows; spend in a currency with no rate is held out by the loader', async () => {
    const m = await mapLoadAndModel(combined('hubspot', 'google-ads'), 'hubspot,google-ads');
    const raw = await rawDb();
    const report = `read_csv('${FIXTURES}/google-ads/Campaign report.csv', skip = 2, all_varchar = true)`;
    expectReconciled(m);

    const expected = await raw.query<{ campaign: string; spend: number }>(`SELECT "Campaign ID" AS campaign, sum(CAST(replace(Cost, ',', '') AS DECIMAL(18, 2))) AS spend
      FROM ${report} WHERE Day NOT LIKE 'Total:%' AND "Currency code" = 'EUR' GROUP BY 1`);
    const spend = await m.db.query<{ campaign: string; spend: number }>(`SELECT campaign_id AS campaign, sum(amount) AS spend FROM raw.marketing_spend GROUP BY 1`);
    expect(byKey(spend, 'campaign', 'spend')).toEqual(byKey(expected, 'campaign', 'spend'));
    expect(byKey(spend, 'campaign', 'spend')).toEqual({ 20304050: 1150.5, 20304051: 97.1, 20304053: 12 });

    const mapped = Object.fromEntries(m.result.extracts.map((e) => [e.extract, e]));
    // 9 rows: 3 "Total:" rows filtered, 6 written; the loader holds the USD row out (no rate).
    expect(mapped.marketing_spend).toMatchObject({ rowsIn: 9, rowsFiltered: 3, rowsRejected: 0, rowsWritten: 6 });
    expect(m.result.rejects).toEqual([]);
    expect(await m.db.query(`SELECT record_key, export_file, export_line, amount, currency, reason FROM audit.rejects WHERE extract = 'marketing_spend'`)).toEqual([{
      record_key: 'spend_date=2024-02-01, campaign_id=20304052, segment=(vide)', export_file: 'google-ads/Campaign report.csv', export_line: 8,
      amount: 80, currency: 'USD', reason: 'no exchange rate for USD in 2024-02 (add it to fx_rates, or under currency.rates in extracts.yaml)',
    }]);
    // Campaigns: the 6 day rows collapse into 4 campaigns; the App campaign's type is not a channel:
    // it loads with its channel unknown, flagged, and keeps its spend.
    expect(mapped.campaigns).toMatchObject({ rowsIn: 9, rowsFiltered: 3, rowsMerged: 2, rowsWritten: 4 });
    expect(await m.rejects('campaigns')).toEqual([]);
    expect(await m.db.query(`SELECT record_key, column_name, value FROM audit.flags WHERE extract = 'campaigns'`)).toEqual([
      { record_key: 'campaign_id=20304053', column_name: 'channel', value: 'App' },
    ]);
  });
});

describe('salesforce', () => {
  it('maps report exports with US dates and footers; won deals per owner match the raw report', async () => {
    const dir = path.join(FIXTURES, 'salesforce');
    const m = await mapLoadAndModel(dir, 'salesforce');
    const raw = await rawDb();
    expectReconciled(m);
    const opportunities = `read_csv('${dir}/Opportunities report-2024-06-30.csv', all_varchar = true, null_padding = true)`;

    // The two footer lines of every report are filtered and counted, never loaded.
    for (const e of m.result.extracts) expect(e.rowsFiltered, e.extract).toBe(2);

    // A close date in another locale is not guessed: the loader rejects it with its value.
    expect(await m.rejects('opportunities')).toEqual([
      expect.objectContaining({ column_name: 'closed_at', value: null, reason: 'closed deals (won/lost) need a close date and open deals must not have one' }),
      expect.objectContaining({ column_name: 'closed_at', value: '31/12/2023', reason: 'wrong type: expected a date like 2024-03-31, got "31/12/2023"' }),
    ]);
    const expected = await raw.query<{ owner: string; won: number }>(`SELECT "Opportunity Owner" AS owner, count(*) AS won FROM ${opportunities}
      WHERE Stage = 'Closed Won' AND "Close Date" <> '31/12/2023' GROUP BY 1`);
    const won = await m.db.query<{ owner: string; won: number }>(`SELECT owner_seller_id AS owner, count(*) AS won FROM intermediate.int_opportunity_journey WHERE is_won GROUP BY 1`);
    expect(byKey(won, 'owner', 'won')).toEqual(byKey(expected, 'owner', 'won'));
    expect(byKey(won, 'owner', 'won')).toEqual({ 'Bruno Petit': 2, 'Chloé Garnier': 1 });

    const [pipeline] = await raw.query<{ open: number }>(`SELECT sum(CAST(Amount AS DECIMAL(18, 2))) AS open FROM ${opportunities}
      WHERE Stage IS NOT NULL AND Stage NOT LIKE 'Closed%'`);
    expect(await m.db.query(`SELECT sum(amount) AS open FROM staging.stg_opportunities WHERE is_open`)).toEqual([{ open: pipeline!.open }]);
    expect(await m.db.query(`SELECT seller_id, leave_date FROM raw.sellers WHERE leave_date IS NOT NULL`)).toEqual([{ seller_id: 'Chloé Garnier', leave_date: '2023-12-20' }]);
    expect(await m.db.query(`SELECT opportunity_id, stage, changed_at FROM raw.opportunity_stage_history WHERE opportunity_id = '006A000003' ORDER BY changed_at`)).toEqual([
      { opportunity_id: '006A000003', stage: 'qualified', changed_at: '2023-12-05 14:10:00' },
      { opportunity_id: '006A000003', stage: 'lost', changed_at: '2024-03-20 12:00:00' },
    ]);
    expect(await m.db.query(`SELECT type, counterpart, status, duration_minutes FROM raw.activities ORDER BY activity_id`)).toEqual([
      { type: 'call', counterpart: 'customer', status: 'held', duration_minutes: 25 },
      { type: 'email', counterpart: 'prospect', status: 'held', duration_minutes: 0 },
      { type: 'call', counterpart: 'customer', status: 'planned', duration_minutes: 0 },
      { type: 'admin', counterpart: 'internal', status: 'held', duration_minutes: 0 },
      { type: 'meeting', counterpart: 'customer', status: 'held', duration_minutes: 90 },
    ]);
  });
});
