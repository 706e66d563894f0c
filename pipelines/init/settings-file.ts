/**
 * The `kpi-settings.yaml` `npm run init` writes beside the extracts: the keys the data answers,
 * each with where its value came from, and the settings that matter most but that the data cannot
 * answer, left at their neutral default under a `# TO DECIDE:` comment saying what the choice
 * means. Descriptions come from the schema, as in the shipped file (renderKpiSettingsFile).
 */
import YAML from 'yaml';
import { z } from 'zod';
import { kpiSettingsSchema } from '../models/kpi-settings.js';
import { MONTHS } from './fiscal-year.js';
import type { Findings } from './inspect.js';

type JsonNode = { description?: string; properties?: Record<string, JsonNode>; enum?: unknown[] };

const wrap = (text: string, indent: string, width = 100) => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + 2 + line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}# ${l}`);
};

const TO_DECIDE = {
  unallocatedSpend: 'TO DECIDE: marketing spend that no segment carries (brand, events, a campaign for every segment) is shared here ' +
    'by the segments of the campaign\'s leads (by_campaign_leads), the neutral choice. Choose by_new_customers to share it by the customers won, ' +
    'or exclude to leave it out of the CAC and show it as unallocated. The data cannot tell how your company thinks of that spend.',
  sellerCostMultiplier: 'TO DECIDE: 1 counts each seller hour at the hourly_cost of the sellers file, as it is. If that cost is a salary ' +
    'without overheads (employer charges, tools, office), a multiplier such as 1.3 loads them. Only your finance figures can say.',
  coveragePlan: 'TO DECIDE: no plan (empty): the coverage pages show the touches made, with no plan to compare them to and no under-coverage ' +
    'alert. To plan, write the touches per account per year by segment, e.g. Or: { call: 8, meeting: 3 }.',
  segmentMixTarget: 'TO DECIDE: no target (empty): the revenue mix by segment is shown without a target. To set one, write the share of ' +
    'revenue each segment should bring, e.g. { Or: 0.35, Argent: 0.4, Bronze: 0.25 } (summing to 1).',
};

const fiscalComment = (f: Findings) => {
  const e = f.fiscalYear;
  if (e.month && e.strength === 'strong') {
    return `From the data: the fiscal year starts in ${MONTHS[e.month - 1]} (strong evidence: ${e.because}).`;
  }
  if (e.month) {
    return `From the data, to check: the fiscal year likely starts in ${MONTHS[e.month - 1]} (moderate evidence: ${e.because}). ` +
      'If it starts in another month, write that month (1 = January).';
  }
  return `TO DECIDE: ${e.strength === 'none' ? 'no evidence' : 'weak evidence only'}: calendar year assumed (${e.because}). ` +
    'If the company\'s fiscal year starts in another month, write that month (10 = October): years and quarters of every page follow it.';
};

/** The file's text; it validates against kpiSettingsSchema (tested). */
export const renderInitSettings = (f: Findings): string => {
  const json = z.toJSONSchema(kpiSettingsSchema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
  const describe = (...keys: string[]) => {
    let node: JsonNode | undefined = json;
    for (const k of keys) node = node?.properties?.[k];
    const accepted = node?.enum ? ` (one of: ${node.enum.join(', ')})` : '';
    return node?.description ? `${node.description}${accepted}` : '';
  };
  const defaults = kpiSettingsSchema.parse({});
  const stated = [...new Set(f.currencies.flatMap((c) => (c.currency ? [c.currency] : [])))];
  const currencyLine = f.questions.some((q) => q.startsWith('Reporting currency'))
    ? `TO DECIDE: the reporting currency. The money columns state ${stated.join(', ')}; figures are shown in ${f.reporting} until you choose ` +
      `(${f.layout === 'vendor' ? 'currency: in mapping-overrides.yaml' : 'currency: { reporting: … } in extracts.yaml'}, not in this file), with rates for the others.`
    : `Reporting currency: ${f.provenCurrency ?? f.reporting}` +
      (f.provenCurrency ? ` (every amount states it; written in ${f.layout === 'vendor' ? 'mapping-overrides.yaml' : 'extracts.yaml'})` : stated.length ? ' (every amount states it)' : ` (the files state no currency: the default; if the amounts are in another one, set it in ${f.layout === 'vendor' ? 'mapping-overrides.yaml (currency: USD)' : 'extracts.yaml (currency: { reporting: USD })'})`) + '.';
  const lines = [
    `# KPI settings of the company whose extracts are in this folder, written by \`npm run init\` from its data.`,
    '# Every key is optional: keys left out take their defaults (all keys and defaults: models/kpi-settings.defaults.yaml).',
    '# "From the data" says where a value came from; "TO DECIDE" marks a choice the data cannot make, left at',
    '# its neutral default: read the comment and change the value if it does not fit the company.',
    '#',
    ...wrap(currencyLine, ''),
    'calendar:',
    ...wrap(describe('calendar', 'fiscalYearFirstMonth'), '  '),
    ...wrap(fiscalComment(f), '  '),
    `  fiscalYearFirstMonth: ${f.fiscalYear.month ?? 1}`,
    'cac:',
    ...wrap(describe('cac', 'unallocatedSpend'), '  '),
    ...wrap(`${TO_DECIDE.unallocatedSpend} ${f.spend
      ? `In this data, ${f.spend.unsegmented} of ${f.spend.rows} spend rows carry no segment${f.spend.unsegmented === 0 ? ': the choice changes nothing yet' : ''}.`
      : 'This data holds no marketing spend: the choice changes nothing yet.'}`, '  '),
    `  unallocatedSpend: ${defaults.cac.unallocatedSpend}`,
    ...wrap(describe('cac', 'sellerCostMultiplier'), '  '),
    ...wrap(TO_DECIDE.sellerCostMultiplier, '  '),
    '  sellerCostMultiplier: 1',
    ...wrap(describe('coveragePlan'), ''),
    ...wrap(TO_DECIDE.coveragePlan, ''),
    'coveragePlan: {}',
    ...wrap(describe('segmentMixTarget'), ''),
    ...wrap(TO_DECIDE.segmentMixTarget, ''),
    'segmentMixTarget: {}',
  ];
  const text = `${lines.join('\n')}\n`;
  kpiSettingsSchema.parse(YAML.parse(text)); // never write a file the build would refuse
  return text;
};
