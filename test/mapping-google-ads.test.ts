/**
 * Google Ads campaign reports in the forms the UI downloads them, through the built-in mapping
 * (with the HubSpot mapping for the CRM side, as the YAML's header says to run it). Expected
 * spend is worked out by hand from the fixture's rows (arithmetic in the comments) and must equal
 * the report's own "Total: Account" row.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeMapped, mapAndLoad as mapLoadAndModel } from './helpers/map-and-load.js';
import { exportsFolder, expectReconciled, type Mapped } from './helpers/mapped.js';

let m: Mapped | undefined;
afterAll(closeMapped);

const spendByCampaign = async (mapped: Mapped) => Object.fromEntries(
  (await mapped.db.query<{ campaign: string; spend: number }>(`SELECT campaign_id AS campaign, sum(amount) AS spend FROM raw.marketing_spend GROUP BY 1`))
    .map((r) => [r.campaign, Number(r.spend)]));

describe('google-ads', () => {
  it('"Excel CSV" download (UTF-16 LE, tab-separated): title, date range and Total rows skipped and counted; spend = the report\'s total', async () => {
    m = await mapLoadAndModel(exportsFolder('hubspot', 'google-ads-excel'), 'hubspot,google-ads');
    expectReconciled(m);
    expect(m.result.rejects).toEqual([]);
    expect(await m.rejects('marketing_spend')).toEqual([]);
    // By hand: 20304050 = 2,450.75 + 1,199.25 = 3,650.00; 20304060 = 310.40; 20304061 = 89.60.
    expect(await spendByCampaign(m)).toEqual({ 20304050: 3650, 20304060: 310.4, 20304061: 89.6 });
    // 3,650.00 + 310.40 + 89.60 = 4,050.00, the file's "Total: Account" row.
    expect(await m.db.query(`SELECT sum(amount) AS spend FROM raw.marketing_spend`)).toEqual([{ spend: 4050 }]);
    const spend = m.result.extracts.find((e) => e.extract === 'marketing_spend')!;
    // 8 data lines after the header: 4 days x campaigns written, 4 "Total:" rows filtered.
    expect(spend).toMatchObject({ rowsIn: 8, rowsFiltered: 4, rowsRejected: 0, rowsWritten: 4 });
    const source = m.result.sources.find((s) => s.mapping === 'google-ads' && s.source === 'report')!;
    expect(source.files).toEqual([expect.objectContaining({ encoding: 'utf-16le', rows: 8 })]);
    // Channels: Search and Performance Max are paid search, Video paid social.
    expect(await m.db.query(`SELECT campaign_id, channel, start_date FROM raw.campaigns ORDER BY campaign_id`)).toEqual([
      { campaign_id: '20304050', channel: 'paid_search', start_date: '2024-01-03' },
      { campaign_id: '20304060', channel: 'paid_search', start_date: '2024-01-03' },
      { campaign_id: '20304061', channel: 'paid_social', start_date: '2024-01-04' },
    ]);
  });

  it('French interface download: localised headers, "1 030,00" amounts, day-first dates, "Total :" rows; spend = the report\'s total', async () => {
    // Layout as the English download; French labels UNVERIFIED (see google-ads.yaml). Amounts use
    // the narrow no-break space French locales write between thousands.
    m = await mapLoadAndModel(exportsFolder('hubspot', 'google-ads-fr'), 'hubspot,google-ads');
    expectReconciled(m);
    expect(m.result.rejects).toEqual([]);
    expect(await m.rejects('marketing_spend')).toEqual([]);
    // By hand: 20304070 = 1 030,00 + 2 112,35 = 3 142,35; 20304071 = 45,10; 20304072 = 312,55.
    expect(await spendByCampaign(m)).toEqual({ 20304070: 3142.35, 20304071: 45.1, 20304072: 312.55 });
    // 3 142,35 + 45,10 + 312,55 = 3 500,00, the file's "Total : compte" row.
    expect(await m.db.query(`SELECT sum(amount) AS spend FROM raw.marketing_spend`)).toEqual([{ spend: 3500 }]);
    expect(m.result.extracts.find((e) => e.extract === 'marketing_spend')).toMatchObject({ rowsIn: 8, rowsFiltered: 4, rowsRejected: 0, rowsWritten: 4 });
    // 15/01/2024 is the 15th of January (a day over 12 proves the order); channels from French types.
    expect(await m.db.query(`SELECT campaign_id, channel, start_date FROM raw.campaigns ORDER BY campaign_id`)).toEqual([
      { campaign_id: '20304070', channel: 'paid_search', start_date: '2024-01-15' },
      { campaign_id: '20304071', channel: 'paid_social', start_date: '2024-01-15' },
      { campaign_id: '20304072', channel: 'paid_search', start_date: '2024-01-16' },
    ]);
  });
});
