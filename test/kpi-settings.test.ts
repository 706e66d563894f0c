/** KPI settings: one validated file, defaults documented beside each option. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS_FILE, kpiSettingsSchema, readKpiSettings, readSettingsInUse, renderKpiSettingsFile, settingsFileFor } from '../pipelines/models/kpi-settings.js';
import { SAMPLE_KPI_SETTINGS, SAMPLE_SETTINGS_FILE, SAMPLE_SETTINGS_HEADER } from '../pipelines/sample/settings.js';
import { tempDir } from './helpers/load.js';

describe('KPI settings', () => {
  it('documents every option at its neutral default, and the sample company\'s own file (npm run settings:docs)', () => {
    expect(fs.readFileSync(DEFAULTS_FILE, 'utf8')).toBe(renderKpiSettingsFile());
    expect(readKpiSettings(DEFAULTS_FILE)).toEqual(kpiSettingsSchema.parse({}));
    expect(fs.readFileSync(SAMPLE_SETTINGS_FILE, 'utf8')).toBe(renderKpiSettingsFile(SAMPLE_KPI_SETTINGS, SAMPLE_SETTINGS_HEADER));
    // The sample's year starts in October and it plans coverage and mix; the neutral defaults are
    // calendar years and no plan or target.
    const sample = readKpiSettings(SAMPLE_SETTINGS_FILE);
    expect(sample.calendar.fiscalYearFirstMonth).toBe(10);
    expect(sample.coveragePlan.Or).toEqual({ call: 8, meeting: 3 });
    const neutral = kpiSettingsSchema.parse({});
    expect(neutral.calendar.fiscalYearFirstMonth).toBe(1);
    expect(neutral.coveragePlan).toEqual({});
    expect(neutral.segmentMixTarget).toEqual({});
  });

  it('reads the company\'s file beside its extracts, else the neutral defaults — never another company\'s', () => {
    const dir = tempDir();
    expect(settingsFileFor(dir)).toBeUndefined();
    const none = readSettingsInUse(settingsFileFor(dir));
    expect(none.source).toBe('defaults');
    expect(none.settings.calendar.fiscalYearFirstMonth).toBe(1);
    fs.writeFileSync(path.join(dir, 'kpi-settings.yaml'), 'calendar:\n  fiscalYearFirstMonth: 4\ncoveragePlan:\n  Or: { call: 2 }\n');
    const own = readSettingsInUse(settingsFileFor(dir));
    expect(own.source).toBe('company');
    expect(own.settings.calendar.fiscalYearFirstMonth).toBe(4);
    expect(own.explicitKeys).toEqual(['calendar.fiscalYearFirstMonth', 'coveragePlan']);
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
