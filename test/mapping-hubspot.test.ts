/**
 * HubSpot as portals really export it: a partial folder (users, companies, deals only) with the
 * "Associated Company IDs (Primary)" variant and stage labels in another case ("Closed won"), and
 * a French portal's export (French headers and stage labels, files under their own names).
 * Expected figures worked out by hand from the fixture rows (see the comments).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MappingResult } from '../pipelines/mapping/apply.js';
import { closeMapped, mapAndLoad as mapWith } from './helpers/map-and-load.js';
import { tempDir, type Loaded } from './helpers/load.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/exports');
afterAll(closeMapped);
const mapAndLoad = (dir: string) => mapWith(dir, 'hubspot');

// Both folders hold the same four deals: won 9001 48000 + 9002 12000.5 = 60000.5 (Hugo Bernard);
// 9003 lost 8000; 9004 open 15000 (Léa Dubois).
const expectSameFigures = async (m: Loaded & { result: MappingResult }) => {
  expect(await m.db.query(`SELECT owner_seller_id, sum(amount) AS won, count(*) AS deals FROM intermediate.int_opportunity_journey WHERE is_won GROUP BY 1`))
    .toEqual([{ owner_seller_id: 'Hugo Bernard', won: 60000.5, deals: 2 }]);
  expect(await m.db.query(`SELECT sum(amount) AS open FROM staging.stg_opportunities WHERE is_open`)).toEqual([{ open: 15000 }]);
  expect(await m.rejects('opportunities')).toEqual([]);
};

describe('hubspot', () => {
  it('builds from users, companies and deals only; the primary company and any-case stage labels are read', async () => {
    const m = await mapAndLoad(path.join(FIXTURES, 'hubspot-partial'));
    await expectSameFigures(m);
    // 9002 is associated with 5002;5001 but its primary company is 5001.
    expect(await m.db.query(`SELECT opportunity_id, account_id FROM raw.opportunities WHERE opportunity_id = '9002'`)).toEqual([{ opportunity_id: '9002', account_id: '5001' }]);
    // The absent files are said, one line each, and their extracts are not provided.
    expect(m.result.missingSources.map((s) => s.source)).toEqual(['contacts', 'calls', 'meetings']);
    expect(m.result.notProvided).toEqual(expect.arrayContaining(['contacts', 'activities']));
    expect(m.result.notProvided).not.toContain('opportunities');
  });

  it('reads a French portal\'s export: headers, stage and lifecycle labels', async () => {
    const m = await mapAndLoad(path.join(FIXTURES, 'hubspot-fr'));
    await expectSameFigures(m);
    expect(await m.db.query(`SELECT account_id, status FROM raw.accounts ORDER BY 1`)).toEqual([
      { account_id: '5001', status: 'customer' }, { account_id: '5002', status: 'prospect' },
    ]);
    expect(await m.db.query(`SELECT seller_id, role FROM raw.sellers ORDER BY 1`)).toEqual([
      { seller_id: 'Claire Martin', role: 'manager' }, { seller_id: 'Hugo Bernard', role: 'account_executive' }, { seller_id: 'Léa Dubois', role: 'account_executive' },
    ]);
  });
});
