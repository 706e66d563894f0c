/**
 * The choices the KPI catalogue leaves open: a company's `kpi-settings.yaml` beside its extracts
 * (every key optional; the neutral defaults below apply, documented in
 * `models/kpi-settings.defaults.yaml`). They reach the SQL models as small tables in the
 * `settings` schema, and the pages say which convention they follow (marts.settings_in_use).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ACTIVITY_OUTCOMES, ACTIVITY_TYPES, SEGMENTS } from '../contract/index.js';
import { literal, type Database } from '../db/duckdb.js';
import { parseYamlFile, validateYaml } from '../config-files.js';

const share = z.number().min(0).max(1);
const segment = z.enum(SEGMENTS);
const activityType = z.enum(ACTIVITY_TYPES);

export const kpiSettingsSchema = z.strictObject({
  calendar: z.strictObject({
    fiscalYearFirstMonth: z.number().int().min(1).max(12).default(1)
      .describe('First month of the company\'s fiscal year (1 = January … 10 = October); years and quarters of every mart and page follow it, a fiscal year being named after the calendar year it ends in (October: FY2026 = October 2025 → September 2026)'),
  }).prefault({}),
  cac: z.strictObject({
    unallocatedSpend: z.enum(['by_campaign_leads', 'by_new_customers', 'exclude']).default('by_campaign_leads')
      .describe('Spend no segment carries: shared out by the segments of the campaign\'s leads, by new customers won, or left out (shown as unallocated)'),
    sellerCostMultiplier: z.number().positive().default(1)
      .describe('Multiplier on activity hours × hourly cost, e.g. 1.2 to load overheads'),
    acquisitionCounterparts: z.array(z.enum(['prospect', 'customer'])).default(['prospect'])
      .describe('Activities with these counterparts count as acquisition time'),
    marginAlertRatio: z.number().positive().default(0.75)
      .describe('A segment is flagged when its CAC reaches this share of the first-year gross margin of the customers it won'),
    watchRatio: z.number().positive().default(0.5)
      .describe('Below the alert, a segment whose CAC reaches this share of the first-year gross margin is shown as one to watch'),
  }).refine((v) => v.watchRatio <= v.marginAlertRatio, 'cac.watchRatio must not exceed cac.marginAlertRatio').prefault({}),
  activities: z.strictObject({
    sellingTypes: z.array(activityType).default(['call', 'email', 'meeting', 'video', 'demo'])
      .describe('Activity types that count as selling time'),
    nonSellingPurposes: z.array(z.string()).default(['admin', 'support'])
      .describe('Purposes that make an activity non-selling whatever its type'),
    adminPurposes: z.array(z.string()).default(['admin'])
      .describe('Purposes of administrative (internal) time: the non-selling time alert holds their share of hours to the 40 % ceiling (support calls are time with customers, not administration)'),
    conversationTypes: z.array(activityType).default(['call', 'meeting', 'video', 'demo'])
      .describe('Held activities that count as conversations (plus inbound e-mails: a reply makes a thread)'),
    meetingTypes: z.array(activityType).default(['meeting', 'video', 'demo'])
      .describe('Activity types planned with a counterpart, for no-show rates and meeting counts'),
    advancingOutcomes: z.array(z.enum(ACTIVITY_OUTCOMES)).default(['stage_advanced', 'next_meeting_booked', 'proposal_requested'])
      .describe('Outcomes that count as measurable progress of the deal'),
    nonSellingShareTarget: share.default(0.4).describe('Target ceiling for the non-selling share of seller hours'),
  }).prefault({}),
  windows: z.strictObject({
    secondSaleDays: z.number().int().positive().default(90).describe('A second purchase within this many days of the first counts'),
    referralMonths: z.number().int().positive().default(6).describe('A valid referral within this many months of the first purchase counts'),
  }).prefault({}),
  funnel: z.strictObject({
    proposalWinRateBenchmark: share.default(0.3).describe('Benchmark line on the proposal win rate'),
    b2bAverageWinRate: share.default(0.1).describe('Market average shown for context'),
    outlierZ: z.number().positive().default(1.96).describe('Two-proportion z-test threshold for seller conversion outliers'),
    outlierMinDecided: z.number().int().positive().default(10).describe('Minimum decided proposals before a seller can be an outlier'),
    stalledAfterDays: z.number().int().positive().default(180).describe('An open deal created longer ago than this is stalled pipeline'),
    quietAfterDays: z.number().int().positive().default(30)
      .describe('An open deal with no activity held on it (since its creation when none) for more than this many days at the data\'s last day has gone quiet'),
    commitFromProbability: share.default(0.6)
      .describe('Open deals whose CRM exports no forecast category: a stage win rate at or above this is commit'),
    bestCaseFromProbability: share.default(0.3)
      .describe('…at or above this (below commit) is best case, below it pipeline (a stage with no decided deal yet: pipeline)'),
  }).refine((v) => v.bestCaseFromProbability <= v.commitFromProbability,
    'funnel.bestCaseFromProbability must not exceed funnel.commitFromProbability').prefault({}),
  concentration: z.strictObject({
    topShares: z.array(share).default([0.05, 0.1]).describe('Top fractions of sellers whose revenue share is reported'),
    riskTopShare: share.default(0.1).describe('Which top fraction the risk zone looks at'),
    riskZoneThreshold: share.default(0.3).describe('Risk zone when that top fraction carries this share of revenue or more'),
    revenueAtRiskTopN: z.array(z.number().int().positive()).default([1, 2, 3]).describe('Revenue at risk if the top N sellers left'),
    overPercentile: share.default(0.9).describe('Sellers at or above this percentile are over-performing'),
    underPercentile: share.default(0.1).describe('Sellers at or below this percentile are under-performing'),
  }).prefault({}),
  quotas: z.strictObject({
    healthyShareReaching: z.tuple([share, share]).default([0.7, 0.8]).describe('Healthy range for the share of sellers reaching objective'),
  }).prefault({}),
  variablePay: z.strictObject({
    targetBonus: z.number().nonnegative().default(12000).describe('Annual variable pay at 100 % on every criterion, EUR'),
    cap: z.number().positive().default(1.5).describe('Ceiling on each criterion\'s attainment'),
    threshold: share.default(0.5).describe('Below this attainment a criterion pays nothing'),
    criteria: z.array(z.strictObject({
      metric: z.enum(['revenue_attainment', 'meetings_per_week', 'new_customers', 'win_rate']),
      weight: share,
      target: z.number().positive().optional().describe('Target for metrics without an objective in the data (meetings per week, win rate)'),
    })).min(2).max(4).default([
      { metric: 'revenue_attainment', weight: 0.6 },
      { metric: 'meetings_per_week', weight: 0.25, target: 4 },
      { metric: 'new_customers', weight: 0.15 },
    ]).describe('2 to 4 weighted criteria; weights sum to 1'),
  }).refine((v) => Math.abs(v.criteria.reduce((s, c) => s + c.weight, 0) - 1) < 1e-9, 'criteria weights must sum to 1').prefault({}),
  reconciliation: z.strictObject({
    wonDealsTolerance: share.default(0.02)
      .describe('Largest gap allowed between the amounts of won deals and what was invoiced for them (share of the signed amount, overall); beyond it the build fails'),
    invoicingDelayDays: z.number().int().nonnegative().optional()
      .describe('Days after signature within which a won deal not yet (fully) invoiced is "signed, to be invoiced": timing, not a discrepancy. Left out: the company\'s own history (the days after signature within which it invoices 1 − wonDealsTolerance of the money it signs)'),
  }).prefault({}),
  forecast: z.strictObject({
    historyMonths: z.number().int().positive().default(24)
      .describe('Closed deals of this many months before the as-of date give the win rates and times to close'),
    minDecided: z.number().int().positive().default(10)
      .describe('Fewest decided deals for a stage × segment win rate; below it the stage\'s rate over all segments is used'),
    runRateMonths: z.number().int().positive().default(3)
      .describe('Months of revenue averaged for the run-rates'),
    simulations: z.number().int().min(100).max(10000).default(500).describe('Simulated draws for the P10–P90 interval'),
    seed: z.number().int().default(42).describe('Seed of the simulation draws (same data and seed, same interval)'),
    backtestMonths: z.number().int().positive().default(12).describe('Month starts the forecast is recomputed at, going back from the data\'s end'),
    blendWeight: share.default(0.5).describe('Weight of the pipeline method in the blend (the rest is the run-rate)'),
    calibrationMonths: z.number().int().min(0).default(24)
      .describe('Month starts before the backtest\'s at which the forecast is also recomputed, only to calibrate the interval with its errors'),
    minCalibration: z.number().int().min(9).default(10)
      .describe('Fewest past forecast errors (periods ended before the as-of date) for the empirical interval (9 at least: the fewest for which both 10 % tails hold a score); below it the simulated interval is used'),
  }).prefault({}),
  alerts: z.strictObject({
    recentMonths: z.number().int().positive().default(3).describe('Trend alerts compare the last complete months (this many)…'),
    baselineMonths: z.number().int().positive().default(12).describe('…with this many months before them'),
    trendZ: z.number().positive().default(1.96).describe('Two-proportion z-test threshold for a trend break between the two windows'),
    trendMinChange: share.default(0.05).describe('Smallest change of a rate (in points, 0.05 = 5 points) that a trend alert reports'),
    trendMinCount: z.number().int().positive().default(30).describe('Fewest cases (decided deals, meetings, leads) in the recent window for a trend alert'),
    leadEngagementDays: z.number().int().nonnegative().default(30).describe('Leads younger than this at the data\'s end are left out of the never-engaged trend (not yet had their chance)'),
    stalledHighShare: share.default(0.25).describe('Stalled deals are a high-severity alert when they hold this share of the seller\'s open pipeline value'),
    underCoveredRate: z.number().positive().default(0.8).describe('A segment is under-covered when its actual touches are below this share of the plan (last complete year)'),
    nonSellingExcludedRoles: z.array(z.enum(['manager', 'account_executive', 'sdr'])).default(['manager'])
      .describe('Roles whose non-selling time raises no alert (managing is their job)'),
    easyAttainment: z.number().positive().default(1.2).describe('A seller-month this far above objective (1.2 = 120 %) counts as far above'),
    easyShare: share.default(0.5).describe('Objectives are too easy when more than this share of the seller-months of the last 12 complete months are far above'),
    belowTeamFdr: z.number().gt(0).lt(1).default(0.05)
      .describe('A seller is far below the team on a product line when the one-sided test of their win rate stays significant at this false discovery rate (Benjamini–Hochberg over every seller × product line compared that year; at least funnel.outlierMinDecided decided proposals)'),
  }).prefault({}),
  coveragePlan: z.partialRecord(segment, z.partialRecord(activityType, z.number().nonnegative())).default({})
    .describe('Planned touches per account per year, by segment and activity type (e.g. Or: { call: 8, meeting: 3 }); none by default: coverage against plan is shown only once the company sets its plan'),
  segmentMixTarget: z.partialRecord(segment, share).default({})
    .describe('Strategic target share of revenue per segment (e.g. Or: 0.35); none by default: the mix is shown without a target'),
});

export type KpiSettings = z.infer<typeof kpiSettingsSchema>;

/**
 * Where a build's settings come from: the company's own file beside its extracts, or — when it has
 * none — the neutral defaults of the schema (calendar year, no plan or target that only fits one
 * company). Never another company's file: the bundled sample carries its own beside its extracts.
 */
export interface SettingsInUse {
  settings: KpiSettings;
  source: 'company' | 'defaults';
  /** The file read (company source only). */
  file?: string;
  /** The keys the file sets, dotted (`calendar.fiscalYearFirstMonth`, `coveragePlan`): the others are defaults. */
  explicitKeys: string[];
}

const dottedKeys = (value: unknown, prefix = '', depth = 0): string[] =>
  value && typeof value === 'object' && !Array.isArray(value) && depth < 2
    ? Object.entries(value).flatMap(([k, v]) => {
      const key = prefix ? `${prefix}.${k}` : k;
      // Records keyed by data values (segments) are one setting, not one per segment.
      return v && typeof v === 'object' && !Array.isArray(v) && !['coveragePlan', 'segmentMixTarget'].includes(key) ? dottedKeys(v, key, depth + 1) : [key];
    })
    : [];

export const readSettingsInUse = (file?: string): SettingsInUse => {
  if (!file || !fs.existsSync(file)) return { settings: kpiSettingsSchema.parse({}), source: 'defaults', explicitKeys: [] };
  const { data, raw } = validateYaml(parseYamlFile(file, 'KPI settings'), kpiSettingsSchema, 'KPI settings');
  return { settings: data, source: 'company', file, explicitKeys: dottedKeys(raw) };
};

/** The settings of `file`, or the neutral defaults when there is none. */
export const readKpiSettings = (file?: string): KpiSettings => readSettingsInUse(file).settings;

const list = (values: readonly string[]) => `[${values.map(literal).join(', ')}]::VARCHAR[]`;

/**
 * Writes the settings as tables in the `settings` schema, where models read them, with where they
 * came from (`settings.origin`: the pages say which convention they follow).
 */
export const writeKpiSettings = async (db: Database, s: KpiSettings, origin: Pick<SettingsInUse, 'source' | 'file' | 'explicitKeys'> = { source: 'defaults', explicitKeys: [] }) => {
  const scalars: Record<string, string> = {
    fiscal_year_first_month: String(s.calendar.fiscalYearFirstMonth),
    cac_unallocated_spend: literal(s.cac.unallocatedSpend),
    cac_seller_cost_multiplier: String(s.cac.sellerCostMultiplier),
    cac_acquisition_counterparts: list(s.cac.acquisitionCounterparts),
    cac_margin_alert_ratio: String(s.cac.marginAlertRatio),
    cac_watch_ratio: String(s.cac.watchRatio),
    selling_types: list(s.activities.sellingTypes),
    non_selling_purposes: list(s.activities.nonSellingPurposes),
    admin_purposes: list(s.activities.adminPurposes),
    conversation_types: list(s.activities.conversationTypes),
    meeting_types: list(s.activities.meetingTypes),
    advancing_outcomes: list(s.activities.advancingOutcomes),
    non_selling_share_target: String(s.activities.nonSellingShareTarget),
    second_sale_days: String(s.windows.secondSaleDays),
    referral_months: String(s.windows.referralMonths),
    proposal_win_rate_benchmark: String(s.funnel.proposalWinRateBenchmark),
    b2b_average_win_rate: String(s.funnel.b2bAverageWinRate),
    outlier_z: String(s.funnel.outlierZ),
    outlier_min_decided: String(s.funnel.outlierMinDecided),
    stalled_after_days: String(s.funnel.stalledAfterDays),
    quiet_after_days: String(s.funnel.quietAfterDays),
    commit_from_probability: String(s.funnel.commitFromProbability),
    best_case_from_probability: String(s.funnel.bestCaseFromProbability),
    concentration_top_shares: `[${s.concentration.topShares.join(', ')}]::DOUBLE[]`,
    risk_top_share: String(s.concentration.riskTopShare),
    risk_zone_threshold: String(s.concentration.riskZoneThreshold),
    revenue_at_risk_top_n: `[${s.concentration.revenueAtRiskTopN.join(', ')}]::INTEGER[]`,
    over_percentile: String(s.concentration.overPercentile),
    under_percentile: String(s.concentration.underPercentile),
    quota_healthy_low: String(s.quotas.healthyShareReaching[0]),
    quota_healthy_high: String(s.quotas.healthyShareReaching[1]),
    variable_pay_target_bonus: String(s.variablePay.targetBonus),
    variable_pay_cap: String(s.variablePay.cap),
    variable_pay_threshold: String(s.variablePay.threshold),
    won_deals_tolerance: String(s.reconciliation.wonDealsTolerance),
    invoicing_delay_days: s.reconciliation.invoicingDelayDays === undefined ? 'CAST(NULL AS INTEGER)' : String(s.reconciliation.invoicingDelayDays),
    forecast_history_months: String(s.forecast.historyMonths),
    forecast_min_decided: String(s.forecast.minDecided),
    forecast_run_rate_months: String(s.forecast.runRateMonths),
    forecast_simulations: String(s.forecast.simulations),
    forecast_seed: String(s.forecast.seed),
    forecast_backtest_months: String(s.forecast.backtestMonths),
    forecast_blend_weight: String(s.forecast.blendWeight),
    forecast_calibration_months: String(s.forecast.calibrationMonths),
    forecast_min_calibration: String(s.forecast.minCalibration),
    alert_recent_months: String(s.alerts.recentMonths),
    alert_baseline_months: String(s.alerts.baselineMonths),
    alert_trend_z: String(s.alerts.trendZ),
    alert_trend_min_change: String(s.alerts.trendMinChange),
    alert_trend_min_count: String(s.alerts.trendMinCount),
    alert_lead_engagement_days: String(s.alerts.leadEngagementDays),
    alert_stalled_high_share: String(s.alerts.stalledHighShare),
    alert_under_covered_rate: String(s.alerts.underCoveredRate),
    alert_non_selling_excluded_roles: list(s.alerts.nonSellingExcludedRoles),
    alert_easy_attainment: String(s.alerts.easyAttainment),
    alert_easy_share: String(s.alerts.easyShare),
    alert_below_team_fdr: String(s.alerts.belowTeamFdr),
  };
  const rows = (values: string[][]) => values.map((v) => `(${v.join(', ')})`).join(', ');
  await db.exec(`
    CREATE SCHEMA IF NOT EXISTS settings;
    CREATE OR REPLACE TABLE settings.kpi AS SELECT ${Object.entries(scalars).map(([k, v]) => `${v} AS ${k}`).join(', ')};
    CREATE OR REPLACE TABLE settings.coverage_plan (segment VARCHAR, activity_type VARCHAR, touches_per_year DOUBLE);
    CREATE OR REPLACE TABLE settings.segment_mix_target (segment VARCHAR, target_share DOUBLE);
    CREATE OR REPLACE TABLE settings.variable_pay_criteria (metric VARCHAR, weight DOUBLE, target DOUBLE);
    CREATE OR REPLACE TABLE settings.origin AS SELECT ${literal(origin.source)} AS source,
      ${origin.file ? literal(path.basename(origin.file)) : 'CAST(NULL AS VARCHAR)'} AS file_name, ${list(origin.explicitKeys)} AS explicit_keys;
  `);
  const coverage = Object.entries(s.coveragePlan).flatMap(([seg, plan]) =>
    Object.entries(plan ?? {}).map(([type, n]) => [literal(seg), literal(type), String(n)]));
  if (coverage.length) await db.exec(`INSERT INTO settings.coverage_plan VALUES ${rows(coverage)}`);
  const mix = Object.entries(s.segmentMixTarget).map(([seg, v]) => [literal(seg), String(v)]);
  if (mix.length) await db.exec(`INSERT INTO settings.segment_mix_target VALUES ${rows(mix)}`);
  await db.exec(`INSERT INTO settings.variable_pay_criteria VALUES ${rows(s.variablePay.criteria.map((c) => [literal(c.metric), String(c.weight), c.target === undefined ? 'NULL' : String(c.target)]))}`);
};

type JsonNode = { description?: string; properties?: Record<string, JsonNode>; enum?: unknown[] };

/**
 * A company's own settings, beside its extracts: when the extracts folder holds this file it is
 * read (keys left out take their defaults), so a company's fiscal year or thresholds travel with
 * its data rather than with the repository. Without it, the neutral defaults apply, and the run
 * and the pages say so.
 */
export const COMPANY_SETTINGS_FILE = 'kpi-settings.yaml';

/** The settings file a build over `extractsDir` reads, if the company wrote one. */
export const settingsFileFor = (extractsDir: string): string | undefined => {
  const own = path.join(extractsDir, COMPANY_SETTINGS_FILE);
  return fs.existsSync(own) ? own : undefined;
};

/** The neutral defaults, rendered for reference (never read by a build: they are the schema's). */
export const DEFAULTS_FILE = path.join(import.meta.dirname, '..', '..', 'models', 'kpi-settings.defaults.yaml');

/**
 * A settings file: every option at the value `values` gives it (the defaults for the others), each
 * with its description and accepted values as a comment beside it (rendered from the schema:
 * `npm run settings:docs` writes the defaults' file and the sample company's).
 */
export const renderKpiSettingsFile = (values: Record<string, unknown> = {}, header: string[] = DEFAULTS_HEADER): string => {
  const json = z.toJSONSchema(kpiSettingsSchema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
  const defaults = kpiSettingsSchema.parse(values) as Record<string, unknown>;
  const lines = [...header];
  const render = (node: JsonNode, values: Record<string, unknown>, indent: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const accepted = child.enum ? ` (one of: ${child.enum.join(', ')})` : '';
      if (child.description) lines.push(`${indent}# ${child.description}${accepted}`);
      const value = values[key];
      if (value === undefined) {
        lines.push(`${indent}# ${key}:   (left out: see above)`);
      } else if (child.properties && value && typeof value === 'object' && !Array.isArray(value)) {
        lines.push(`${indent}${key}:`);
        render(child, value as Record<string, unknown>, `${indent}  `);
      } else {
        const flat = Array.isArray(value) && value.every((v) => typeof v !== 'object');
        const rendered = flat
          ? `${key}: ${YAML.stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false }).trim()}`
          : YAML.stringify({ [key]: value }).trimEnd();
        lines.push(...rendered.split('\n').map((l) => `${indent}${l}`));
      }
    }
  };
  render(json, defaults, '');
  return `${lines.join('\n')}\n`;
};

const DEFAULTS_HEADER = [
  '# KPI settings: the NEUTRAL DEFAULTS, for reference. A build never reads this file: it reads the',
  '# company\'s own kpi-settings.yaml beside its extracts, every key optional, keys left out taking the',
  '# values below (calendar year, no coverage plan, no segment mix target). `npm run init -- --extracts DIR`',
  '# drafts a company\'s file from its data. Validated by pipelines/models/kpi-settings.ts (`npm run settings:docs`).',
];

if (process.argv[1] === import.meta.filename) {
  fs.writeFileSync(DEFAULTS_FILE, renderKpiSettingsFile());
  console.log(`wrote ${DEFAULTS_FILE}`);
  const { SAMPLE_KPI_SETTINGS, SAMPLE_SETTINGS_FILE, SAMPLE_SETTINGS_HEADER } = await import('../sample/settings.js');
  fs.writeFileSync(SAMPLE_SETTINGS_FILE, renderKpiSettingsFile(SAMPLE_KPI_SETTINGS, SAMPLE_SETTINGS_HEADER));
  console.log(`wrote ${SAMPLE_SETTINGS_FILE}`);
}
