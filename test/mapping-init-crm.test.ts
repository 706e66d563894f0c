/**
 * `mapping:init` on exports of CRMs with no built-in mapping read (Pipedrive read as an unknown
 * export, Zoho CRM, Freshsales), each written as the vendor's documented export layout: the draft
 * finds the deals, sellers and accounts from the values, the check says only what is left to
 * decide (with the lines to write), the user writes them, and the build's won revenue equals the
 * export's own total of won deals, summed from the raw file by a plain CSV read (not through the
 * mapping) and worked out by hand in the comments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkDraft } from '../pipelines/mapping/init-check.js';
import { draftMapping, runInit } from '../pipelines/mapping/init.js';
import { tempDir } from './helpers/load.js';
import { closeMapped, mapAndLoad } from './helpers/map-and-load.js';
import { exportsFolder, expectReconciled } from './helpers/mapped.js';

afterAll(closeMapped);

/** The export's own total of won deals: amount × the close month's rate (1 in the company's currency). */
const exportWonTotal = (file: string, o: { status: string; won: string; amount: string; currency?: string; closed: string }, rates: Record<string, number>) => {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
  const col = (name: string) => header!.indexOf(name);
  let cents = 0;
  for (const r of rows.filter((r) => r[col(o.status)] === o.won)) {
    const currency = o.currency ? r[col(o.currency)]! : 'EUR';
    const rate = currency === 'EUR' ? 1 : rates[`${currency} ${r[col(o.closed)]!.slice(0, 7)}`]!;
    cents += Math.round(Number(r[col(o.amount)]) * rate * 100);
  }
  return cents / 100;
};

/** Drafts a mapping for `fixture`, checks it, writes the user's decisions, checks again, builds. */
const initAndBuild = async (fixture: string, decide: (dir: string) => void) => {
  const dir = path.join(exportsFolder(fixture), fixture);
  fs.rmSync(path.join(dir, 'fx_rates.csv'), { force: true });
  const draftFile = path.join(tempDir('bi-draft-'), 'draft.yaml');
  const draft = await draftMapping(dir, tempDir('bi-init-'));
  fs.writeFileSync(draftFile, draft.yaml);
  const before = await checkDraft(dir, draftFile, tempDir('bi-check-'));
  decide(dir);
  const after = await checkDraft(dir, draftFile, tempDir('bi-check-'));
  const m = await mapAndLoad(dir, draftFile);
  const [won] = await m.db.query<{ won: number }>(`SELECT sum(amount) AS won FROM staging.stg_opportunities WHERE is_won`);
  const heldOut = await m.db.query<{ held: number }>(`SELECT sum(amount_held_out) AS held FROM audit.money WHERE extract = 'opportunities'`);
  return { dir, draft, before: before.join('\n'), after, m, won: won!.won, heldOut: heldOut[0]!.held };
};

describe('mapping:init on CRM exports it has no mapping for', () => {
  it('Pipedrive (deals, organizations, activities): Status and Stage, Won time / Lost time, the placeholder, sellers from owners', async () => {
    const r = await initAndBuild('pipedrive', (dir) => {
      fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'stages:\n  "Demo Scheduled": proposal\n');
      fs.writeFileSync(path.join(dir, 'fx_rates.csv'), 'currency,month,rate\nUSD,2024-03-01,0.92\nUSD,2024-05-01,0.93\n');
    });
    expect(r.draft.files.filter((f) => f.extract).map((f) => [f.file, f.extract])).toEqual([
      ['deals-9182736-14.csv', 'opportunities'], ['organizations-9182736-15.csv', 'accounts'],
    ]);
    // A Pipedrive export is also said to fit the built-in mapping, which reads it as it is.
    expect(r.draft.builtinFits).toEqual([{ mapping: 'pipedrive', files: ['activities-9182736-16.csv', 'deals-9182736-14.csv', 'organizations-9182736-15.csv'] }]);
    expect(r.draft.readings).toEqual(expect.arrayContaining([
      'deals-9182736-14.csv: close date "Deal - Won time" for won deals, "Deal - Lost time" for lost ones (each filled only for its deals)',
      'sellers: no list of people holds the deals\' owners: the sellers are the owners of "Deal - Owner" (team, role and cost unknown), from their first deal',
      'deals-9182736-14.csv: 2 deal(s) with no "Deal - Organization" load on the placeholder account "(non attribué)", flagged, with their money',
    ]));
    // Left to decide: the one stage its words do not place, and the USD rates of March and May.
    expect(r.before).toContain('"Demo Scheduled": qualified    # choose one of: qualified, proposal, negotiation, won, lost');
    expect(r.before).toContain('  USD,2024-03-01,RATE\n  USD,2024-05-01,RATE');
    expect(r.after).toEqual([]);
    expectReconciled(r.m);
    expect(await r.m.rejects('opportunities')).toEqual([]);
    // Won: EUR 48,000 + 12,500.50 + 3,500 + 6,000 + 2,750 = 72,750.50; USD 9,800 × 0.92 + 14,200 × 0.93 = 22,222.00.
    const expected = exportWonTotal(path.join(r.dir, 'deals-9182736-14.csv'), { status: 'Deal - Status', won: 'Won', amount: 'Deal - Value', currency: 'Deal - Currency of Value', closed: 'Deal - Won time' },
      { 'USD 2024-03': 0.92, 'USD 2024-05': 0.93 });
    expect(expected).toBe(94972.5);
    expect(r.won).toBe(expected);
    expect(r.heldOut).toBe(0);
    expect(await r.m.db.query(`SELECT count(*) AS n FROM staging.stg_opportunities WHERE is_account_unknown`)).toEqual([{ n: 2 }]);
    expect(await r.m.db.query(`SELECT seller_id FROM raw.sellers ORDER BY 1`)).toEqual([{ seller_id: 'Camille Laurent' }, { seller_id: 'Julien Moreau' }, { seller_id: 'Sofia Rossi' }]);
  }, 120_000);

  it('Zoho CRM (Deals and Accounts module exports): "Closed Won" stages, a Closing Date open deals fill too, a USD deal', async () => {
    const r = await initAndBuild('zoho-crm', (dir) => {
      fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'stages:\n  "Needs Analysis": qualified\n');
      fs.writeFileSync(path.join(dir, 'fx_rates.csv'), 'currency,month,rate\nUSD,2024-06-01,0.93\n');
    });
    expect(r.draft.builtinFits).toEqual([]);
    expect(r.draft.readings).toContain('Deals_2024_06_30.csv: close date "Closing Date", read for won and lost deals only (open deals fill it with an expected date)');
    expect(r.before).toContain('"Needs Analysis": qualified    # choose one of');
    expect(r.before).toContain('  USD,2024-06-01,RATE');
    expect(r.after).toEqual([]);
    expectReconciled(r.m);
    expect(await r.m.rejects('opportunities')).toEqual([]);
    // Closed Won: 24,000.00 + 9,500.50 + 3,200.00 (no account) + 15,000.00 USD × 0.93 (13,950.00) = 50,650.50.
    const expected = exportWonTotal(path.join(r.dir, 'Deals_2024_06_30.csv'), { status: 'Stage', won: 'Closed Won', amount: 'Amount', currency: 'Currency', closed: 'Closing Date' }, { 'USD 2024-06': 0.93 });
    expect(expected).toBe(50650.5);
    expect(r.won).toBe(expected);
    expect(r.heldOut).toBe(0);
    // Open deals keep no close date though Zoho fills their Closing Date.
    expect(await r.m.db.query(`SELECT count(*) AS n FROM raw.opportunities WHERE stage NOT IN ('won', 'lost') AND closed_at IS NOT NULL`)).toEqual([{ n: 0 }]);
  }, 120_000);

  it('Freshsales (deals, accounts, users with e-mails): the users list is the sellers, roles read from their words', async () => {
    const r = await initAndBuild('freshsales', (dir) => {
      fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'stages:\n  "Demo": proposal\n');
    });
    expect(r.draft.files.filter((f) => f.extract).map((f) => [f.file, f.extract])).toEqual([
      ['accounts.csv', 'accounts'], ['deals.csv', 'opportunities'], ['users.csv', 'sellers'],
    ]);
    expect(r.before).toContain('"Demo": qualified    # choose one of');
    expect(r.before).not.toContain('roles:');
    expect(r.draft.builtinFits).toEqual([]);
    expect(r.after).toEqual([]);
    expectReconciled(r.m);
    expect(await r.m.rejects()).toEqual([]);
    // Won: 20,000 + 6,400.50 + 2,500 (no account) = 28,900.50, in the company's currency.
    const expected = exportWonTotal(path.join(r.dir, 'deals.csv'), { status: 'Deal stage', won: 'Won', amount: 'Deal value', closed: 'Closed date' }, {});
    expect(expected).toBe(28900.5);
    expect(r.won).toBe(expected);
    expect(r.heldOut).toBe(0);
    expect(await r.m.db.query(`SELECT seller_id, role FROM raw.sellers ORDER BY 1`)).toEqual([
      { seller_id: 'Ana Costa', role: 'manager' }, { seller_id: 'Lucas Bernard', role: 'account_executive' }, { seller_id: 'Rebecca Morris', role: 'account_executive' },
    ]);
  }, 120_000);

  it('the command prints the readings and only what is left to decide; once written, nothing is left', async () => {
    const dir = path.join(exportsFolder('freshsales'), 'freshsales');
    const out = path.join(tempDir('bi-draft-'), 'my-crm.yaml');
    const run = async () => {
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
      try { await runInit(['--extracts', dir, '--out', out]); } finally { spy.mockRestore(); }
      return lines.join('\n');
    };
    const first = await run();
    expect(first).toContain('users.csv → sellers');
    expect(first).toContain('Read from the values (check them in the draft):\n  deals.csv: amounts in "Deal value"');
    expect(first).toMatch(/Left to decide:\nLabels the export's words do not place \("Demo" 1 row\(s\)\)[^\n]*\n  stages:\n    "Demo": qualified    # choose one of/);
    fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'stages:\n  "Demo": proposal\n');
    const second = await run();
    expect(second).not.toContain('Left to decide');
    expect(second).toContain(`Nothing left to decide. Build:\n  npm run build -- --extracts ${dir} --mapping`);
  }, 120_000);
});
