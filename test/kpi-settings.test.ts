/** KPI settings: one validated file, defaults documented beside each option. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kpiSettingsSchema, readKpiSettings, renderKpiSettingsFile, SHIPPED } from '../pipelines/models/kpi-settings.js';
import { MODELS_DIR } from './helpers/models.js';
import { tempDir } from './helpers/load.js';

describe('KPI settings', () => {
  it('ships a file that documents every option at its default (npm run settings:docs)', () => {
    const shipped = path.join(MODELS_DIR, 'kpi-settings.yaml');
    expect(fs.readFileSync(shipped, 'utf8')).toBe(renderKpiSettingsFile());
    expect(readKpiSettings(shipped)).toEqual(kpiSettingsSchema.parse(SHIPPED));
    // The shipped file is the sample company's: its year starts in October; a company leaving the
    // key out gets calendar years.
    expect(readKpiSettings(shipped).calendar.fiscalYearFirstMonth).toBe(10);
    expect(kpiSettingsSchema.parse({}).calendar.fiscalYearFirstMonth).toBe(1);
  });

  it('takes partial overrides and keeps the other defaults', () => {
    const file = path.join(tempDir(), 'kpi-settings.yaml');
    fs.writeFileSync(file, 'windows:\n  secondSaleDays: 60\n');
    const settings = readKpiSettings(file);
    expect(settings.windows).toEqual({ secondSaleDays: 60, referralMonths: 6 });
    expect(settings.funnel.proposalWinRateBenchmark).toBe(0.3);
  });

  it('rejects invalid values naming the key', () => {
    const file = path.join(tempDir(), 'kpi-settings.yaml');
    fs.writeFileSync(file, 'variablePay:\n  criteria:\n    - { metric: revenue_attainment, weight: 0.5 }\n    - { metric: win_rate, weight: 0.2, target: 0.3 }\nfunnel:\n  proposalWinRateBenchmark: 30\n');
    const error = String((() => { try { readKpiSettings(file); } catch (e) { return e; } })());
    expect(error).toContain(`${file} is invalid`);
    expect(error).toContain('criteria weights must sum to 1');
    expect(error).toContain('funnel.proposalWinRateBenchmark');
  });
});
