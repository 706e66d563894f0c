/**
 * The vendors' open deals keep their expected close (HubSpot's and Salesforce's Close Date of an
 * open deal, Pipedrive's "Deal - Expected close date"), their name and, where exported, their
 * forecast category; a won or lost deal's are empty (its close is closed_at). Mapping and loading
 * only: what the models make of them is test/kpi-deals.test.ts. Expected values read off the
 * fixture files (test/fixtures/exports, the vendors' documented layouts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMapping } from '../pipelines/mapping/apply.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/exports');
const open: Loaded[] = [];
afterAll(() => open.forEach((l) => l.db.close()));

const mapAndLoadOnly = async (inputDir: string, mapping: string) => {
  const outDir = path.join(tempDir('bi-mapped-'), 'out');
  await applyMapping({ inputDir, mapping, outDir });
  const loaded = await loadFolder(outDir);
  open.push(loaded);
  return loaded;
};

const deals = (l: Loaded) => l.db.query<Record<string, unknown>>(
  `SELECT opportunity_id, stage, opportunity_name, strftime(expected_close_at, '%Y-%m-%d') AS expected_close_at, forecast_category
   FROM raw.opportunities ORDER BY opportunity_id`);

describe('open deals from the vendors', () => {
  it('HubSpot: an open deal\'s Close Date is its expected close, and its Forecast category is read', async () => {
    // hubspot-partial with the deal property "Forecast category" added, as a portal using the forecast tool exports it.
    const dir = tempDir('bi-hubspot-');
    for (const f of fs.readdirSync(path.join(FIXTURES, 'hubspot-partial'))) fs.copyFileSync(path.join(FIXTURES, 'hubspot-partial', f), path.join(dir, f));
    const file = path.join(dir, 'hubspot-crm-exports-my-deals-view-2024-06-30.csv');
    const category: Record<string, string> = { '9001': 'Closed won', '9002': 'Closed won', '9003': 'Not forecasted', '9004': 'Best case' };
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    fs.writeFileSync(file, [`${lines[0]},Forecast category`, ...lines.slice(1).map((l) => `${l},${category[l.split(',')[0]!]}`)].join('\n') + '\n');
    const l = await mapAndLoadOnly(dir, 'hubspot');
    expect(await deals(l)).toEqual([
      { opportunity_id: '9001', stage: 'won', opportunity_name: 'Acier – ERP', expected_close_at: null, forecast_category: null },
      { opportunity_id: '9002', stage: 'won', opportunity_name: 'Acier – Support', expected_close_at: null, forecast_category: null },
      { opportunity_id: '9003', stage: 'lost', opportunity_name: 'Boulangeries – Caisse', expected_close_at: null, forecast_category: null },
      { opportunity_id: '9004', stage: 'negotiation', opportunity_name: 'Boulangeries – Logistique', expected_close_at: '2024-07-31', forecast_category: 'best_case' },
    ]);
    // A closed deal's category ("Closed won", "Not forecasted" on a lost deal) is ignored, not flagged.
    expect((await l.flags('opportunities')).filter((f) => f.column_name === 'forecast_category')).toEqual([]);
  });

  it('Salesforce report: open opportunities keep their Close Date as expected close; without a Forecast Category column, none', async () => {
    const rows = await deals(await mapAndLoadOnly(path.join(FIXTURES, 'salesforce'), 'salesforce'));
    const open = rows.filter((r) => !['won', 'lost'].includes(String(r.stage)));
    expect(open).toEqual([
      { opportunity_id: '006A000004', stage: 'negotiation', opportunity_name: 'Boulangeries - Logistique', expected_close_at: '2024-07-31', forecast_category: null },
      { opportunity_id: '006A000006', stage: 'proposal', opportunity_name: 'Cabinet - Extension', expected_close_at: '2024-08-31', forecast_category: null },
    ]);
    expect(rows.filter((r) => ['won', 'lost'].includes(String(r.stage))).every((r) => r.expected_close_at === null)).toBe(true);
  });

  it('Salesforce report with the Forecast Category column: an open opportunity\'s Commit and Best Case read, a closed one\'s Closed or Omitted ignored', async () => {
    const dir = tempDir('bi-salesforce-');
    for (const f of fs.readdirSync(path.join(FIXTURES, 'salesforce'))) fs.copyFileSync(path.join(FIXTURES, 'salesforce', f), path.join(dir, f));
    const file = path.join(dir, 'Opportunities report-2024-06-30.csv');
    // Closed opportunities carry "Closed" (or Omitted for a lost one), open ones their seller's call.
    const category: Record<string, string> = { '006A000004': 'Commit', '006A000006': 'Best Case', '006A000003': 'Omitted' };
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, lines.map((l, i) => (i === 0 ? `${l},"Forecast Category"` : l.startsWith('"006')
      ? `${l},"${category[l.slice(1, 11)] ?? 'Closed'}"` : l)).join('\n'));
    const l = await mapAndLoadOnly(dir, 'salesforce');
    expect((await deals(l)).filter((r) => r.forecast_category !== null).map((r) => [r.opportunity_id, r.forecast_category])).toEqual([
      ['006A000004', 'commit'], ['006A000006', 'best_case'],
    ]);
    expect((await l.flags('opportunities')).filter((f) => f.column_name === 'forecast_category')).toEqual([]);
  });

  it('Salesforce Data Export: CloseDate and ForecastCategoryName of the open opportunity; Closed ignored on closed ones', async () => {
    const l = await mapAndLoadOnly(path.join(FIXTURES, 'salesforce-data-export'), 'salesforce');
    const rows = await deals(l);
    expect(rows.filter((r) => r.expected_close_at !== null || r.forecast_category !== null)).toEqual([
      { opportunity_id: '0065g00000Opp04AAA', stage: 'negotiation', opportunity_name: 'Boulangeries - Logistique', expected_close_at: '2024-07-31', forecast_category: 'commit' },
    ]);
    expect((await l.flags('opportunities')).filter((f) => f.column_name === 'forecast_category')).toEqual([]);
  });

  it('Pipedrive: "Deal - Expected close date" of open deals, English and French web app', async () => {
    const en = (await deals(await mapAndLoadOnly(path.join(FIXTURES, 'pipedrive'), 'pipedrive'))).filter((r) => r.expected_close_at !== null);
    expect(en.map((r) => [r.opportunity_id, r.opportunity_name, r.expected_close_at])).toEqual([
      ['10', 'Inbound demo request', '2024-08-30'],
      ['12', 'Delta Logistique – pilot', '2024-09-30'],
      ['14', 'Forge & Fils – maintenance', '2024-10-31'],
      ['16', 'Boulangeries Durand – logistics', '2024-09-30'],
      ['5', 'Étoile Conseil – audit', '2024-07-31'],
      ['7', 'Forge & Fils – tooling', '2024-07-15'],
    ]);
    const fr = (await deals(await mapAndLoadOnly(path.join(FIXTURES, 'pipedrive-fr'), 'pipedrive'))).filter((r) => r.expected_close_at !== null);
    expect(fr).toEqual([{ opportunity_id: '24', stage: 'proposal', opportunity_name: 'Delta – flotte', expected_close_at: '2024-09-30', forecast_category: null }]);
  });
});
