/**
 * Flash figures (catalogue section 7) and the data quality section that is always shown: load
 * counts and freshness per extract, rejects by reason without the values, reconciliation of the
 * figures to billing, and the reconciliation data tests, shown to fail when they should.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDataTests, singularTests } from '../pipelines/models/data-tests.js';
import { buildModelsOn, calendarYearSettings, company, MODELS_DIR, type Built, type Company } from './helpers/models.js';

const ALL_TEAMS = 'Toutes les équipes';

/**
 * The flash company: the fixture company (S1 and S2 in team Paris; O1 won 12000 on 2023-11-15;
 * F1 2023-11-20 12000, margin 9600; credit note AV1 2023-12-05 −1200, margin −960) plus:
 *   S3 in team Lyon (50 €/h).
 *   O2 lost 5000 (S3) closed 2023-11-20; O3 lost 3000 (S2) closed 2023-12-04; O4 won 4000 (S2) closed 2023-12-01.
 *   F2 2023-12-02, A2 (owner S2): Services 2400, cost 1400 → margin 1000.
 *   T4 S2 call on O4, 2023-12-01, 30 min → 0.5 h, 22.75 €. T5 S3 admin task, 2023-12-04, 90 min → 1.5 h.
 *   T6 S2 meeting on O4, 2023-11-03, 60 min → 1 h, 45.50 €. (Fixture activities: September.)
 *   Objectives: S2 November 9000, S2 December 6200 (200 a day), S3 16 November – 15 December 3000 (100 a day).
 * The data runs from 2023-09-12 (lead L1, activity T1) to 2023-12-05 (AV1): the current week starts
 * Monday 2023-12-04 (2 days observed), the current month 2023-12-01 (5 days), the current quarter 2023-10-01.
 */
const flashCompany = (): Company => {
  const c = company();
  c.sellers!.push({ seller_id: 'S3', seller_name: 'Chloé Roux', team: 'Lyon', manager_id: 'S1', role: 'account_executive', hourly_cost: 50, start_date: '2022-01-01', leave_date: null });
  c.objectives = [
    { seller_id: 'S2', period_start: '2023-11-01', period_end: '2023-11-30', revenue_target: 9000, new_customers_target: null, meetings_target: null },
    { seller_id: 'S2', period_start: '2023-12-01', period_end: '2023-12-31', revenue_target: 6200, new_customers_target: null, meetings_target: null },
    { seller_id: 'S3', period_start: '2023-11-16', period_end: '2023-12-15', revenue_target: 3000, new_customers_target: null, meetings_target: null },
  ];
  const deal = (opportunity_id: string, owner: string, stage: string, amount: number, created_at: string, closed_at: string) => ({
    opportunity_id, account_id: opportunity_id === 'O4' ? 'A1' : 'A2', lead_id: null, owner_seller_id: owner, product_line: 'Logiciel', amount, origin: 'sales',
    created_at, closed_at, stage, loss_reason: stage === 'lost' ? 'prix' : null,
  });
  c.opportunities!.push(
    deal('O2', 'S3', 'lost', 5000, '2023-10-01', '2023-11-20'),
    deal('O3', 'S2', 'lost', 3000, '2023-10-05', '2023-12-04'),
    deal('O4', 'S2', 'won', 4000, '2023-11-01', '2023-12-01'),
  );
  c.invoices!.push({ invoice_id: 'F2', account_id: 'A2', opportunity_id: null, invoice_date: '2023-12-02', document_type: 'invoice', currency: 'EUR' });
  c.invoice_lines!.push({ invoice_id: 'F2', line_number: 1, product_line: 'Services', product_code: 'SRV-INST', quantity: 1, unit_price: 2400, discount_rate: 0, net_amount: 2400, unit_cost: 1400 });
  const activity = (activity_id: string, seller_id: string, type: string, opportunity_id: string | null, scheduled_at: string, duration_minutes: number) => ({
    activity_id, seller_id, type, counterpart: type === 'admin' ? 'internal' : 'prospect', purpose: type === 'admin' ? 'admin' : 'follow_up',
    direction: type === 'admin' ? 'internal' : 'outbound', account_id: opportunity_id ? 'A1' : null, lead_id: null, opportunity_id, scheduled_at,
    status: 'held', duration_minutes, outcome: null, rebooked_activity_id: null,
  });
  c.activities!.push(
    activity('T4', 'S2', 'call', 'O4', '2023-12-01 10:00:00', 30),
    activity('T5', 'S3', 'admin', null, '2023-12-04 09:00:00', 90),
    activity('T6', 'S2', 'meeting', 'O4', '2023-11-03 10:00:00', 60),
  );
  return c;
};

const FLASH_COLUMNS = `team, observed_end, is_current, won_deals, previous_won_deals, won_deals_change, won_value, previous_won_value, won_value_change,
  lost_deals, previous_lost_deals, lost_deals_change, lost_value, decided_deals, conversion_rate, previous_conversion_rate, conversion_rate_change,
  revenue, previous_revenue, revenue_change, margin, previous_margin, margin_change, revenue_objective_to_date, revenue_objective, objective_attainment,
  activity_hours, previous_activity_hours, activity_hours_change, opportunity_time_cost, previous_opportunity_time_cost, opportunity_time_cost_change`;

describe('flash_figures', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(flashCompany()); });
  afterAll(() => built?.db.close());
  const flash = (periodType: string, periodStart: string) => built.db.query(
    `SELECT ${FLASH_COLUMNS} FROM marts.flash_figures WHERE period_type = '${periodType}' AND period_start = DATE '${periodStart}' ORDER BY team`);

  it('lists every week, month and quarter of the data for each team and the whole company, the current ones marked', async () => {
    // Weeks from Monday 2023-09-11 to 2023-12-04 (13), months September – December (4), quarters Q3 and Q4 (2); × 3 teams.
    expect(await built.db.query(`SELECT period_type, count(*) AS n, count(*) FILTER (WHERE is_current) AS current FROM marts.flash_figures GROUP BY ALL ORDER BY period_type`)).toEqual([
      { period_type: 'month', n: 12, current: 3 }, { period_type: 'quarter', n: 6, current: 3 }, { period_type: 'week', n: 39, current: 3 },
    ]);
    expect(await built.db.query(`SELECT DISTINCT period_type, period_start FROM marts.flash_figures WHERE is_current ORDER BY period_type`)).toEqual([
      { period_type: 'month', period_start: '2023-12-01' }, { period_type: 'quarter', period_start: '2023-10-01' }, { period_type: 'week', period_start: '2023-12-04' },
    ]);
  });

  it('gives the current month to date against 1–5 November, per team and overall', async () => {
    // December 1–5: O4 won 4000, O3 lost 3000 (both Paris) → conversion 1 / 2. 1–5 November: nothing closed.
    // Revenue F2 2400 + AV1 −1200 = 1200, margin 1000 − 960 = 40; nothing billed 1–5 November.
    // Objective to date: S2 5 × 200 = 1000, S3 5 × 100 = 500; whole month: S2 6200, S3 1–15 December 1500.
    // Hours: T4 0.5 (Paris, on O4: 0.5 × 45.50 = 22.75) and T5 1.5 (Lyon, admin); 1–5 November: T6 1 h on O4, 45.50.
    expect(await flash('month', '2023-12-01')).toEqual([
      { team: 'Lyon', observed_end: '2023-12-05', is_current: true, won_deals: 0, previous_won_deals: 0, won_deals_change: 0, won_value: 0, previous_won_value: 0, won_value_change: 0,
        lost_deals: 0, previous_lost_deals: 0, lost_deals_change: 0, lost_value: 0, decided_deals: 0, conversion_rate: null, previous_conversion_rate: null, conversion_rate_change: null,
        revenue: 0, previous_revenue: 0, revenue_change: 0, margin: 0, previous_margin: 0, margin_change: 0, revenue_objective_to_date: 500, revenue_objective: 1500, objective_attainment: 0,
        activity_hours: 1.5, previous_activity_hours: 0, activity_hours_change: 1.5, opportunity_time_cost: 0, previous_opportunity_time_cost: 0, opportunity_time_cost_change: 0 },
      { team: 'Paris', observed_end: '2023-12-05', is_current: true, won_deals: 1, previous_won_deals: 0, won_deals_change: 1, won_value: 4000, previous_won_value: 0, won_value_change: 4000,
        lost_deals: 1, previous_lost_deals: 0, lost_deals_change: 1, lost_value: 3000, decided_deals: 2, conversion_rate: 0.5, previous_conversion_rate: null, conversion_rate_change: null,
        revenue: 1200, previous_revenue: 0, revenue_change: 1200, margin: 40, previous_margin: 0, margin_change: 40, revenue_objective_to_date: 1000, revenue_objective: 6200, objective_attainment: 1.2,
        activity_hours: 0.5, previous_activity_hours: 1, activity_hours_change: -0.5, opportunity_time_cost: 22.75, previous_opportunity_time_cost: 45.5, opportunity_time_cost_change: -22.75 },
      { team: ALL_TEAMS, observed_end: '2023-12-05', is_current: true, won_deals: 1, previous_won_deals: 0, won_deals_change: 1, won_value: 4000, previous_won_value: 0, won_value_change: 4000,
        lost_deals: 1, previous_lost_deals: 0, lost_deals_change: 1, lost_value: 3000, decided_deals: 2, conversion_rate: 0.5, previous_conversion_rate: null, conversion_rate_change: null,
        revenue: 1200, previous_revenue: 0, revenue_change: 1200, margin: 40, previous_margin: 0, margin_change: 40, revenue_objective_to_date: 1500, revenue_objective: 7700, objective_attainment: 0.8,
        activity_hours: 2, previous_activity_hours: 1, activity_hours_change: 1, opportunity_time_cost: 22.75, previous_opportunity_time_cost: 45.5, opportunity_time_cost_change: -22.75 },
    ]);
  });

  it('compares a complete month with the whole previous month', async () => {
    // November: O1 won 12000, O2 lost 5000 → 1 / 2. Revenue F1 12000, margin 9600. Objective S2 9000 + S3 16–30 November
    // 15 × 100 = 1500 → 10500 (all elapsed). T6 1 h, 45.50 on O4. October: nothing at all.
    const [all] = (await flash('month', '2023-11-01')).filter((r) => r.team === ALL_TEAMS);
    expect(all).toMatchObject({
      observed_end: '2023-11-30', is_current: false, won_deals: 1, previous_won_deals: 0, won_value: 12000, lost_deals: 1, lost_value: 5000, decided_deals: 2,
      conversion_rate: 0.5, previous_conversion_rate: null, revenue: 12000, previous_revenue: 0, revenue_change: 12000, margin: 9600,
      revenue_objective_to_date: 10500, revenue_objective: 10500, objective_attainment: 12000 / 10500, activity_hours: 1, previous_activity_hours: 0,
      opportunity_time_cost: 45.5, previous_opportunity_time_cost: 0,
    });
  });

  it('gives the current week to date against the same days of last week', async () => {
    // Monday 4 – Tuesday 5 December: O3 lost 3000, AV1 −1200, T5 1.5 h. Objective 4–5 December: S2 400 + S3 200 = 600;
    // whole week (4–10 December): S2 1400 + S3 700 = 2100. Last week cut to Monday 27 – Tuesday 28 November: nothing.
    const [all] = (await flash('week', '2023-12-04')).filter((r) => r.team === ALL_TEAMS);
    expect(all).toMatchObject({
      observed_end: '2023-12-05', is_current: true, won_deals: 0, previous_won_deals: 0, lost_deals: 1, previous_lost_deals: 0, lost_value: 3000, conversion_rate: 0,
      revenue: -1200, previous_revenue: 0, revenue_objective_to_date: 600, revenue_objective: 2100, objective_attainment: -2, activity_hours: 1.5, previous_activity_hours: 0,
    });
  });

  it('has no previous figures before the data starts', async () => {
    // Q4 2023 would be compared with 1 July – 4 September, before the first date of the data (2023-09-12).
    const [all] = (await flash('quarter', '2023-10-01')).filter((r) => r.team === ALL_TEAMS);
    expect(all).toMatchObject({ won_deals: 2, won_value: 16000, previous_won_deals: null, won_deals_change: null, previous_revenue: null, previous_activity_hours: null });
  });

  it('publishes the flash KPIs in the glossary', async () => {
    expect(await built.db.query(`SELECT kpi, unit, numerator, denominator, needs, available FROM marts.kpi_glossary WHERE model = 'marts.flash_figures' ORDER BY kpi`)).toEqual([
      { kpi: 'Flash - conversion rate', unit: 'rate', numerator: 'won_deals', denominator: 'decided_deals', needs: [], available: true },
      { kpi: 'Flash - cost of opportunities', unit: 'EUR', numerator: null, denominator: null, needs: ['activities'], available: true },
      { kpi: 'Flash - opportunities lost', unit: 'count', numerator: null, denominator: null, needs: [], available: true },
      { kpi: 'Flash - opportunities won', unit: 'count', numerator: null, denominator: null, needs: [], available: true },
      { kpi: 'Flash - revenue to date vs objective', unit: 'rate', numerator: 'revenue', denominator: 'revenue_objective_to_date', needs: ['objectives'], available: true },
      { kpi: 'Flash - time spent', unit: 'hours', numerator: null, denominator: null, needs: ['activities'], available: true },
    ]);
  });
});

describe('flash_figures without activities nor objectives', () => {
  it('marks time, cost and objective figures unavailable and NULL, and keeps the deals', async () => {
    const { db } = await buildModelsOn(flashCompany(), { notProvided: ['activities', 'objectives'] });
    try {
      expect(await db.query(`SELECT kpi, available, unavailable_reason FROM marts.kpi_glossary WHERE model = 'marts.flash_figures' AND NOT available ORDER BY kpi`)).toEqual([
        { kpi: 'Flash - cost of opportunities', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Activités' },
        { kpi: 'Flash - revenue to date vs objective', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Objectifs' },
        { kpi: 'Flash - time spent', available: false, unavailable_reason: 'extraction non fournie (ou vide) : Activités' },
      ]);
      // Results and growth only need billing: no missing extract makes them unavailable (year-over-year
      // growth is, for less than a year of revenue: see kpi-degenerate.test.ts).
      expect(await db.query(`SELECT kpi FROM marts.kpi_glossary WHERE model IN ('marts.revenue_and_margin', 'marts.revenue_growth', 'marts.segment_mix_vs_plan', 'marts.customer_lifetime_value')
          AND (NOT available) AND kpi <> 'Revenue growth (year over year)'`)).toEqual([]);
      expect(await db.query(`SELECT won_deals, lost_deals, revenue, revenue_objective_to_date, objective_attainment, activity_hours, previous_activity_hours, opportunity_time_cost
          FROM marts.flash_figures WHERE period_type = 'month' AND period_start = DATE '2023-12-01' AND team = '${ALL_TEAMS}'`)).toEqual([
        { won_deals: 1, lost_deals: 1, revenue: 1200, revenue_objective_to_date: null, objective_attainment: null, activity_hours: null, previous_activity_hours: null, opportunity_time_cost: null },
      ]);
    } finally {
      db.close();
    }
  });
});

/**
 * The quality company: the fixture company with rows the loader rejects, and two extracts that
 * bring nothing:
 *   accounts   a second A1 (duplicate key, row 3, rejected) and A3 with segment "Platine" (row 4:
 *              a descriptive value, so A3 loads with its segment unknown and is flagged)
 *   activities T1 with duration "20 min" (row 1)
 *   contacts   C2, Jean Dupont, created 2099-01-01 (row 2)
 *   invoices   F9 in USD with no exchange rate (row 3, held out); invoice_lines: F9's line (row 3,
 *              999 USD), whose invoice is not loaded
 *   subscriptions: a file with a header and no row; referrals: not provided.
 */
/**
 * Money read from the quality company's files, by extract: deals O1 12000; invoice lines F1 12000 and
 * AV1 −1200 loaded, F9's 999 USD held out with no rate (so 0 in the reporting currency, counted
 * apart); no subscription; spend 3000 + 500.
 */
const money = (check: string, loaded: number | null, status: string, detail: string | null) => ({
  check_name: `money_${check}`, model_figure: loaded, billing_figure: loaded, difference: loaded === null ? null : 0, relative_difference: null,
  tolerance: 0.005, tolerance_unit: 'EUR', status, detail,
});
const MONEY_CHECKS = [
  money('opportunities', 12000, 'pass', 'rien d\'écarté'),
  money('invoice_lines', 10800, 'held_out', '1 ligne(s) écartée(s), 0,00 en devise de restitution, 1 sans taux de change (999,00 USD)'),
  money('subscriptions', null, 'not_applicable', null),
  money('marketing_spend', 3500, 'pass', 'rien d\'écarté'),
];

const qualityCompany = (): Company => {
  const c = company();
  c.accounts!.push(
    { ...c.accounts![0]!, account_name: 'Acier du Nord (copie)' },
    { account_id: 'A3', account_name: 'Platine SA', segment: 'Platine', industry: 'Services', employees: 10, size_band: 'PME', region: 'Bretagne', status: 'prospect', owner_seller_id: 'S2', created_at: '2023-07-01' },
  );
  c.activities!.find((a) => a.activity_id === 'T1')!.duration_minutes = '20 min';
  c.contacts!.push({ contact_id: 'C2', account_id: 'A1', first_name: 'Jean', last_name: 'Dupont', email: 'jean.dupont@example.fr', phone: '+33 6 00 00 00 00', job_title: 'DG', created_at: '2099-01-01' });
  c.invoices!.push({ invoice_id: 'F9', account_id: 'A1', opportunity_id: null, invoice_date: '2023-12-01', document_type: 'invoice', currency: 'USD' });
  c.invoice_lines!.push({ invoice_id: 'F9', line_number: 1, product_line: 'Logiciel', product_code: 'LOG-PRO', quantity: 1, unit_price: 999, discount_rate: 0, net_amount: 999, unit_cost: 100 });
  c.subscriptions = [];
  return c;
};

describe('data quality', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(qualityCompany(), { notProvided: ['referrals'] }); });
  afterAll(() => built?.db.close());
  const q = (sql: string) => built.db.query(sql);

  it('counts rows read, loaded and rejected per extract, with the freshness of each source', async () => {
    // The latest transactional date is 2023-12-05 (AV1): activities (latest kept 2023-09-28, T3) lag 68 days,
    // accounts (latest kept created 2023-07-01, A3, loaded with its segment unknown) 157 days.
    expect(await q(`SELECT extract, load_status, quality_status, files, rows_read, rows_loaded, rows_rejected, reject_rate, rejected_columns,
        is_transactional, latest_date_column, latest_date, days_behind FROM marts.data_quality
        WHERE extract IN ('accounts', 'activities', 'invoices', 'invoice_lines', 'referrals', 'subscriptions', 'sellers') ORDER BY extract`)).toEqual([
      { extract: 'accounts', load_status: 'loaded', quality_status: 'with_rejects', files: 1, rows_read: 4, rows_loaded: 3, rows_rejected: 1, reject_rate: 0.25, rejected_columns: 1, is_transactional: false, latest_date_column: 'created_at', latest_date: '2023-07-01', days_behind: 157 },
      { extract: 'activities', load_status: 'loaded', quality_status: 'with_rejects', files: 1, rows_read: 3, rows_loaded: 2, rows_rejected: 1, reject_rate: 1 / 3, rejected_columns: 1, is_transactional: true, latest_date_column: 'scheduled_at', latest_date: '2023-09-28', days_behind: 68 },
      { extract: 'invoice_lines', load_status: 'loaded', quality_status: 'with_rejects', files: 1, rows_read: 3, rows_loaded: 2, rows_rejected: 1, reject_rate: 1 / 3, rejected_columns: 1, is_transactional: true, latest_date_column: 'invoice_date (de la facture)', latest_date: '2023-12-05', days_behind: 0 },
      { extract: 'invoices', load_status: 'loaded', quality_status: 'with_rejects', files: 1, rows_read: 3, rows_loaded: 2, rows_rejected: 1, reject_rate: 1 / 3, rejected_columns: 1, is_transactional: true, latest_date_column: 'invoice_date', latest_date: '2023-12-05', days_behind: 0 },
      { extract: 'referrals', load_status: 'not_provided', quality_status: 'not_provided', files: 0, rows_read: 0, rows_loaded: 0, rows_rejected: 0, reject_rate: null, rejected_columns: 0, is_transactional: false, latest_date_column: 'referred_at', latest_date: null, days_behind: null },
      { extract: 'sellers', load_status: 'loaded', quality_status: 'ok', files: 1, rows_read: 2, rows_loaded: 2, rows_rejected: 0, reject_rate: 0, rejected_columns: 0, is_transactional: false, latest_date_column: 'start_date', latest_date: '2022-03-01', days_behind: 644 },
      { extract: 'subscriptions', load_status: 'loaded', quality_status: 'empty', files: 1, rows_read: 0, rows_loaded: 0, rows_rejected: 0, reject_rate: null, rejected_columns: 0, is_transactional: false, latest_date_column: 'start_date', latest_date: null, days_behind: null },
    ]);
    // One row per extract of the contract (17 with the optional account ownership history), and rows read = loaded + rejected everywhere.
    expect(await q(`SELECT count(*) AS n, count(*) FILTER (WHERE rows_read <> rows_loaded + rows_rejected) AS unbalanced FROM marts.data_quality`)).toEqual([{ n: 17, unbalanced: 0 }]);
  });

  it('counts rejected rows by extract, column and reason, never showing the values', async () => {
    const rows = await q('SELECT extract, column_name, reason, rejected_rows, first_lines FROM marts.data_quality_rejects ORDER BY extract, column_name');
    expect(rows).toEqual([
      { extract: 'accounts', column_name: 'account_id', reason: 'identifiant en double (la première occurrence est gardée)', rejected_rows: 1, first_lines: [4] },
      { extract: 'activities', column_name: 'duration_minutes', reason: 'valeur illisible : attendu un nombre entier', rejected_rows: 1, first_lines: [2] },
      { extract: 'contacts', column_name: 'created_at', reason: 'date dans le futur (après le 30/09/2026)', rejected_rows: 1, first_lines: [3] },
      { extract: 'invoice_lines', column_name: 'invoice_id', reason: 'référence inconnue : introuvable dans « Factures »', rejected_rows: 1, first_lines: [4] },
      { extract: 'invoices', column_name: 'currency', reason: 'pas de taux de change USD pour 12/2023', rejected_rows: 1, first_lines: [4] },
    ]);
    // The rejected values are in audit.rejects for the analyst, never in the published mart (a
    // currency code is not a value of the row's: it says which rate is missing).
    const published = JSON.stringify(rows);
    for (const value of ['20 min', 'Platine', '2099', 'F9', 'A1', 'Dupont', 'jean']) expect(published).not.toContain(value);
    expect(await q(`SELECT count(*) AS n FROM audit.rejects WHERE value IN ('20 min', 'Platine', 'USD')`)).toEqual([{ n: 2 }]);
    expect(await q(`SELECT extract, record_key, column_name, value FROM audit.flags`)).toEqual([
      { extract: 'accounts', record_key: 'account_id=A3', column_name: 'segment', value: 'Platine' },
    ]);
  });

  it('reconciles the figures to the files: money held out makes the checks say so, never pass', async () => {
    // Files: F1 12000 (cost 2400), AV1 −1200 (cost −240) loaded; F9's line, 999 USD, held out with no
    // rate to convert it: the marts miss exactly what was held out, and the checks say held_out.
    // Won deals invoiced: O1, signed 12000, invoiced 12000 (the credit note is not counted against it).
    const heldOut = '1 ligne(s) de facture écartée(s) au chargement, 0,00 en devise de restitution, 1 sans taux de change (999,00 USD) : voir les enregistrements écartés (page Qualité des données)';
    expect(await q('SELECT check_name, model_figure, billing_figure, difference, relative_difference, tolerance, tolerance_unit, status, detail FROM marts.reconciliation ORDER BY check_order')).toEqual([
      { check_name: 'revenue_total', model_figure: 10800, billing_figure: 10800, difference: 0, relative_difference: null, tolerance: 0.005, tolerance_unit: 'EUR', status: 'held_out', detail: heldOut },
      { check_name: 'revenue_by_month', model_figure: 10800, billing_figure: 10800, difference: 0, relative_difference: null, tolerance: 0.005, tolerance_unit: 'EUR', status: 'held_out', detail: `0 mois en écart sur 2 ; ${heldOut}` },
      { check_name: 'cost_total', model_figure: 2160, billing_figure: 2160, difference: 0, relative_difference: null, tolerance: 0.005, tolerance_unit: 'EUR', status: 'held_out', detail: heldOut },
      { check_name: 'margin_total', model_figure: 8640, billing_figure: 8640, difference: 0, relative_difference: null, tolerance: 0.005, tolerance_unit: 'EUR', status: 'held_out', detail: heldOut },
      { check_name: 'won_deals_vs_invoices', model_figure: 12000, billing_figure: 12000, difference: 0, relative_difference: 0, tolerance: 0.02, tolerance_unit: 'share', status: 'pass',
        detail: '1 affaire(s) gagnée(s) facturée(s), dont 0 à plus de 2 % d\'écart ; 0 affaire(s) gagnée(s) non facturée(s) (laissées de côté) ; avoirs sur les affaires gagnées facturées : -1 200,00 €' },
      // With billing, revenue is invoiced: the bookings check does not apply.
      { check_name: 'revenue_vs_bookings', model_figure: null, billing_figure: null, difference: null, relative_difference: null, tolerance: 0.005, tolerance_unit: 'EUR', status: 'not_applicable', detail: null },
      ...MONEY_CHECKS,
      // O1 was signed on 15/11 and invoiced on 20/11: the company's history says 5 days; nothing is
      // left to invoice.
      { check_name: 'won_deals_to_invoice', model_figure: 0, billing_figure: null, difference: null, relative_difference: null, tolerance: 0.005, tolerance_unit: 'EUR', status: 'pass',
        detail: '0 affaire(s) gagnée(s), 0,00 € signés pas encore facturés ; délai de facturation : 5 jours (historique de l\'entreprise : 98 % du montant signé de ses affaires gagnées est facturé dans les 5 jours qui suivent la signature)' },
    ]);
  });

  it('publishes the data quality figures in the glossary, always available', async () => {
    expect(await q(`SELECT kpi, model, needs, available FROM marts.kpi_glossary WHERE model LIKE 'marts.data_quality%' OR model = 'marts.reconciliation' ORDER BY model, kpi`)).toEqual([
      { kpi: 'Rows rejected per extract', model: 'marts.data_quality', needs: [], available: true },
      { kpi: 'Source freshness', model: 'marts.data_quality', needs: [], available: true },
      { kpi: 'Records held out or flagged', model: 'marts.data_quality_records', needs: [], available: true },
      { kpi: 'Rejected rows by reason', model: 'marts.data_quality_rejects', needs: [], available: true },
      { kpi: 'Revenue reconciliation', model: 'marts.reconciliation', needs: ['invoices', 'invoice_lines'], available: true },
      { kpi: 'Won deals vs invoices', model: 'marts.reconciliation', needs: ['invoices', 'invoice_lines'], available: true },
    ]);
  });
});

describe('reconciliation data tests', () => {
  const TESTS = singularTests(path.join(MODELS_DIR, 'tests'));
  const test = (name: string) => TESTS.filter((t) => t.name.startsWith(`${name}:`));

  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(company()); });
  afterAll(() => built?.db.close());

  it('pass on the normal build', async () => {
    expect(built.run.tests.filter((t) => t.name.startsWith('revenue_reconciles_to_billing:') || t.name.startsWith('won_deals_match_invoices:')).map((t) => [t.model, t.failures]))
      .toEqual([['marts.revenue_and_margin', 0], ['marts.reconciliation', 0]]);
  });

  it('revenue_reconciles_to_billing fails when the mart is a cent off, naming the total and the month', async () => {
    await built.db.exec(`UPDATE marts.revenue_and_margin SET revenue = revenue + 0.01 WHERE month = DATE '2023-12-01'`);
    try {
      const [result] = await runDataTests(built.db, test('revenue_reconciles_to_billing'));
      expect(result!.failures).toBe(2);
      expect(result!.sample).toEqual([
        { scope: 'total', month: null, mart_revenue: 10800.01, billing_revenue: 10800, difference: 0.01 },
        { scope: 'month', month: '2023-12-01', mart_revenue: -1199.99, billing_revenue: -1200, difference: 0.01 },
      ]);
    } finally {
      await built.db.exec(`UPDATE marts.revenue_and_margin SET revenue = revenue - 0.01 WHERE month = DATE '2023-12-01'`);
    }
    // A month missing from the mart fails too, even when another month makes up for it in total.
    await built.db.exec(`CREATE TABLE scratch_backup AS SELECT * FROM marts.revenue_and_margin`);
    try {
      await built.db.exec(`UPDATE marts.revenue_and_margin SET month = DATE '2023-11-01' WHERE month = DATE '2023-12-01'`);
      const [result] = await runDataTests(built.db, test('revenue_reconciles_to_billing'));
      expect(result!.sample).toEqual([
        { scope: 'month', month: '2023-11-01', mart_revenue: 10800, billing_revenue: 12000, difference: -1200 },
        { scope: 'month', month: '2023-12-01', mart_revenue: 0, billing_revenue: -1200, difference: 1200 },
      ].map((r) => expect.objectContaining(r)) as unknown as Record<string, unknown>[]);
      expect(result!.failures).toBe(2);
    } finally {
      await built.db.exec(`DELETE FROM marts.revenue_and_margin; INSERT INTO marts.revenue_and_margin SELECT * FROM scratch_backup; DROP TABLE scratch_backup`);
    }
    const [again] = await runDataTests(built.db, test('revenue_reconciles_to_billing'));
    expect(again!.failures).toBe(0);
  });

  it('won_deals_match_invoices fails when billing is more than 2 % away from the won amounts', async () => {
    // O1 signed 12000 on 15/11, 20 days before the data's last day (05/12): past a 5-day invoicing
    // delay (set: three weeks of history cannot measure it), so a gap is not timing. Invoiced 11800
    // is 1.7 % short (within the tolerance), 11700 is 2.5 % short. The test reads
    // intermediate.int_won_deal_invoicing: it is rebuilt from the changed lines and setting.
    await built.db.exec('UPDATE settings.kpi SET invoicing_delay_days = 5');
    const rebuild = () => built.db.exec(`CREATE OR REPLACE TABLE intermediate.int_won_deal_invoicing AS\n${fs.readFileSync(path.join(MODELS_DIR, 'intermediate', 'int_won_deal_invoicing.sql'), 'utf8')}`);
    await built.db.exec(`UPDATE staging.stg_invoice_lines SET revenue = 11800 WHERE invoice_id = 'F1'`);
    await rebuild();
    expect((await runDataTests(built.db, test('won_deals_match_invoices')))[0]!.failures).toBe(0);
    await built.db.exec(`UPDATE staging.stg_invoice_lines SET revenue = 11700 WHERE invoice_id = 'F1'`);
    await rebuild();
    const [result] = await runDataTests(built.db, test('won_deals_match_invoices'));
    expect(result!.failures).toBe(1);
    expect(result!.sample).toEqual([
      { won_deals_invoiced: 1, won_amount: 12000, invoiced_amount: 11700, to_invoice: 0, unexplained_difference: -300, relative_difference: 0.025, tolerance: 0.02 },
    ]);
    await built.db.exec(`UPDATE staging.stg_invoice_lines SET revenue = 12000 WHERE invoice_id = 'F1'`);
    await built.db.exec('UPDATE settings.kpi SET invoicing_delay_days = NULL');
    await rebuild();
  });

  it('stop the build when the extracts diverge', async () => {
    const diverging = company();
    // F1 bills O1 (signed 12000) for 10 × 1100 = 11000: 8.3 % short. With three weeks of won deals
    // the history cannot tell timing from a gap (see "signed, to be invoiced"): the company says it
    // invoices within 5 days, and O1, signed 20 days before the data's last day, is past it.
    Object.assign(diverging.invoice_lines!.find((l) => l.invoice_id === 'F1')!, { unit_price: 1100, net_amount: 11000 });
    await expect(buildModelsOn(diverging, { settingsFile: calendarYearSettings('reconciliation:\n  invoicingDelayDays: 5\n') })).rejects.toThrow(/marts\.reconciliation: won_deals_match_invoices: [\s\S]* 1 row\(s\)/);
  });
});

/**
 * Signed, to be invoiced: a won deal signed within the company's invoicing delay and not yet fully
 * invoiced is timing, not a discrepancy. Hand-worked on the fixture (data's last day 05/12/2023, the
 * credit note AV1):
 *   O1 signed 15/11, invoiced 20/11 12 000 (5 days);
 *   O8 signed 01/08 for 8 000, invoiced 5 000 on 01/08 and 3 000 on 10/09 (40 days to its last invoice);
 *   O9 signed 25/11 for 10 000, invoiced 4 000 on 26/11 (1 day so far): 6 000 left to invoice;
 *   O10 signed 01/12 for 2 000, no invoice yet.
 * History as a cohort curve (a deal counts for the days it has been seen: signed d days or more
 * before 05/12): invoices were issued 0, 1, 5 and 40 days after signature.
 *   day 0: all four deals seen (32 000 signed), 5 000 invoiced within 0 days (O8): 15.6 %;
 *   day 1: all four seen (O10 is 4 days old), 5 000 + 4 000: 28.1 %;
 *   day 5: O1 (20 days old), O8, O9 (10 days): 30 000 signed, 5 000 + 12 000 + 4 000: 70 %;
 *   day 40: only O8 (126 days old): 8 000 of 8 000: 100 %, past 98 % (1 − the 2 % tolerance).
 * The delay is 40 days (counting O9's 1 day as its whole invoicing would have cut it short). O9 and O10 were signed less than 40 days before 05/12 (after 26/10): 6 000 + 2 000 =
 * 8 000 signed, to be invoiced, on 2 deals, one without any invoice. Invoiced deals O1, O8, O9:
 * signed 30 000, invoiced 24 000, + 6 000 to invoice = 30 000: no gap.
 */
const timingCompany = (): Company => {
  const c = company();
  const won = (id: string, created: string, closed: string, amount: number) => {
    c.opportunities!.push({ opportunity_id: id, account_id: 'A1', lead_id: null, owner_seller_id: 'S2', product_line: 'Logiciel', amount, origin: 'sales', created_at: created, closed_at: closed, stage: 'won', loss_reason: null });
    c.opportunity_stage_history!.push({ opportunity_id: id, stage: 'qualified', changed_at: `${created} 09:00:00` }, { opportunity_id: id, stage: 'won', changed_at: `${closed} 17:00:00` });
  };
  const invoice = (id: string, opportunity: string, day: string, amount: number) => {
    c.invoices!.push({ invoice_id: id, account_id: 'A1', opportunity_id: opportunity, invoice_date: day, document_type: 'invoice', currency: 'EUR' });
    c.invoice_lines!.push({ invoice_id: id, line_number: 1, product_line: 'Logiciel', product_code: 'LOG-PRO', quantity: 1, unit_price: amount, discount_rate: 0, net_amount: amount, unit_cost: 0 });
  };
  won('O8', '2023-07-03', '2023-08-01', 8000);
  invoice('F8A', 'O8', '2023-08-01', 5000);
  invoice('F8B', 'O8', '2023-09-10', 3000);
  won('O9', '2023-10-02', '2023-11-25', 10000);
  invoice('F9', 'O9', '2023-11-26', 4000);
  won('O10', '2023-10-02', '2023-12-01', 2000);
  return c;
};

describe('signed, to be invoiced', () => {
  it('counts what recently won deals have not been invoiced yet as timing, not a gap, from the company\'s own invoicing delay', async () => {
    const b = await buildModelsOn(timingCompany());
    try {
      expect(b.run.tests.filter((t) => t.failures > 0)).toEqual([]);
      expect(await b.db.query('SELECT opportunity_id, is_within_delay, to_invoice, invoicing_delay_days, delay_source FROM intermediate.int_won_deal_invoicing ORDER BY opportunity_id')).toEqual([
        { opportunity_id: 'O1', is_within_delay: true, to_invoice: 0, invoicing_delay_days: 40, delay_source: 'history' },
        { opportunity_id: 'O10', is_within_delay: true, to_invoice: 2000, invoicing_delay_days: 40, delay_source: 'history' },
        { opportunity_id: 'O8', is_within_delay: false, to_invoice: 0, invoicing_delay_days: 40, delay_source: 'history' },
        { opportunity_id: 'O9', is_within_delay: true, to_invoice: 6000, invoicing_delay_days: 40, delay_source: 'history' },
      ]);
      expect(await b.db.query(`SELECT check_name, model_figure, billing_figure, difference, status, detail FROM marts.reconciliation
        WHERE check_name IN ('won_deals_vs_invoices', 'won_deals_to_invoice') ORDER BY check_order`)).toEqual([
        { check_name: 'won_deals_vs_invoices', model_figure: 30000, billing_figure: 24000, difference: -6000, status: 'pass',
          detail: '3 affaire(s) gagnée(s) facturée(s), dont 0 à plus de 2 % d\'écart ; signé, à facturer sur ces affaires : 6 000,00 € (signées depuis moins de 40 jours) ; 0 affaire(s) gagnée(s) non facturée(s) (laissées de côté) ; avoirs sur les affaires gagnées facturées : -1 200,00 €' },
        { check_name: 'won_deals_to_invoice', model_figure: 8000, billing_figure: null, difference: null, status: 'timing',
          detail: '2 affaire(s) gagnée(s), 8 000,00 € signés pas encore facturés (dont 1 sans aucune facture encore) ; délai de facturation : 40 jours (historique de l\'entreprise : 98 % du montant signé de ses affaires gagnées est facturé dans les 40 jours qui suivent la signature)' },
      ]);
    } finally {
      b.db.close();
    }
  }, 60_000);

  it('says when the history is too short to measure the delay: every won deal counts as to be invoiced', async () => {
    // Without O8 (the one slow deal invoicing is over for), the curve never reaches 98 %: day 1, all
    // three deals seen (24 000 signed), 4 000 invoiced: 16.7 %; day 5, O1 and O9 (22 000), 16 000:
    // 72.7 %. The oldest won deal, O1, is 20 days old (< 180): the delay is 21 days, every deal
    // within it, and what is not invoiced yet (O9 6 000, O10 2 000) is timing.
    const c = timingCompany();
    c.opportunities = c.opportunities!.filter((o) => o.opportunity_id !== 'O8');
    c.opportunity_stage_history = c.opportunity_stage_history!.filter((h) => h.opportunity_id !== 'O8');
    c.invoices = c.invoices!.filter((i) => i.opportunity_id !== 'O8');
    c.invoice_lines = c.invoice_lines!.filter((l) => !['F8A', 'F8B'].includes(String(l.invoice_id)));
    const b = await buildModelsOn(c);
    try {
      expect(b.run.tests.filter((t) => t.failures > 0)).toEqual([]);
      expect(await b.db.query('SELECT DISTINCT invoicing_delay_days, delay_source FROM intermediate.int_won_deal_invoicing')).toEqual([{ invoicing_delay_days: 21, delay_source: 'short_history' }]);
      const [check] = await b.db.query<{ model_figure: number; status: string; detail: string }>(`SELECT model_figure, status, detail FROM marts.reconciliation WHERE check_name = 'won_deals_to_invoice'`);
      expect(check).toEqual({ model_figure: 8000, status: 'timing',
        detail: '2 affaire(s) gagnée(s), 8 000,00 € signés pas encore facturés (dont 1 sans aucune facture encore) ; délai de facturation : 21 jours (historique de l\'entreprise trop court pour mesurer son délai de facturation : moins de six mois d\'affaires gagnées, dont le montant n\'a pas encore été facturé à 98 % ; toutes comptent comme à facturer)' });
    } finally {
      b.db.close();
    }
  }, 60_000);

  it('still fails the build on a real gap: with a 5-day delay set, O9\'s 6 000 not invoiced 10 days after signature is 20 % of what was signed', async () => {
    await expect(buildModelsOn(timingCompany(), { settingsFile: calendarYearSettings('reconciliation:\n  invoicingDelayDays: 5\n') }))
      .rejects.toThrow(/won_deals_match_invoices/);
  }, 60_000);
});
