/**
 * The digest: read from two builds of the forecast fixture (test/kpi-forecast.test.ts), the second
 * with a stalled deal added, it shows the flash figures and the forecast in French formats, the new
 * alert, and the one resolved when compared the other way round.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot, renderDigest, writeDigest } from '../pipelines/digest/digest.js';
import { buildModelsOn } from './helpers/models.js';
import { tempDir } from './helpers/load.js';
import { forecastCompany } from './helpers/forecast-company.js';

const settings = () => {
  const file = path.join(tempDir(), 'kpi-settings.yaml');
  fs.writeFileSync(file, 'calendar:\n  fiscalYearFirstMonth: 1\nforecast:\n  minDecided: 1\n  runRateMonths: 2\n');
  return file;
};

describe('digest', () => {
  it('what moved since the previous build: flash, forecast, new and resolved alerts', async () => {
    const first = await buildModelsOn(forecastCompany(), { settingsFile: settings() });
    const c = forecastCompany();
    // An open deal created 2023-06-01: more than 180 days before the last deal date (2024-03-10) → stalled deals for S2.
    c.opportunities!.push({ opportunity_id: 'OLD', account_id: 'A2', lead_id: null, owner_seller_id: 'S2', product_line: 'Services', amount: 2500, origin: 'sales', created_at: '2023-06-01', closed_at: null, stage: 'qualified', loss_reason: null });
    const second = await buildModelsOn(c, { settingsFile: settings() });
    const [before, after] = [await readSnapshot(first.db), await readSnapshot(second.db)];
    first.db.close(); second.db.close();
    expect(after.alerts.filter((a) => !before.alerts.some((b) => b.key === a.key)).map((a) => a.key)).toEqual(['stalled_deals | S2 | au 10/03/2024']);

    const html = renderDigest(after, before, new Date('2024-03-16T07:00:00Z'));
    expect(html).toContain('Nouvelles alertes (1)');
    expect(html).toContain('Alertes résolues (0)');
    expect(html).toContain('Trimestre du 01/01/2024 au 31/03/2024');
    expect(html).toMatch(/Montant gagné<\/td><td>8\u202f000\s€/); // March 2024: O3 won, 8 000 €
    const back = renderDigest(before, after, new Date('2024-03-16T07:00:00Z'));
    expect(back).toContain('Alertes résolues (1)');
    expect(renderDigest(after, undefined, new Date())).toContain('Première mise à jour publiée');

    const out = await writeDigest(html, tempDir());
    expect(fs.readFileSync(out.html, 'utf8')).toBe(html);
    if (out.pdf) expect(fs.readFileSync(out.pdf).subarray(0, 4).toString()).toBe('%PDF');
    else expect(out.noPdf).toMatch(/^pas de PDF/);
  });

  it('leaves out the pipeline movement only where a release has no history marts, and reports a broken one', async () => {
    const { db } = await buildModelsOn(forecastCompany(), { settingsFile: settings() });
    try {
      // A release made before the history marts (dropped here): the section is left out, the digest still made.
      await db.exec('DROP TABLE IF EXISTS marts.forecast_movement; DROP VIEW IF EXISTS marts.forecast_movement');
      expect((await readSnapshot(db)).movement).toBeUndefined();
    } finally {
      db.close();
    }
    const broken = await buildModelsOn(forecastCompany(), { settingsFile: settings() });
    try {
      // Present but unreadable (a column gone): an error, not a silently shorter digest.
      await broken.db.exec('ALTER TABLE intermediate.int_history_snapshot_pair DROP COLUMN quarter_label');
      await expect(readSnapshot(broken.db)).rejects.toThrow(/quarter_label/);
    } finally {
      broken.db.close();
    }
  });
});
