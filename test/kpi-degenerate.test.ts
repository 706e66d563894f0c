/**
 * Degenerate data (issue 10 item 7): companies derived from the hand-checked fixture with no won
 * deal, with only open deals, with empty (header-only) extracts, with one seller, one month or one
 * account. Each must load, build every model and pass every data test; a KPI that cannot be
 * computed is marked unavailable in marts.kpi_glossary with its reason in French, and its figures
 * are NULL (or the mart has no row), never a zero that looks real. A core extract that is empty or
 * entirely rejected stops the run (between the load and the models) with one line naming the file,
 * the count and the reasons.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCoreExtractsLoaded } from '../pipelines/load/core-extracts.js';
import { ExtractError } from '../pipelines/load/read.js';
import { runPipeline } from '../pipelines/pipeline.js';
import { silentReporter } from '../pipelines/progress.js';
import { writeCompany } from './helpers/csv.js';
import { AS_OF, loadFolder, tempDir } from './helpers/load.js';
import { buildModelsOn, company, type Built, type Company } from './helpers/models.js';

const NO_BILLING = ['invoices', 'invoice_lines', 'subscriptions'];
const NO_WON = 'aucune affaire gagnée';
const NO_WON_BOOKED = 'aucune affaire gagnée (sans facturation, le chiffre d\'affaires vient des affaires gagnées)';
const NO_CLOSED = 'aucune affaire clôturée (gagnée ou perdue) : toutes les affaires sont encore ouvertes';

/**
 * A CRM-only company (no billing) whose only closed deal was lost: O1 (A1, S2, 12 000 €, reached
 * proposal, lost on 2023-11-15) and O2 (A1, S2, 5 000 €, open at proposal since 2024-01-10).
 */
const noWonDeal = (): Company => {
  const c = company();
  c.opportunities = [
    { ...c.opportunities![0]!, stage: 'lost', loss_reason: 'prix' },
    { ...c.opportunities![0]!, opportunity_id: 'O2', stage: 'proposal', closed_at: null, amount: 5000, created_at: '2024-01-10' },
  ];
  c.opportunity_stage_history = c.opportunity_stage_history!.map((h) => (h.stage === 'won' ? { ...h, stage: 'lost' } : h));
  return c;
};

/** CRM only, and the one deal still open (at proposal, entered 2023-10-10). */
const onlyOpenDeals = (): Company => {
  const c = company();
  c.opportunities = [{ ...c.opportunities![0]!, stage: 'proposal', closed_at: null }];
  c.opportunity_stage_history = c.opportunity_stage_history!.filter((h) => h.stage !== 'won');
  return c;
};

/**
 * Non-core extracts provided with their header and no row: activities, billing (invoices and
 * lines), campaigns and what hangs off campaigns (spend, campaign leads; L1 loses its campaign).
 * Revenue then comes from the won deal O1 (12 000 € booked on 2023-11-15).
 */
const emptyExtracts = (): Company => {
  const c = company();
  for (const name of ['activities', 'invoices', 'invoice_lines', 'campaigns', 'marketing_spend', 'campaign_leads']) c[name] = [];
  c.leads = c.leads!.map((l) => ({ ...l, campaign_id: null }));
  return c;
};

/** S2 alone: the manager S1 is gone, S2 reports to nobody. */
const oneSeller = (): Company => {
  const c = company();
  c.sellers = [{ ...c.sellers![1]!, manager_id: null }];
  return c;
};

/**
 * Every dated row in March 2024: lead 1 → O1 created 4 March, proposal 11 March, won 20 March
 * (12 000 €), invoiced 22 March (12 000 €) with a credit note of −1 200 € on 29 March: 10 800 € of
 * revenue in one month; the subscription starts on 1 March.
 */
const oneMonth = (): Company => {
  const c = company();
  const day = (d: number) => `2024-03-${String(d).padStart(2, '0')}`;
  const at = (d: number, h = 10) => `${day(d)} ${String(h).padStart(2, '0')}:00:00`;
  c.objectives = [{ ...c.objectives![0]!, period_start: day(1), period_end: day(31) }];
  c.campaigns = [{ ...c.campaigns![0]!, start_date: day(1), end_date: day(31) }];
  c.leads = [{ ...c.leads![0]!, created_at: at(1), first_touch_at: at(1, 15) }, { ...c.leads![1]!, created_at: at(2, 9) }];
  c.opportunities = [{ ...c.opportunities![0]!, created_at: day(4), closed_at: day(20) }];
  c.opportunity_stage_history = [
    { opportunity_id: 'O1', stage: 'qualified', changed_at: at(4, 9) },
    { opportunity_id: 'O1', stage: 'proposal', changed_at: at(11, 9) },
    { opportunity_id: 'O1', stage: 'won', changed_at: at(20, 17) },
  ];
  c.activities = [{ ...c.activities![0]!, scheduled_at: at(1, 15) }, { ...c.activities![1]!, scheduled_at: at(5) }, { ...c.activities![2]!, scheduled_at: at(7) }];
  c.referrals = [{ ...c.referrals![0]!, referred_at: day(28) }];
  c.marketing_spend = c.marketing_spend!.map((s) => ({ ...s, spend_date: day(1) }));
  c.campaign_leads = [{ ...c.campaign_leads![0]!, touched_at: at(1) }];
  c.invoices = [{ ...c.invoices![0]!, invoice_date: day(22) }, { ...c.invoices![1]!, invoice_date: day(29) }];
  c.subscriptions = [{ ...c.subscriptions![0]!, start_date: day(1) }];
  return c;
};

/** A1 alone: A2, its lead L2 and the referral naming it are gone. */
const oneAccount = (): Company => {
  const c = company();
  c.accounts = c.accounts!.filter((a) => a.account_id === 'A1');
  c.leads = c.leads!.filter((l) => l.account_id === 'A1');
  c.referrals = [];
  return c;
};

const CASES: Record<string, { rows: () => Company; notProvided?: string[] }> = {
  'no won deal': { rows: noWonDeal, notProvided: NO_BILLING },
  'only open deals': { rows: onlyOpenDeals, notProvided: NO_BILLING },
  'empty non-core extracts': { rows: emptyExtracts },
  'one seller': { rows: oneSeller },
  'one month': { rows: oneMonth },
  'one account': { rows: oneAccount },
};

const built = new Map<string, Built>();
beforeAll(async () => {
  for (const [name, { rows, notProvided }] of Object.entries(CASES)) built.set(name, await buildModelsOn(rows(), { notProvided }));
}, 240_000);
afterAll(() => { for (const b of built.values()) b.db.close(); });

const q = <T extends Record<string, unknown> = Record<string, unknown>>(name: string, sql: string) => built.get(name)!.db.query<T>(sql);
const glossary = (name: string, kpis: string[]) => q(name, `SELECT kpi, available, unavailable_reason FROM marts.kpi_glossary
  WHERE kpi IN (${kpis.map((k) => `'${k.replaceAll('\'', '\'\'')}'`).join(', ')}) ORDER BY kpi`);

describe.each(Object.keys(CASES))('%s', (name) => {
  it('builds every model and passes every data test', () => {
    const { run } = built.get(name)!;
    expect(run.models.length).toBeGreaterThan(60);
    expect(run.tests.length).toBeGreaterThan(100);
    expect(run.tests.filter((t) => t.failures > 0)).toEqual([]);
  });

  it('gives every reconciliation check its description and tolerance', async () => {
    expect(await q(name, `SELECT check_name FROM marts.reconciliation WHERE description IS NULL OR tolerance IS NULL OR status IS NULL`)).toEqual([]);
  });

  it('publishes no figure for a KPI it marks unavailable: its headline column is NULL in every row', async () => {
    const unavailable = await q<{ kpi: string; model: string; columns: string[] }>(name,
      `SELECT kpi, model, columns FROM marts.kpi_glossary WHERE NOT available AND model <> 'marts.reconciliation'`);
    const figures: { kpi: string; rows: number }[] = [];
    for (const k of unavailable) {
      const [row] = await q<{ n: number }>(name, `SELECT count("${k.columns[0]}") AS n FROM ${k.model}`);
      figures.push({ kpi: k.kpi, rows: row!.n });
    }
    expect(figures.filter((f) => f.rows > 0)).toEqual([]);
  });

  it('says why in French when the data, not a missing extract, makes a KPI unavailable', async () => {
    const reasons = await q<{ reason: string }>(name, `SELECT DISTINCT unavailable_reason AS reason FROM marts.kpi_glossary
      WHERE NOT available AND unavailable_reason NOT LIKE 'extraction% non fournie%'`);
    for (const { reason } of reasons) expect(reason).toMatch(/^(aucune|chiffre d'affaires sur un seul mois|moins d'un an)/);
  });
});

describe('no won deal', () => {
  const name = 'no won deal';

  it('marks revenue and won-deal KPIs unavailable because no deal was won', async () => {
    expect(await glossary(name, ['Revenue', 'Average basket', 'Revenue by seller', 'Best seller share of revenue', 'Revenue growth (year over year)', 'Sales cycle length', 'Conversations to close', 'Meetings per new customer'])).toEqual([
      { kpi: 'Average basket', available: false, unavailable_reason: NO_WON_BOOKED },
      { kpi: 'Best seller share of revenue', available: false, unavailable_reason: NO_WON_BOOKED },
      { kpi: 'Conversations to close', available: false, unavailable_reason: NO_WON },
      { kpi: 'Meetings per new customer', available: false, unavailable_reason: NO_WON },
      { kpi: 'Revenue', available: false, unavailable_reason: NO_WON_BOOKED },
      { kpi: 'Revenue by seller', available: false, unavailable_reason: NO_WON_BOOKED },
      { kpi: 'Revenue growth (year over year)', available: false, unavailable_reason: NO_WON_BOOKED },
      { kpi: 'Sales cycle length', available: false, unavailable_reason: NO_WON },
    ]);
    expect(await q(name, `SELECT (SELECT count(*) FROM marts.revenue_and_margin) AS revenue_rows, (SELECT count(*) FROM marts.seller_concentration) AS concentration_rows,
      (SELECT count(*) FROM marts.sales_cycle) AS cycle_rows`)).toEqual([{ revenue_rows: 0, concentration_rows: 0, cycle_rows: 0 }]);
  });

  it('computes the win rate on proposals as 0 %: one proposal decided, lost', async () => {
    expect(await glossary(name, ['Win rate on proposals', 'Stage conversion proposal → won', 'Weighted pipeline'])).toEqual([
      { kpi: 'Stage conversion proposal → won', available: true, unavailable_reason: null },
      { kpi: 'Weighted pipeline', available: true, unavailable_reason: null },
      { kpi: 'Win rate on proposals', available: true, unavailable_reason: null },
    ]);
    expect(await q(name, 'SELECT month, seller_id, proposals_decided, proposals_won, proposals_lost, win_rate FROM marts.proposal_win_rate')).toEqual([
      { month: '2023-11-01', seller_id: 'S2', proposals_decided: 1, proposals_won: 0, proposals_lost: 1, win_rate: 0 },
    ]);
    // The open O2 (5 000 € at proposal) is weighted by the proposal stage's past win rate: 0 of 1.
    expect(await q(name, 'SELECT open_deals, pipeline_value, stage_win_rate, weighted_value FROM marts.open_pipeline')).toEqual([
      { open_deals: 1, pipeline_value: 5000, stage_win_rate: 0, weighted_value: 0 },
    ]);
  });

  it('reconciles bookings of nothing to nothing, with the check described', async () => {
    expect(await q(name, `SELECT check_name, status, model_figure, billing_figure, detail, tolerance FROM marts.reconciliation
      WHERE check_name IN ('revenue_vs_bookings', 'won_deals_vs_invoices') ORDER BY check_name`)).toEqual([
      { check_name: 'revenue_vs_bookings', status: 'pass', model_figure: 0, billing_figure: 0, detail: '0 affaire(s) gagnée(s)', tolerance: 0.005 },
      { check_name: 'won_deals_vs_invoices', status: 'not_applicable', model_figure: null, billing_figure: null, detail: null, tolerance: 0.02 },
    ]);
  });
});

describe('no won deal, with billing', () => {
  it('keeps revenue from the invoices available and describes the won-deals check', async () => {
    // The fixture's invoices stay (on a lost deal): revenue is the billing's 12 000 − 1 200.
    const b = await buildModelsOn(noWonDeal());
    try {
      expect(b.run.tests.filter((t) => t.failures > 0)).toEqual([]);
      expect(await b.db.query(`SELECT kpi, available, unavailable_reason FROM marts.kpi_glossary WHERE kpi IN ('Revenue', 'Sales cycle length') ORDER BY kpi`)).toEqual([
        { kpi: 'Revenue', available: true, unavailable_reason: null },
        { kpi: 'Sales cycle length', available: false, unavailable_reason: NO_WON },
      ]);
      expect(await b.db.query('SELECT sum(revenue) AS revenue FROM marts.revenue_and_margin')).toEqual([{ revenue: 10800 }]);
      const [check] = await b.db.query<{ description: string; tolerance: number; detail: string }>(
        `SELECT description, tolerance, detail FROM marts.reconciliation WHERE check_name = 'won_deals_vs_invoices'`);
      expect(check).toMatchObject({ description: expect.stringContaining('à moins de 2 % au total'), tolerance: 0.02, detail: expect.stringMatching(/^0 affaire\(s\) gagnée\(s\) facturée\(s\)/) });
    } finally {
      b.db.close();
    }
  }, 60_000);
});

describe('only open deals', () => {
  const name = 'only open deals';

  it('marks rates over decided deals unavailable because none is closed, with no figure', async () => {
    expect(await glossary(name, ['Win rate on proposals', 'Stage conversion proposal → won', 'Seller conversion outliers', 'Weighted pipeline', 'Open pipeline'])).toEqual([
      { kpi: 'Open pipeline', available: true, unavailable_reason: null },
      { kpi: 'Seller conversion outliers', available: false, unavailable_reason: NO_CLOSED },
      { kpi: 'Stage conversion proposal → won', available: false, unavailable_reason: NO_CLOSED },
      { kpi: 'Weighted pipeline', available: false, unavailable_reason: NO_CLOSED },
      { kpi: 'Win rate on proposals', available: false, unavailable_reason: NO_CLOSED },
    ]);
    expect(await q(name, 'SELECT open_deals, pipeline_value, stage_win_rate, weighted_value FROM marts.open_pipeline')).toEqual([
      { open_deals: 1, pipeline_value: 12000, stage_win_rate: null, weighted_value: null },
    ]);
    expect(await q(name, 'SELECT count(*) AS decided FROM marts.proposal_win_rate')).toEqual([{ decided: 0 }]);
    expect(await q(name, 'SELECT opportunities, reached_proposal, won, proposal_to_won_rate FROM marts.stage_conversion')).toEqual([
      { opportunities: 1, reached_proposal: 1, won: 0, proposal_to_won_rate: null },
    ]);
  });
});

describe('empty non-core extracts', () => {
  const name = 'empty non-core extracts';

  it('loads them as provided with no row, and names them as the reason', async () => {
    expect(await q(name, `SELECT extract, status, rows_read, rows_loaded FROM audit.load_summary
      WHERE extract IN ('activities', 'invoices', 'invoice_lines', 'campaigns') ORDER BY extract`)).toEqual([
      { extract: 'activities', status: 'loaded', rows_read: 0, rows_loaded: 0 },
      { extract: 'campaigns', status: 'loaded', rows_read: 0, rows_loaded: 0 },
      { extract: 'invoice_lines', status: 'loaded', rows_read: 0, rows_loaded: 0 },
      { extract: 'invoices', status: 'loaded', rows_read: 0, rows_loaded: 0 },
    ]);
    expect(await glossary(name, ['Meeting no-show rate', 'Gross margin', 'Campaign ROI'])).toEqual([
      { kpi: 'Campaign ROI', available: false, unavailable_reason: 'extractions non fournies (ou vides) : Lignes de facture, Factures, Dépenses marketing' },
      { kpi: 'Gross margin', available: false, unavailable_reason: 'extractions non fournies (ou vides) : Lignes de facture, Factures' },
      { kpi: 'Meeting no-show rate', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Activités' },
    ]);
  });

  it('books revenue from the won deal, in one month, so growth has nothing to compare', async () => {
    expect(await q(name, 'SELECT month, revenue FROM marts.revenue_and_margin')).toEqual([{ month: '2023-11-01', revenue: 12000 }]);
    expect(await q(name, `SELECT revenue_basis FROM marts.kpi_glossary WHERE kpi = 'Revenue'`)).toEqual([{ revenue_basis: 'booked' }]);
    expect(await glossary(name, ['Revenue', 'Revenue growth (period over period)'])).toEqual([
      { kpi: 'Revenue', available: true, unavailable_reason: null },
      { kpi: 'Revenue growth (period over period)', available: false, unavailable_reason: 'chiffre d\'affaires sur un seul mois : pas de période précédente à comparer' },
    ]);
  });
});

describe('one seller', () => {
  const name = 'one seller';

  it('gives the lone seller all the revenue, and no outlier test with no one to compare to', async () => {
    expect(await q(name, `SELECT DISTINCT top_seller_id, top_seller_share, hhi, gini FROM marts.seller_concentration`)).toEqual([
      { top_seller_id: 'S2', top_seller_share: 1, hhi: 1, gini: 0 },
    ]);
    expect(await q(name, 'SELECT seller_id, seller_win_rate, rest_win_rate, z_score, is_outlier FROM marts.seller_conversion_outliers')).toEqual([
      { seller_id: 'S2', seller_win_rate: 1, rest_win_rate: null, z_score: null, is_outlier: false },
    ]);
  });
});

describe('one month', () => {
  const name = 'one month';

  it('publishes the month\'s revenue and marks both growth rates unavailable', async () => {
    expect(await q(name, 'SELECT month, revenue, margin FROM marts.revenue_and_margin')).toEqual([{ month: '2024-03-01', revenue: 10800, margin: 8640 }]);
    expect(await q(name, 'SELECT avg_cycle_days FROM marts.sales_cycle')).toEqual([{ avg_cycle_days: 19 }]);
    expect(await glossary(name, ['Revenue growth (period over period)', 'Revenue growth (year over year)'])).toEqual([
      { kpi: 'Revenue growth (period over period)', available: false, unavailable_reason: 'chiffre d\'affaires sur un seul mois : pas de période précédente à comparer' },
      { kpi: 'Revenue growth (year over year)', available: false, unavailable_reason: 'moins d\'un an de chiffre d\'affaires : pas de même période l\'an passé à comparer' },
    ]);
  });

  it('knows no churn for periods starting before the subscriptions do: NULL, not 0', async () => {
    // The one subscription starts on 1 March: the customers of 29 February are unknown.
    expect(await q(name, `SELECT count(*) AS periods, count(customers_at_start) AS known_start, count(customers_lost) AS known_lost, count(churn_rate) AS rates FROM marts.churn`))
      .toEqual([{ periods: 6, known_start: 0, known_lost: 0, rates: 0 }]);
  });
});

describe('one account', () => {
  it('builds the customer marts on the one customer', async () => {
    const name = 'one account';
    expect(await q(name, 'SELECT sum(revenue) AS revenue FROM marts.revenue_by_customer_profile')).toEqual([{ revenue: 10800 }]);
    expect(await q(name, `SELECT segment, new_customers FROM marts.customer_lifetime_value WHERE new_customers > 0 ORDER BY segment`))
      .toEqual([{ segment: 'Or', new_customers: 1 }, { segment: 'Tous les segments', new_customers: 1 }]);
  });
});

describe('churn before the subscriptions history', () => {
  it('is NULL until the first subscription, then counted', async () => {
    // The data runs from September to December 2023; A1 (Or) subscribes on 15 October, the first
    // subscription of the extract: September and October start before the history does.
    const c = company();
    c.subscriptions![0]!.start_date = '2023-10-15';
    const b = await buildModelsOn(c);
    try {
      expect(await b.db.query(`SELECT period_start, customers_at_start, customers_lost, churn_rate FROM marts.churn
        WHERE period_type = 'month' AND segment = 'Or' ORDER BY period_start`)).toEqual([
        { period_start: '2023-09-01', customers_at_start: null, customers_lost: null, churn_rate: null },
        { period_start: '2023-10-01', customers_at_start: null, customers_lost: null, churn_rate: null },
        { period_start: '2023-11-01', customers_at_start: 1, customers_lost: 0, churn_rate: 0 },
        { period_start: '2023-12-01', customers_at_start: 1, customers_lost: 0, churn_rate: 0 },
      ]);
    } finally {
      b.db.close();
    }
  }, 60_000);
});

describe('core extracts', () => {
  /** Runs the whole pipeline (no site) on the fixture company changed by `mutate`, in `dataDir`. */
  const run = async (dataDir: string, mutate: (c: Company) => void = () => {}) => {
    const c = company();
    mutate(c);
    const extracts = tempDir('bi-extracts-');
    writeCompany(extracts, c);
    const error = await runPipeline({
      settings: { dataDir, siteDir: path.join(dataDir, 'site'), referenceDay: AS_OF }, reporter: silentReporter(), extracts, site: false, full: true,
    }).then(() => undefined, (e: unknown) => e as Error);
    return { extracts, error };
  };
  const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  it('stops the run on an empty one, naming the file and what to do, in one line', async () => {
    const dataDir = tempDir('bi-data-');
    const { extracts, error } = await run(dataDir, (c) => { c.sellers = []; });
    expect(error).toBeInstanceOf(ExtractError);
    expect(error!.message).toBe(`${extracts}/sellers.csv: core extract "sellers" is empty (0 rows after the header) and every KPI needs it. `
      + 'Export it again with its rows, or point files.sellers.path in extracts.yaml at the right file.');
    expect(fs.existsSync(path.join(dataDir, 'warehouse.duckdb'))).toBe(false);
  }, 60_000);

  it('stops the run when every row was rejected, with the count and the main reasons, not at a data test; the published database stands', async () => {
    const dataDir = tempDir('bi-data-');
    expect((await run(dataDir)).error).toBeUndefined();
    const published = sha(path.join(dataDir, 'warehouse.duckdb'));
    const { extracts, error } = await run(dataDir, (c) => {
      const o = c.opportunities![0]!;
      c.opportunities = [
        // An unknown account: the deal cannot be placed (an unknown owner would only be flagged).
        { ...o, account_id: 'A8' },
        { ...o, opportunity_id: 'O2', account_id: 'A9' },
        { ...o, opportunity_id: 'O3', amount: -5 },
      ];
    });
    expect(error).toBeInstanceOf(ExtractError);
    expect(error!.message).toBe(`${extracts}/opportunities.csv: all 3 rows of core extract "opportunities" were rejected — `
      + '2 × account_id: unknown reference: account_id "A8" is not a loaded accounts row (first at line 2); '
      + '1 × amount: negative value -5 (must be 0 or more) (first at line 4). '
      + 'Nothing can be built without them: fix these rows in the export (or the rows they refer to) and run again.');
    expect(error!.message).not.toContain('\n');
    expect(sha(path.join(dataDir, 'warehouse.duckdb'))).toBe(published);
  }, 120_000);

  it('still loads such an extract, rejects and all, for whoever looks at the load alone', async () => {
    const c = company();
    c.opportunities = [{ ...c.opportunities![0]!, amount: -5 }];
    const dir = tempDir();
    writeCompany(dir, c);
    const loaded = await loadFolder(dir);
    try {
      expect(loaded.summary('opportunities')).toMatchObject({ rowsRead: 1, rowsLoaded: 0, rowsRejected: 1 });
      await expect(assertCoreExtractsLoaded(loaded.db)).rejects.toThrow(/all 1 rows of core extract "opportunities" were rejected — 1 × amount: negative value -5/);
    } finally {
      loaded.db.close();
    }
  });

  it('lets a core extract with some rows left through', async () => {
    const c = company();
    c.opportunities!.push({ ...c.opportunities![0]!, opportunity_id: 'O2', amount: -5 });
    const dir = tempDir();
    writeCompany(dir, c);
    const loaded = await loadFolder(dir);
    try {
      await expect(assertCoreExtractsLoaded(loaded.db)).resolves.toBeUndefined();
    } finally {
      loaded.db.close();
    }
  });
});
