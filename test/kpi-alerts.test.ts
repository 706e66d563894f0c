/**
 * Every alert rule of marts.alerts, firing and not firing, on the fixture company
 * (test/helpers/fixture-company.ts) plus a few rows per case. The data end is set to 2024-12-31 by
 * a 100 € invoice that day, so: the trend rules compare Oct–Dec 2024 (recent, 3 months) with
 * Oct 2023–Sep 2024 (baseline, 12 months) — Sep–Nov 2024 against Sep 2023–Aug 2024 for leads,
 * whose window ends 30 days before the data's end; the "last 12 complete months" are 2024; the
 * last complete year is 2024. Trend rules need at least 2 cases in the recent window here
 * (alerts.trendMinCount: 2) so a handful of rows suffice. Each case says how its figures work out.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModelsOn, company, type Company } from './helpers/models.js';
import { tempDir } from './helpers/load.js';

const SETTINGS = `alerts:\n  trendMinCount: 2\nfunnel:\n  outlierMinDecided: 2\n`;

const base = (): Company => {
  const c = company();
  c.invoices!.push({ invoice_id: 'END', account_id: 'A2', opportunity_id: null, invoice_date: '2024-12-31', document_type: 'invoice', currency: 'EUR' });
  c.invoice_lines!.push({ invoice_id: 'END', line_number: 1, product_line: 'Services', product_code: 'SRV', quantity: 1, unit_price: 100, discount_rate: 0, net_amount: 100, unit_cost: 0 });
  return c;
};

let n = 0;
const activity = (c: Company, a: Record<string, unknown>) => c.activities!.push({
  activity_id: `X${++n}`, seller_id: 'S2', type: 'call', counterpart: 'prospect', purpose: 'prospecting', direction: 'outbound', account_id: 'A1',
  lead_id: null, opportunity_id: null, scheduled_at: '2024-06-03 10:00:00', status: 'held', duration_minutes: 60, outcome: 'no_progress', rebooked_activity_id: null, ...a,
});

/** A deal that reached proposal and was decided on `closed` (YYYY-MM-DD). */
const decided = (c: Company, won: boolean, closed: string, seller = 'S2', productLine = 'Logiciel') => {
  const id = `D${++n}`;
  c.opportunities!.push({ opportunity_id: id, account_id: 'A1', lead_id: null, owner_seller_id: seller, product_line: productLine, amount: 1000, origin: 'sales', created_at: '2023-09-01', closed_at: closed, stage: won ? 'won' : 'lost', loss_reason: won ? null : 'prix' });
  c.opportunity_stage_history!.push({ opportunity_id: id, stage: 'qualified', changed_at: '2023-09-01 09:00:00' },
    { opportunity_id: id, stage: 'proposal', changed_at: '2023-09-02 09:00:00' }, { opportunity_id: id, stage: won ? 'won' : 'lost', changed_at: `${closed} 09:00:00` });
};

const alertsOn = async (c: Company, extraSettings = '') => {
  const file = path.join(tempDir(), 'kpi-settings.yaml');
  fs.writeFileSync(file, SETTINGS + extraSettings);
  const built = await buildModelsOn(c, { settingsFile: file });
  const rows = await built.db.query<Record<string, string | number | null>>('SELECT * FROM marts.alerts ORDER BY rule, subject');
  built.db.close();
  return rows;
};
const ofRule = (rows: Record<string, unknown>[], rule: string) => rows.filter((r) => r.rule === rule);

describe('alert rules', () => {
  it('win-rate trend break: 2/10 won lately against 8/10 before fires, 7/10 does not', async () => {
    // Baseline: 8/10 added + the fixture's O1 won 2023-11-15 = 9/11 (81.8 %); recent 2/10 = 20 %:
    // pooled 11/21, z = −0.618 / √(0.524 × 0.476 × (1/10 + 1/11)) = −2.83 ≤ −1.96.
    // Recent 7/10 = 70 %: −11.8 points but pooled 16/21, z = −0.118 / √(0.762 × 0.238 × 0.191) = −0.64: no alert.
    const make = (recentWon: number) => {
      const c = base();
      for (let i = 0; i < 10; i++) decided(c, i < 8, `2024-0${1 + (i % 9)}-15`, i % 2 ? 'S2' : 'S1');
      for (let i = 0; i < 10; i++) decided(c, i < recentWon, `2024-1${i % 3}-10`, i % 2 ? 'S2' : 'S1');
      return c;
    };
    const fired = ofRule(await alertsOn(make(2)), 'win_rate_break');
    expect(fired.map((r) => [r.subject, r.severity, r.owner_role, r.numerator, r.denominator, r.value, r.comparison_value]))
      .toEqual([['Entreprise', 'élevée', 'manager', 2, 10, 0.2, 9 / 11], ['Paris', 'moyenne', 'manager', 2, 10, 0.2, 9 / 11]]);
    expect(fired[0]!.message).toBe('Taux de gain des propositions : 20,0 % (2 / 10) sur les 3 derniers mois complets, contre 81,8 % sur les 12 mois précédents.');
    expect(fired[0]!.period).toBe('01/10/2024 – 31/12/2024');
    expect(ofRule(await alertsOn(make(7)), 'win_rate_break')).toEqual([]);
  });

  it('stalled deals: an open deal created more than 180 days before the last deal date', async () => {
    // open_pipeline's as-of is the last creation or close date of a deal: 2024-12-20 here.
    const make = (created: string) => {
      const c = base();
      decided(c, true, '2024-12-20');
      c.opportunities!.push({ opportunity_id: 'OPEN', account_id: 'A2', lead_id: null, owner_seller_id: 'S2', product_line: 'Services', amount: 4000, origin: 'sales', created_at: created, closed_at: null, stage: 'proposal', loss_reason: null });
      return c;
    };
    // Created 2024-01-15: 340 days old → stalled, all of S2's open pipeline (4 000 / 4 000 ≥ 25 %): high.
    const fired = ofRule(await alertsOn(make('2024-01-15')), 'stalled_deals');
    expect(fired.map((r) => [r.subject, r.severity, r.owner_role, r.numerator, r.denominator])).toEqual([['S2', 'élevée', 'seller', 4000, 4000]]);
    // Created 2024-09-01: 110 days.
    expect(ofRule(await alertsOn(make('2024-09-01')), 'stalled_deals')).toEqual([]);
  });

  it('concentration: one seller carrying the revenue is in the risk zone; four equal sellers are not', async () => {
    // Fixture: all revenue on S2 → the top 10 % (1 seller) holds 100 % ≥ 30 %; 2023 had it too → medium.
    const fired = ofRule(await alertsOn(base()), 'concentration_risk');
    expect(fired.map((r) => [r.period, r.severity, r.value, r.comparison_value])).toEqual([['Exercice 2024', 'moyenne', 1, 1]]);
    // Four sellers billing 1 000 € each in 2024 and the top quarter watched: 1 of 4 holds 25 % < 30 %.
    const c = base();
    c.invoice_lines = c.invoice_lines!.filter((l) => l.invoice_id !== 'END');
    c.invoices = c.invoices!.filter((i) => i.invoice_id !== 'END');
    for (const s of ['S3', 'S4', 'S5']) c.sellers!.push({ ...c.sellers![1]!, seller_id: s, seller_name: `Vendeur ${s}` });
    ['S2', 'S3', 'S4', 'S5'].forEach((s, i) => {
      c.accounts!.push({ ...c.accounts![1]!, account_id: `AC${s}`, owner_seller_id: s });
      c.invoices!.push({ invoice_id: `I${s}`, account_id: `AC${s}`, opportunity_id: null, invoice_date: `2024-12-${String(28 + i).padStart(2, '0')}`, document_type: 'invoice', currency: 'EUR' });
      c.invoice_lines!.push({ invoice_id: `I${s}`, line_number: 1, product_line: 'Services', product_code: 'SRV', quantity: 1, unit_price: 1000, discount_rate: 0, net_amount: 1000, unit_cost: 0 });
    });
    expect(ofRule(await alertsOn(c, 'concentration:\n  riskTopShare: 0.25\n'), 'concentration_risk')).toEqual([]);
  });

  it('CAC eating margin on the mature 2023 cohort', async () => {
    // A1 acquired 2023-11-15 (first year over by 2024-12-31). First-year margin: F1 12 000 − 2 400
    // and AV1 −1 200 + 240 = 8 640. Acquisition cost: 3 000 tagged Or + 500 untagged given to Or (its
    // campaign's only lead is on an Or account) + prospect time 80 min × 45,50 €/h = 60,67 → 3 560,67:
    // 41 % of the margin < 75 %. Another 5 000 € tagged Or → 8 560,67: 99,1 % ≥ 75 % (below 100 %: medium).
    expect(ofRule(await alertsOn(base()), 'cac_eats_margin')).toEqual([]);
    const c = base();
    c.marketing_spend!.push({ spend_date: '2023-10-15', campaign_id: 'K1', segment: 'Or', amount: 5000 });
    const fired = ofRule(await alertsOn(c), 'cac_eats_margin');
    expect(fired.map((r) => [r.subject, r.severity, r.owner_role, r.period])).toEqual([['Or', 'moyenne', 'finance', 'clients acquis sur l\'exercice 2023']]);
    // seller time cost is kept in cents: 80 / 60 × 45,50 = 60,67.
    expect(fired[0]!.value as number).toBeCloseTo((8500 + 60.67) / 8640, 9);
  });

  it('under-covered segments in the last complete year', async () => {
    // Plan: 1 call a year per Or and Bronze account. 2024 with an e-mail only: 0 of 1 touch for each segment → both fire.
    const plan = 'coveragePlan:\n  Or:\n    call: 1\n  Bronze:\n    call: 1\n';
    const c = base();
    activity(c, { type: 'email', outcome: null });
    expect(ofRule(await alertsOn(c, plan), 'under_covered_segment').map((r) => [r.subject, r.numerator, r.denominator, r.period]))
      .toEqual([['Bronze', 0, 1, 'Exercice 2024'], ['Or', 0, 1, 'Exercice 2024']]);
    // One held call on each account in 2024: 1 of 1 → covered.
    activity(c, {});
    activity(c, { account_id: 'A2' });
    expect(ofRule(await alertsOn(c, plan), 'under_covered_segment')).toEqual([]);
  });

  it('no-show rate rising', async () => {
    // Baseline: 20 meetings in 2024-01…09, 2 no-shows (10 %); recent (Oct–Dec): 10 meetings with 6
    // no-shows (60 %): pooled 8/30, z = 0.5 / √(0.267 × 0.733 × 0.15) = 2.93 → fires. With 1 no-show (10 %): no.
    const make = (recentNoShows: number) => {
      const c = base();
      for (let i = 0; i < 20; i++) activity(c, { type: 'meeting', scheduled_at: `2024-0${1 + (i % 9)}-10 10:00:00`, status: i < 2 ? 'no_show' : 'held', duration_minutes: i < 2 ? 0 : 60 });
      for (let i = 0; i < 10; i++) activity(c, { type: 'meeting', scheduled_at: `2024-1${i % 3}-10 10:00:00`, status: i < recentNoShows ? 'no_show' : 'held', duration_minutes: i < recentNoShows ? 0 : 60 });
      return c;
    };
    const fired = ofRule(await alertsOn(make(6)), 'no_show_rising');
    expect(fired.map((r) => [r.numerator, r.denominator, r.value, r.comparison_value])).toEqual([[6, 10, 0.6, 0.1]]);
    expect(ofRule(await alertsOn(make(1)), 'no_show_rising')).toEqual([]);
  });

  it('non-selling time above 40 % over the last 12 months: administrative hours, support calls not counted, managers excepted', async () => {
    // S2: a 60-min call, a 60-min support call to a customer and a 120-min admin task in 2024 →
    // administrative share 2 h / 4 h = 50 % > 40 % (+10 points, not more: low severity). S1 (manager):
    // the same, no alert. With a 60-min admin task: 1 h / 3 h = 33,3 % < 40 %, no alert — counting the
    // support call as non-selling too (the old reading) would have given 2 h / 3 h and fired.
    const make = (adminMinutes: number) => {
      const c = base();
      for (const seller of ['S1', 'S2']) {
        activity(c, { seller_id: seller });
        activity(c, { seller_id: seller, counterpart: 'customer', purpose: 'support', direction: 'inbound', outcome: null });
        activity(c, { seller_id: seller, type: 'admin', purpose: 'admin', counterpart: 'internal', account_id: null, direction: 'internal', outcome: null, duration_minutes: adminMinutes });
      }
      return c;
    };
    const fired = ofRule(await alertsOn(make(120)), 'non_selling_time');
    expect(fired.map((r) => [r.subject, r.severity, r.numerator, r.denominator, r.period])).toEqual([['S2', 'faible', 2, 4, 'de 01/2024 à 12/2024']]);
    expect(fired[0]!.message).toBe('Bruno Petit : 50,0 % de ses heures en tâches administratives (2 h sur 4 h), pour un plafond de 40 %.');
    expect(ofRule(await alertsOn(make(60)), 'non_selling_time')).toEqual([]);
  });

  it('objectives too easy: most seller-months far above objective', async () => {
    // S2 bills 2 000 € (no deal, so credited to the account owner) in each of Jan–Mar 2024, with a
    // monthly objective of 1 000 € (200 % ≥ 120 %): 3 of 3 seller-months far above > 50 %. At 1 800 €
    // objectives (111 %): none far above.
    const make = (objective: number) => {
      const c = base();
      c.objectives = [1, 2, 3].map((m) => ({ seller_id: 'S2', period_start: `2024-0${m}-01`, period_end: `2024-0${m}-${m === 2 ? 29 : 31}`, revenue_target: objective, new_customers_target: 1, meetings_target: 1 }));
      for (const m of [1, 2, 3]) {
        c.invoices!.push({ invoice_id: `Q${m}`, account_id: 'A1', opportunity_id: null, invoice_date: `2024-0${m}-10`, document_type: 'invoice', currency: 'EUR' });
        c.invoice_lines!.push({ invoice_id: `Q${m}`, line_number: 1, product_line: 'Services', product_code: 'SRV', quantity: 1, unit_price: 2000, discount_rate: 0, net_amount: 2000, unit_cost: 0 });
      }
      return c;
    };
    expect(ofRule(await alertsOn(make(1000)), 'objectives_too_easy').map((r) => [r.numerator, r.denominator, r.value])).toEqual([[3, 3, 1]]);
    expect(ofRule(await alertsOn(make(1800)), 'objectives_too_easy')).toEqual([]);
  });

  it('leads never engaged rising, leaving out leads too young to have been worked', async () => {
    // Baseline (Sep 2023–Aug 2024): the fixture's L1 (engaged) and L2 (never) + 8 leads in 2024-03, 1 never
    // engaged → 2/10; recent (Sep–Nov 2024): 10 leads, 8 never engaged (the 2 others get a held call):
    // pooled 10/20, z = 0.6 / √(0.25 × 0.2) = 2.68 → fires. December leads (younger than 30 days at the data's end) never count.
    const make = (recentNever: number) => {
      const c = base();
      const lead = (id: string, created: string, engaged: boolean) => {
        c.leads!.push({ lead_id: id, account_id: 'A2', contact_id: null, source: 'content', campaign_id: null, warmth: 'cold', owner_seller_id: 'S2', created_at: `${created} 09:00:00`, first_touch_at: null, status: 'new' });
        if (engaged) activity(c, { lead_id: id, account_id: 'A2', scheduled_at: `${created} 15:00:00` });
      };
      for (let i = 0; i < 8; i++) lead(`LB${i}`, '2024-03-04', i > 0);
      for (let i = 0; i < 10; i++) lead(`LR${i}`, `2024-${['09', '10', '11'][i % 3]}-04`, i >= recentNever);
      for (let i = 0; i < 10; i++) lead(`LD${i}`, '2024-12-20', false);
      return c;
    };
    const fired = ofRule(await alertsOn(make(8)), 'leads_never_engaged_rising');
    expect(fired.map((r) => [r.owner_role, r.numerator, r.denominator, r.value, r.comparison_value, r.period]))
      .toEqual([['marketing', 8, 10, 0.8, 0.2, '01/09/2024 – 30/11/2024']]);
    // 3 of 10 recent never engaged (30 % vs 20 %): z = 0.1 / √(0.25 × 0.75 × 0.2) = 0.52 → no alert.
    expect(ofRule(await alertsOn(make(3)), 'leads_never_engaged_rising')).toEqual([]);
  });

  it('a seller far below the rest of the team on a product line, after correcting for the comparisons made', async () => {
    // 2024, Logiciel: S3 wins 8 of 10, S2 wins 0 of 10: pooled 40 %, z = −0.8 / √(0.24 × 0.2) = −3.65,
    // one-sided p = Φ(−3.65) = 0.00013. Two comparisons (S2, S3), Benjamini–Hochberg at 5 %: S2's p is
    // the smallest, 0.00013 ≤ 1/2 × 0.05 → S2 fires (S3 is above, not below: no alert for it).
    // With S2 winning 6 of 10: z = −0.98, p = 0.16 > 0.025: nothing.
    const make = (s2Won: number, extraSellers = 0) => {
      const c = base();
      c.sellers!.push({ ...c.sellers![1]!, seller_id: 'S3', seller_name: 'Chloé Roux' });
      for (let i = 0; i < 10; i++) decided(c, i < 8, '2024-05-15', 'S3');
      for (let i = 0; i < 10; i++) decided(c, i < s2Won, '2024-05-15', 'S2');
      // More comparisons: sellers each winning 4 of 10 on Logiciel and on Services.
      for (let j = 0; j < extraSellers; j++) {
        c.sellers!.push({ ...c.sellers![1]!, seller_id: `T${j}`, seller_name: `Vendeur ${j}` });
        for (const line of ['Logiciel', 'Services']) for (let i = 0; i < 10; i++) decided(c, i < 4, '2024-05-15', `T${j}`, line);
      }
      return c;
    };
    const fired = ofRule(await alertsOn(make(0)), 'seller_below_team');
    expect(fired.map((r) => [r.subject, r.numerator, r.denominator, r.value, r.comparison_value, r.period])).toEqual([['S2 · Logiciel', 0, 10, 0, 0.8, 'Exercice 2024']]);
    expect(ofRule(await alertsOn(make(6)), 'seller_below_team')).toEqual([]);
    // S2 winning 2 of 10 against S3's 8 of 10 and 30 more sellers at 4 of 10 on two lines: on Logiciel
    // the rest win 8 + 120 = 128 of 310 (41.3 %), pooled 130 / 320 = 40.6 %; z = (0.2 − 0.413) /
    // √(0.406 × 0.594 × (1/10 + 1/310)) = −1.36 — not even significant alone. At 1 of 10: rest 41.3 %,
    // pooled 129 / 320 = 40.3 %, z = −1.99, p = 0.023 < 5 %: a single test would fire, but among the
    // 62 comparisons (32 on Logiciel, 30 on Services) its cut is 1/62 × 0.05 = 0.0008: no alert.
    expect(ofRule(await alertsOn(make(1, 30)), 'seller_below_team')).toEqual([]);
  });
});

const who = (r: Record<string, unknown>) => [r.rule, r.subject, r.owner_seller_id, r.owner_seller_name, r.owner_title, r.team, r.segment, r.sellers_concerned, r.evidence_url];

describe('who acts on an alert, who it is about, where its proof is', () => {
  // The fixture's sales force: Alice Martin (S1), manager of team Paris, no manager of her own;
  // Bruno Petit (S2), account executive in Paris, manager_id S1. So Alice is Bruno's manager, Paris's
  // lead (Bruno reports to her) and the head of sales (the one seller without a manager who manages someone).
  const everything = () => {
    const c = base();
    // Win rate: 8/10 then 2/10 won (as in the first case), each deal alternately S1's and S2's:
    // fires for the company and for team Paris.
    for (let i = 0; i < 10; i++) decided(c, i < 8, `2024-0${1 + (i % 9)}-15`, i % 2 ? 'S2' : 'S1');
    for (let i = 0; i < 10; i++) decided(c, i < 2, `2024-1${i % 3}-10`, i % 2 ? 'S2' : 'S1');
    // Stalled: S2's open deal created 2024-01-15, 330 days before the last deal date (2024-12-10).
    c.opportunities!.push({ opportunity_id: 'OPEN', account_id: 'A2', lead_id: null, owner_seller_id: 'S2', product_line: 'Services', amount: 4000, origin: 'sales', created_at: '2024-01-15', closed_at: null, stage: 'proposal', loss_reason: null });
    // Administrative time: S2's 60-min call, 60-min support call, 120-min admin task → 2 h / 4 h = 50 % > 40 %.
    activity(c, {});
    activity(c, { counterpart: 'customer', purpose: 'support', direction: 'inbound', outcome: null });
    activity(c, { type: 'admin', purpose: 'admin', counterpart: 'internal', account_id: null, direction: 'internal', outcome: null, duration_minutes: 120 });
    // Objectives: S2 bills 2 000 € a month in Jan–Mar 2024 against 1 000 € objectives: 3 of 3 months ≥ 120 %.
    c.objectives = [1, 2, 3].map((m) => ({ seller_id: 'S2', period_start: `2024-0${m}-01`, period_end: `2024-0${m}-${m === 2 ? 29 : 31}`, revenue_target: 1000, new_customers_target: 1, meetings_target: 1 }));
    for (const m of [1, 2, 3]) {
      c.invoices!.push({ invoice_id: `Q${m}`, account_id: 'A1', opportunity_id: null, invoice_date: `2024-0${m}-10`, document_type: 'invoice', currency: 'EUR' });
      c.invoice_lines!.push({ invoice_id: `Q${m}`, line_number: 1, product_line: 'Services', product_code: 'SRV', quantity: 1, unit_price: 2000, discount_rate: 0, net_amount: 2000, unit_cost: 0 });
    }
    // CAC: A1's first-year margin is now 8 640 + 3 × 2 000 = 14 640; 12 000 € more tagged Or brings its
    // acquisition cost to 3 560,67 + 12 000 = 15 560,67: 106 % of the margin ≥ 75 %.
    c.marketing_spend!.push({ spend_date: '2023-10-15', campaign_id: 'K1', segment: 'Or', amount: 12000 });
    return c;
  };

  it('names the seller, their manager, the team lead and the head of sales; the sellers concerned; the proving section', async () => {
    const rows = (await alertsOn(everything())).filter((r) => r.rule !== 'under_covered_segment' && r.rule !== 'no_show_rising' && r.rule !== 'leads_never_engaged_rising');
    expect(rows.map(who)).toEqual([
      ['cac_eats_margin', 'Or', null, null, 'Finance', null, 'Or', null, '/segments/Or#acquisition-par-cohorte'],
      // All revenue is S2's: the top 10 % of one seller is Bruno alone.
      ['concentration_risk', 'Entreprise', 'S1', 'Alice Martin', 'Direction commerciale', null, null, 'Bruno Petit', '/team#concentration-du-chiffre-daffaires'],
      ['non_selling_time', 'S2', 'S1', 'Alice Martin', 'Manager du commercial', 'Paris', null, 'Bruno Petit', '/sellers/S2#conversion-et-activité'],
      ['objectives_too_easy', 'Entreprise', 'S1', 'Alice Martin', 'Direction commerciale', null, null, 'Bruno Petit (3 mois sur 3)', '/team#atteinte-des-objectifs'],
      ['stalled_deals', 'S2', 'S2', 'Bruno Petit', 'Commercial concerné', 'Paris', null, 'Bruno Petit', '/funnel#pipeline-ouvert'],
      ['win_rate_break', 'Entreprise', 'S1', 'Alice Martin', 'Direction commerciale', null, null, null, '/funnel#taux-de-gain-des-propositions-face-au-repère-de-30-'],
      ['win_rate_break', 'Paris', 'S1', 'Alice Martin', 'Responsable de l\'équipe', 'Paris', null, null, '/funnel#taux-de-gain-des-propositions-face-au-repère-de-30-'],
    ]);
  });

  it('without a manager on file: the team\'s manager by role, and no head of sales named rather than a guess', async () => {
    // Bruno has no manager_id: nobody reports to Alice, so there is no head of sales (the company's
    // alerts name no one and say why); Paris's lead falls back to its seller of role manager, Alice,
    // who then owns Bruno's administrative-time alert and the team's win-rate alert.
    const c = everything();
    c.sellers![1]!.manager_id = null;
    const rows = (await alertsOn(c)).filter((r) => ['concentration_risk', 'non_selling_time', 'win_rate_break'].includes(r.rule as string));
    expect(rows.map((r) => [r.rule, r.subject, r.owner_seller_id, r.owner_seller_name, r.owner_title])).toEqual([
      ['concentration_risk', 'Entreprise', null, null, 'Direction commerciale (aucun responsable unique dans le fichier des commerciaux)'],
      ['non_selling_time', 'S2', 'S1', 'Alice Martin', 'Manager du commercial'],
      ['win_rate_break', 'Entreprise', null, null, 'Direction commerciale (aucun responsable unique dans le fichier des commerciaux)'],
      ['win_rate_break', 'Paris', 'S1', 'Alice Martin', 'Responsable de l\'équipe'],
    ]);
  });

  it('every evidence link points to a section (heading) of an existing page', () => {
    // Evidence gives each heading the id rehype-slug (github-slugger) makes of its text.
    const slugger = createRequire(import.meta.url)('github-slugger') as { slug: (text: string) => string };
    const sql = fs.readFileSync(path.resolve(import.meta.dirname, '../models/marts/alerts/alerts.sql'), 'utf8');
    const links = [...sql.matchAll(/THEN '(\/[a-z]+)(\/' \|\| [^|]+\|\| ')?#([^']+)'/g)].map((m) => ({ page: m[1]!, dynamic: m[2] != null, anchor: m[3]! }));
    expect(links.length).toBe(10);
    const pages = path.resolve(import.meta.dirname, '../site/pages');
    for (const { page, dynamic, anchor } of links) {
      const file = dynamic ? fs.readdirSync(path.join(pages, page)).map((f) => path.join(pages, page, f)).find((f) => /\/\[[a-z]+\]\.md$/.test(f))! : path.join(pages, `${page}.md`);
      const headings = fs.readFileSync(file, 'utf8').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slugger.slug(l.replace(/^#+ /, '')));
      expect(headings, `${page}#${anchor}`).toContain(anchor);
    }
  });
});
