/**
 * Pipedrive as the web app exports it (deals, organizations, activities; headers "<Object> -
 * <Field>"; Status Open / Won / Lost beside the pipeline Stage; Won time / Lost time; two deals of
 * sixteen without an organization; two won deals in USD with an fx_rates.csv beside the exports).
 * The won revenue is compared with the export's own total, summed from the raw deals file by a
 * plain CSV read (not through the mapping), and worked out by hand in the comments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHeldOut, moneyAccounts } from '../pipelines/load/held-out.js';
import { closeMapped, mapAndLoad } from './helpers/map-and-load.js';
import { expectReconciled } from './helpers/mapped.js';

afterAll(closeMapped);
const DIR = path.resolve(import.meta.dirname, 'fixtures/exports/pipedrive');

/** The export's own won total in the company's currency: Status = Won, Value × the close month's rate (1 for EUR). */
const exportWonTotal = () => {
  const rates = new Map(fs.readFileSync(path.join(DIR, 'fx_rates.csv'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(',')).map(([c, m, r]) => [`${c}-${m!.slice(0, 7)}`, Number(r)]));
  const [header, ...rows] = fs.readFileSync(path.join(DIR, 'deals-9182736-14.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const col = (name: string) => header!.indexOf(name);
  let cents = 0;
  for (const r of rows.filter((r) => r[col('Deal - Status')] === 'Won')) {
    const currency = r[col('Deal - Currency of Value')]!;
    const rate = currency === 'EUR' ? 1 : rates.get(`${currency}-${r[col('Deal - Won time')]!.slice(0, 7)}`)!;
    cents += Math.round(Number(r[col('Deal - Value')]) * rate * 100);
  }
  return cents / 100;
};

describe('pipedrive', () => {
  it('builds: won revenue equals the export\'s own won total, deals without an organization on the placeholder, no money held out', async () => {
    const m = await mapAndLoad(DIR, 'pipedrive');
    expectReconciled(m);
    expect(await m.rejects()).toEqual([]);
    // Won: EUR 48,000 + 12,500.50 + 3,500 (no organization) + 6,000 + 2,750 = 72,750.50;
    // USD 9,800 × 0.92 (March) = 9,016.00 and 14,200 × 0.93 (May) = 13,206.00: 94,972.50.
    expect(exportWonTotal()).toBe(94972.5);
    const [won] = await m.db.query<{ won: number; deals: number }>(`SELECT sum(amount) AS won, count(*) AS deals FROM staging.stg_opportunities WHERE is_won`);
    expect(won).toEqual({ won: 94972.5, deals: 7 });
    // Every deal loaded, none held out: read = loaded per currency.
    expect(m.summary('opportunities')).toMatchObject({ rowsRead: 16, rowsLoaded: 16, rowsRejected: 0 });
    const money = await m.db.query<{ currency: string; amount_read: number; amount_held_out: number }>(
      `SELECT currency, amount_read, amount_held_out FROM audit.money WHERE extract = 'opportunities' ORDER BY currency`);
    expect(money.every((r) => r.amount_held_out === 0)).toBe(true);
    expect(await checkHeldOut(m.db, { maxShare: 0, accept: false }, await moneyAccounts(m.db))).toMatchObject({ share: 0 });

    // Deals 6 (won 3,500) and 10 (open 4,200) have no organization: the placeholder account, flagged.
    expect(await m.db.query(`SELECT opportunity_id, amount FROM staging.stg_opportunities WHERE is_account_unknown ORDER BY 1`))
      .toEqual([{ opportunity_id: '10', amount: 4200 }, { opportunity_id: '6', amount: 3500 }]);
    expect((await m.flags('opportunities')).filter((f) => f.column_name === 'account_id').map((f) => f.row_number)).toHaveLength(2);

    // Stage from Status when closed, from the pipeline stage when open; close date from Won / Lost time.
    expect(await m.db.query(`SELECT opportunity_id, stage, CAST(closed_at AS VARCHAR) AS closed_at, loss_reason FROM raw.opportunities
        WHERE opportunity_id IN ('4', '5', '7', '9', '14') ORDER BY opportunity_id`)).toEqual([
      { opportunity_id: '14', stage: 'qualified', closed_at: null, loss_reason: null },
      { opportunity_id: '4', stage: 'lost', closed_at: '2024-03-12', loss_reason: 'Price' },
      { opportunity_id: '5', stage: 'proposal', closed_at: null, loss_reason: null },
      { opportunity_id: '7', stage: 'negotiation', closed_at: null, loss_reason: null },
      { opportunity_id: '9', stage: 'won', closed_at: '2024-05-14', loss_reason: null },
    ]);
    // Open pipeline: 7,400 + 15,000 + 4,200 + 5,000 + 11,000 + 1,500 = 44,100.
    expect(await m.db.query(`SELECT sum(amount) AS open FROM staging.stg_opportunities WHERE is_open`)).toEqual([{ open: 44100 }]);

    // Sellers are the deals' owners (no user list in Pipedrive), role and team unknown.
    expect(await m.db.query(`SELECT seller_id, CAST(start_date AS VARCHAR) AS start_date FROM raw.sellers ORDER BY 1`)).toEqual([
      { seller_id: 'Camille Laurent', start_date: '2023-11-02' },
      { seller_id: 'Julien Moreau', start_date: '2024-01-08' },
      { seller_id: 'Sofia Rossi', start_date: '2024-01-15' },
    ]);
    // Organizations: customer when they have a won deal (Delta Logistique and Forge & Fils have none).
    expect(await m.db.query(`SELECT account_id, status FROM raw.accounts WHERE status = 'prospect' ORDER BY 1`))
      .toEqual([{ account_id: 'Delta Logistique', status: 'prospect' }, { account_id: 'Forge & Fils', status: 'prospect' }]);
  });

  it('ties activities to deals by title and organization; those fitting no single deal keep no deal', async () => {
    const m = await mapAndLoad(DIR, 'pipedrive');
    expect(m.summary('activities')).toMatchObject({ rowsRead: 8, rowsLoaded: 8, rowsRejected: 0 });
    // 501, 502 → deal 1; 504 → 3; 505 "Trade show lead" with no organization → 6 (no organization
    // either); 506 → 5. 503 names "Boulangeries Durand – logistics", held by deals 2 and 16: none.
    // 507 names a deal not in the export; 508 names none.
    expect(await m.db.query(`SELECT activity_id, opportunity_id, type, status, duration_minutes FROM raw.activities ORDER BY 1`)).toEqual([
      { activity_id: '501', opportunity_id: '1', type: 'call', status: 'held', duration_minutes: 30 },
      { activity_id: '502', opportunity_id: '1', type: 'meeting', status: 'held', duration_minutes: 90 },
      { activity_id: '503', opportunity_id: null, type: 'call', status: 'held', duration_minutes: 15 },
      { activity_id: '504', opportunity_id: '3', type: 'email', status: 'held', duration_minutes: 0 },
      { activity_id: '505', opportunity_id: '6', type: 'meeting', status: 'held', duration_minutes: 45 },
      { activity_id: '506', opportunity_id: '5', type: 'admin', status: 'planned', duration_minutes: 0 },
      { activity_id: '507', opportunity_id: null, type: 'call', status: 'held', duration_minutes: 20 },
      { activity_id: '508', opportunity_id: null, type: 'call', status: 'held', duration_minutes: 25 },
    ]);
    // The run says which could not be tied, and why.
    expect(m.result.notices).toEqual([{
      mapping: 'pipedrive',
      notice: '2 activit(ies) name a deal that no single deal of the export fits by title and organization, loaded without their deal: ' +
        '"Boulangeries Durand – logistics" (Boulangeries Durand, 2 deals); "Delta Logistique – old quote" (Delta Logistique, no deal)',
    }]);
  });

  it('reads the French web app\'s export: "Affaire - …" headers, Gagnée / Perdue, Date de gain / Heure de l\'échec', async () => {
    const m = await mapAndLoad(path.resolve(import.meta.dirname, 'fixtures/exports/pipedrive-fr'), 'pipedrive');
    expectReconciled(m);
    expect(await m.rejects()).toEqual([]);
    // Gagnée: 20,000 + 4,500.50 (no organization: the placeholder) = 24,500.50; 23 lost; 24 open 12,000.
    expect(await m.db.query(`SELECT opportunity_id, r.stage, CAST(r.closed_at AS VARCHAR) AS closed_at, s.amount, s.is_account_unknown
        FROM staging.stg_opportunities s JOIN raw.opportunities r USING (opportunity_id) ORDER BY 1`)).toEqual([
      { opportunity_id: '21', stage: 'won', closed_at: '2024-03-05', amount: 20000, is_account_unknown: false },
      { opportunity_id: '22', stage: 'won', closed_at: '2024-04-12', amount: 4500.5, is_account_unknown: true },
      { opportunity_id: '23', stage: 'lost', closed_at: '2024-05-02', amount: 9000, is_account_unknown: false },
      { opportunity_id: '24', stage: 'proposal', closed_at: null, amount: 12000, is_account_unknown: false },
    ]);
    expect(m.result.notProvided).toContain('activities');
  });
});
