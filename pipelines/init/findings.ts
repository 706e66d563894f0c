/**
 * What `npm run init` finds in a folder, and the small rules shared by both layouts: how a date
 * order is proven over columns, how currencies are weighed, how first and last days widen.
 */
import path from 'node:path';
import type { Database } from '../db/duckdb.js';
import { withCsvFallback } from '../load/read.js';
import type { DateOrder } from '../load/date-order.js';
import type { ExtractFacts } from './contract-facts.js';
import { evidenceOf, verdictOf, type ColumnDates } from './date-profile.js';
import { fiscalYearFromObjectives, type FiscalYearEvidence } from './fiscal-year.js';
import type { Unrecognised } from './layout.js';

export interface DateColumnFinding {
  /** The file(s), relative to the folder. */
  where: string;
  column: string;
  profile: ColumnDates;
  /** What the column's slash dates prove on their own, in words. */
  verdict: string;
  /** The order its slash dates are read in for the first and last dates (undefined: not read). */
  readAs?: DateOrder;
}

export interface Findings {
  dir: string;
  layout: 'contract' | 'vendor' | 'none';
  /** Built-in mappings recognised (vendor layout). */
  mappings: string[];
  recognised: { file: string; as: string }[];
  unrecognised: Unrecognised[];
  dates: DateColumnFinding[];
  first?: { date: string; where: string };
  last?: { date: string; where: string };
  /** Rows per currency of the money columns; null: none stated, i.e. the reporting currency. */
  currencies: { currency: string | null; rows: number; where: string }[];
  /** The reporting currency in force (extracts.yaml / mapping-overrides.yaml, else EUR). */
  reporting: string;
  fiscalYear: FiscalYearEvidence;
  /** Proven facts to write: extracts.yaml keys (contract layout) or mapping-overrides.yaml keys (vendor). */
  extractsYaml: { path: (string | number)[]; value: unknown; because: string }[];
  overrides: { path: (string | number)[]; value: unknown; because: string }[];
  /** Reporting currency proven by the data (one stated currency, not the one in force). */
  provenCurrency?: string;
  /** Marketing spend rows, and those no segment carries (what cac.unallocatedSpend shares out). */
  spend?: { rows: number; unsegmented: number };
  /** What the data cannot answer: each with the lines that would answer it. */
  questions: string[];
  notes: string[];
}

export const ORDER_WORDS: Record<DateOrder, string> = { 'day/month': 'day-first', 'month/day': 'month-first' };
export const FORMATS: Record<DateOrder, { dateFormats: string[]; timestampFormats: string[] }> = {
  'day/month': { dateFormats: ['%d/%m/%Y'], timestampFormats: ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'] },
  'month/day': { dateFormats: ['%m/%d/%Y'], timestampFormats: ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y'] },
};
export const yamlFormats = (order: DateOrder) =>
  `dateFormats: ["${FORMATS[order].dateFormats.join('", "')}"], timestampFormats: ["${FORMATS[order].timestampFormats.join('", "')}"]`;

export const relative = (dir: string, file: string) => path.relative(dir, file).split(path.sep).join('/');

export const verdictWords = (c: ColumnDates) => {
  const v = verdictOf(c);
  if (v.kind === 'proven') return `${ORDER_WORDS[v.order]}, proven (${evidenceOf(c)})`;
  if (v.kind === 'contradictory') return `contradictory (${evidenceOf(c)})`;
  if (v.kind === 'ambiguous') return `ambiguous (${evidenceOf(c)})`;
  return c.iso > 0 ? 'ISO (YYYY-MM-DD)' : 'no dates';
};

/** The order a set of columns (one file, one tool) proves: one order, none, or a contradiction. */
export const provenOrder = (columns: ColumnDates[]): { kind: 'proven'; order: DateOrder } | { kind: 'ambiguous' | 'contradictory' | 'none' } => {
  const verdicts = columns.map(verdictOf);
  if (verdicts.some((v) => v.kind === 'contradictory')) return { kind: 'contradictory' };
  const orders = new Set(verdicts.flatMap((v) => (v.kind === 'proven' ? [v.order] : [])));
  if (orders.size > 1) return { kind: 'contradictory' };
  if (orders.size === 1) return { kind: 'proven', order: [...orders][0]! };
  return verdicts.some((v) => v.kind === 'ambiguous') ? { kind: 'ambiguous' } : { kind: 'none' };
};

export const widen = (findings: Findings, where: string, range: { first: string | null; last: string | null }) => {
  if (range.first && (!findings.first || range.first < findings.first.date)) findings.first = { date: range.first, where };
  if (range.last && (!findings.last || range.last > findings.last.date)) findings.last = { date: range.last, where };
};

export const countSpend = async (findings: Findings, facts: ExtractFacts[]) => {
  const spend = facts.find((f) => f.extract === 'marketing_spend');
  if (!spend) return;
  const [row] = await spend.query<{ rows: number; unsegmented: number }>((rel) =>
    `SELECT count(*) AS rows, count(*) FILTER (WHERE nullif(trim(CAST(segment AS VARCHAR)), '') IS NULL) AS unsegmented FROM ${rel}`);
  if (row) findings.spend = { rows: row.rows, unsegmented: row.unsegmented };
};

export const addCurrencies = (findings: Findings, facts: ExtractFacts[]) => {
  for (const f of facts) for (const c of f.currencies) findings.currencies.push({ currency: c.currency, rows: c.rows, where: f.extract });
};

/** Currency: one stated currency other than the one in force is proven; several are a question. */
export const decideCurrency = (findings: Findings, fxCurrencies: string[], answerLine: (code: string) => string) => {
  const stated = [...new Set(findings.currencies.flatMap((c) => (c.currency ? [c.currency] : [])))];
  const unstated = findings.currencies.some((c) => c.currency === null);
  // Rows without a currency are in the reporting currency: one currency in all is no question.
  const effective = new Set([...stated, ...(unstated ? [findings.reporting] : [])]);
  if (stated.length > 0 && effective.size === 1 && stated[0] === findings.reporting) return;
  if (stated.length === 0) {
    findings.notes.push(findings.currencies.length
      ? `No currency is stated in the money columns: every amount is read in the reporting currency, ${findings.reporting}. If the amounts are in another currency, write ${answerLine('XXX')}.`
      : `No money column with a currency in the data: amounts are read in the reporting currency, ${findings.reporting}.`);
    return;
  }
  // One stated currency, not the one in force, and no rate for it: the company's currency is that
  // one (read as the other, every amount would be held out for want of a rate). With rates, the
  // company may well report in another: a question.
  if (stated.length === 1 && !unstated && !fxCurrencies.includes(stated[0]!)) {
    findings.provenCurrency = stated[0];
    return;
  }
  const counts = stated.map((s) => `${s} (${findings.currencies.filter((c) => c.currency === s).reduce((n, c) => n + c.rows, 0)} row(s))`);
  const missing = stated.filter((s) => s !== findings.reporting && !fxCurrencies.includes(s));
  findings.questions.push(`Reporting currency: the money columns state ${counts.join(', ')}${unstated ? ', and rows without a currency (read in the reporting currency)' : ''}; ` +
    `figures are shown in ${findings.reporting} (${findings.reporting === 'EUR' ? 'the default' : 'as configured'}). Choose the company's currency with ${answerLine('XXX')}` +
    (missing.length ? `, and give rates for ${missing.join(', ')} (an fx_rates file, or currency: { rates: { ${missing[0]}: 0.92 } } in extracts.yaml): rows without a rate are held out.` : '.'));
};

/** The fiscal year from an extract's rows, read through its own relation. */
export const fiscalYearOf = (db: Database, objectives: ExtractFacts, order: DateOrder | undefined) =>
  withCsvFallback((parallel) => fiscalYearFromObjectives(db, objectives.relation(parallel), order));

/** The values that prove `order` over some columns, with an example, and how many say otherwise. */
export const proofOf = (columns: { where: string; profile: ColumnDates }[], order: DateOrder) => {
  const own = order === 'day/month' ? 'dayFirstOnly' : 'monthFirstOnly';
  const other = order === 'day/month' ? 'monthFirstOnly' : 'dayFirstOnly';
  const example = columns.find((c) => c.profile[own] > 0);
  const n = columns.reduce((t, c) => t + c.profile[own], 0);
  const against = columns.reduce((t, c) => t + c.profile[other], 0);
  const shown = example ? ` (e.g. "${example.profile[order === 'day/month' ? 'dayFirstExample' : 'monthFirstExample']}" in ${example.where}, ${example.profile.column})` : '';
  return `${n} value(s) only ${ORDER_WORDS[order]} reads${shown}, ${against} only the other order reads`;
};

