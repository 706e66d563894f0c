/**
 * The bundled sample company's own KPI settings: its fiscal year runs from October to September, it
 * has a coverage plan and a segment mix target. The generator writes them beside the sample's
 * extracts, as any company keeps its `kpi-settings.yaml` beside its own; they apply to the sample
 * only (a company without a settings file gets the neutral defaults).
 */
import path from 'node:path';

export const SAMPLE_KPI_SETTINGS = {
  calendar: { fiscalYearFirstMonth: 10 },
  coveragePlan: {
    Or: { call: 8, meeting: 3 },
    Argent: { call: 4, meeting: 1 },
    Bronze: { call: 2 },
  },
  segmentMixTarget: { Or: 0.35, Argent: 0.4, Bronze: 0.25 },
};

/** Rendered by `npm run settings:docs`; copied beside the sample's extracts by the generator. */
export const SAMPLE_SETTINGS_FILE = path.join(import.meta.dirname, 'kpi-settings.yaml');

export const SAMPLE_SETTINGS_HEADER = [
  '# KPI settings of the bundled SAMPLE COMPANY (copied beside its generated extracts): its fiscal year',
  '# starts in October, it plans its coverage and its segment mix. Every other key is at its neutral',
  '# default. Rendered by `npm run settings:docs` from pipelines/sample/settings.ts.',
];
