/**
 * `npm run init`'s look at a folder: what it holds, the date orders, currencies, first and last
 * dates and the fiscal year the objectives suggest, and from them what to write (only what the
 * data proves) and what to ask (everything it cannot tell). Printing and writing are cli.ts's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ident, openDatabase, type Database } from '../db/duckdb.js';
import type { DateOrder } from '../load/date-order.js';
import { orderOfFormats } from '../load/date-order.js';
import { readExtractsConfig, type ExtractsConfig } from '../load/extracts-config.js';
import { locateExtract, withCsvFallback, type LocatedExtract } from '../load/read.js';
import { CORE_EXTRACTS, EXTRACTS, extractByName } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import { applyMapping } from '../mapping/apply.js';
import { loadMappings, type LoadedMapping } from '../mapping/load-mapping.js';
import { applyOverrides, overridesSchema, readOverrides } from '../mapping/overrides.js';
import { readSources } from '../mapping/sources.js';
import { readContractFacts, type ExtractFacts } from './contract-facts.js';
import { evidenceOf, isDateColumn, profileDates, rangeOf, verdictOf, type ColumnDates } from './date-profile.js';
import { fiscalYearFromObjectives, type FiscalYearEvidence } from './fiscal-year.js';
import { findLayout, type Unrecognised } from './layout.js';

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

const ORDER_WORDS: Record<DateOrder, string> = { 'day/month': 'day-first', 'month/day': 'month-first' };
const FORMATS: Record<DateOrder, { dateFormats: string[]; timestampFormats: string[] }> = {
  'day/month': { dateFormats: ['%d/%m/%Y'], timestampFormats: ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'] },
  'month/day': { dateFormats: ['%m/%d/%Y'], timestampFormats: ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y'] },
};
const yamlFormats = (order: DateOrder) =>
  `dateFormats: ["${FORMATS[order].dateFormats.join('", "')}"], timestampFormats: ["${FORMATS[order].timestampFormats.join('", "')}"]`;

const relative = (dir: string, file: string) => path.relative(dir, file).split(path.sep).join('/');

const verdictWords = (c: ColumnDates) => {
  const v = verdictOf(c);
  if (v.kind === 'proven') return `${ORDER_WORDS[v.order]}, proven (${evidenceOf(c)})`;
  if (v.kind === 'contradictory') return `contradictory (${evidenceOf(c)})`;
  if (v.kind === 'ambiguous') return `ambiguous (${evidenceOf(c)})`;
  return c.iso > 0 ? 'ISO (YYYY-MM-DD)' : 'no dates';
};

/** The order a set of columns (one file, one tool) proves: one order, none, or a contradiction. */
const provenOrder = (columns: ColumnDates[]): { kind: 'proven'; order: DateOrder } | { kind: 'ambiguous' | 'contradictory' | 'none' } => {
  const verdicts = columns.map(verdictOf);
  if (verdicts.some((v) => v.kind === 'contradictory')) return { kind: 'contradictory' };
  const orders = new Set(verdicts.flatMap((v) => (v.kind === 'proven' ? [v.order] : [])));
  if (orders.size > 1) return { kind: 'contradictory' };
  if (orders.size === 1) return { kind: 'proven', order: [...orders][0]! };
  return verdicts.some((v) => v.kind === 'ambiguous') ? { kind: 'ambiguous' } : { kind: 'none' };
};

const widen = (findings: Findings, where: string, range: { first: string | null; last: string | null }) => {
  if (range.first && (!findings.first || range.first < findings.first.date)) findings.first = { date: range.first, where };
  if (range.last && (!findings.last || range.last > findings.last.date)) findings.last = { date: range.last, where };
};

const countSpend = async (findings: Findings, facts: ExtractFacts[]) => {
  const spend = facts.find((f) => f.extract === 'marketing_spend');
  if (!spend) return;
  const [row] = await spend.query<{ rows: number; unsegmented: number }>((rel) =>
    `SELECT count(*) AS rows, count(*) FILTER (WHERE nullif(trim(CAST(segment AS VARCHAR)), '') IS NULL) AS unsegmented FROM ${rel}`);
  if (row) findings.spend = { rows: row.rows, unsegmented: row.unsegmented };
};

const addCurrencies = (findings: Findings, facts: ExtractFacts[]) => {
  for (const f of facts) for (const c of f.currencies) findings.currencies.push({ currency: c.currency, rows: c.rows, where: f.extract });
};

/** Currency: one stated currency other than the one in force is proven; several are a question. */
const decideCurrency = (findings: Findings, fxCurrencies: string[], answerLine: (code: string) => string) => {
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

const inspectContract = async (db: Database, findings: Findings, dir: string, config: ExtractsConfig, located: LocatedExtract[], scratch: string) => {
  const facts = await readContractFacts(db, located, config, scratch);
  for (const f of facts) {
    const where = f.files.map((x) => relative(dir, x)).join(', ');
    findings.recognised.push(...f.files.map((x) => ({ file: relative(dir, x), as: `extract ${f.extract}` })));
    const withSlash = f.dates.filter((d) => d.slash > 0);
    const proven = provenOrder(withSlash);
    const loaderOrder = [...f.loaderOrder.values()].find((o) => o !== undefined);
    let readAs: DateOrder | undefined = loaderOrder;
    if (proven.kind === 'proven') {
      readAs = proven.order;
      if (loaderOrder !== proven.order) {
        if (f.explicit) {
          findings.questions.push(`${where}: extracts.yaml reads its slash dates ${loaderOrder ? ORDER_WORDS[loaderOrder] : 'not at all'}, but the data proves them ${ORDER_WORDS[proven.order]}; ` +
            `the build will stop. If the data is right, write in extracts.yaml: files: { ${f.extract}: { ${yamlFormats(proven.order)} } }`);
        } else {
          findings.extractsYaml.push({ path: ['files', f.extract], value: FORMATS[proven.order],
            because: `${where}: slash dates proven ${ORDER_WORDS[proven.order]}: ${proofOf(withSlash.map((profile) => ({ where, profile })), proven.order)}; ` +
              `the defaults read ${loaderOrder ? ORDER_WORDS[loaderOrder] : 'ISO dates only'}` });
        }
      }
    } else if (proven.kind === 'contradictory') {
      findings.questions.push(`${where}: its slash dates contradict each other (${withSlash.map((c) => `${c.column}: ${evidenceOf(c)}`).join('; ')}): ` +
        'some can only be day-first, others only month-first. Correct the export (one order per file), then run init again.');
    } else if (proven.kind === 'ambiguous' && !f.explicit) {
      readAs = undefined;
      findings.questions.push(`${where}: every slash date reads both ways (${withSlash.map((c) => `${c.column}: ${evidenceOf(c)}`).join('; ')}), so the data cannot tell day-first from month-first ` +
        `and the build will stop. Say which in extracts.yaml: files: { ${f.extract}: { ${yamlFormats('day/month')} } } for day-first, ` +
        `or files: { ${f.extract}: { ${yamlFormats('month/day')} } } for month-first.`);
    }
    for (const c of f.dates.filter((d) => d.nonEmpty > 0)) {
      const order = c.slash > 0 ? readAs : undefined;
      findings.dates.push({ where, column: c.column, profile: c, verdict: verdictWords(c), readAs: order });
      // The data's first and last days are those of its events (dates the contract says cannot be
      // in the future), not of period ends or planned dates.
      if (columnsOf(extractByName(f.extract)!).find((x) => x.name === c.column)?.notInFuture) widen(findings, `${f.extract}.${c.column}`, rangeOf(c, order));
    }
  }
  const absentCore = CORE_EXTRACTS.filter((c) => !facts.some((f) => f.extract === c));
  if (absentCore.length) findings.notes.push(`The core extract(s) ${absentCore.join(', ')} are not in the folder: every company needs them, and the build will stop without them.`);
  addCurrencies(findings, facts);
  await countSpend(findings, facts);
  const fx = facts.find((f) => f.extract === 'fx_rates');
  const fxCurrencies = fx ? (await fx.query<{ c: string }>((rel) => `SELECT DISTINCT upper(trim(CAST(currency AS VARCHAR))) AS c FROM ${rel}`)).map((r) => r.c) : [];
  decideCurrency(findings, [...fxCurrencies, ...Object.keys(config.currency.rates)], (code) => `currency: { reporting: ${code} } in extracts.yaml`);
  if (findings.provenCurrency) {
    findings.extractsYaml.push({ path: ['currency', 'reporting'], value: findings.provenCurrency,
      because: `every amount of the money columns states ${findings.provenCurrency}; with ${findings.reporting} as reporting currency they would all need rates` });
  }
  const objectives = facts.find((f) => f.extract === 'objectives');
  const order = objectives ? findings.dates.find((d) => d.where === objectives.files.map((x) => relative(dir, x)).join(', ') && d.readAs)?.readAs : undefined;
  findings.fiscalYear = objectives ? await fiscalYearOf(db, objectives, order) : { strength: 'none', because: 'no objectives in the data' };
};

/** The fiscal year from an extract's rows, read through its own relation. */
const fiscalYearOf = (db: Database, objectives: ExtractFacts, order: DateOrder | undefined) =>
  withCsvFallback((parallel) => fiscalYearFromObjectives(db, objectives.relation(parallel), order));

/** The values that prove `order` over some columns, with an example, and how many say otherwise. */
const proofOf = (columns: { where: string; profile: ColumnDates }[], order: DateOrder) => {
  const own = order === 'day/month' ? 'dayFirstOnly' : 'monthFirstOnly';
  const other = order === 'day/month' ? 'monthFirstOnly' : 'dayFirstOnly';
  const example = columns.find((c) => c.profile[own] > 0);
  const n = columns.reduce((t, c) => t + c.profile[own], 0);
  const against = columns.reduce((t, c) => t + c.profile[other], 0);
  const shown = example ? ` (e.g. "${example.profile[order === 'day/month' ? 'dayFirstExample' : 'monthFirstExample']}" in ${example.where}, ${example.profile.column})` : '';
  return `${n} value(s) only ${ORDER_WORDS[order]} reads${shown}, ${against} only the other order reads`;
};

/** Every format a mapping reads dates with: its slash order, if any. */
const mappingOrder = (mapping: LoadedMapping): DateOrder | undefined => {
  const formats: string[] = [];
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'format') formats.push(...(Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string'));
      else visit(value);
    }
  };
  visit(mapping.spec.extracts);
  return orderOfFormats(formats);
};

const inspectVendor = async (
  db: Database, findings: Findings, dir: string, mappings: { mapping: LoadedMapping; files: Map<string, string[]> }[], scratch: string,
) => {
  const overrides = readOverrides(dir);
  const allColumns: ColumnDates[] = [];
  const perMapping: { mapping: LoadedMapping; columns: { where: string; profile: ColumnDates }[] }[] = [];
  for (const [i, { mapping, files }] of mappings.entries()) {
    for (const [source, list] of files) findings.recognised.push(...list.map((file) => ({ file, as: `${mapping.name}, sources.${source}` })));
    const schema = `m${i}`;
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path = '${schema}'`);
    // The files only: derived sources need the mapping run's macros, and add no date the files lack.
    const filesOnly = { ...mapping, spec: { ...mapping.spec, sources: Object.fromEntries(Object.entries(mapping.spec.sources).filter(([, x]) => !x.sql)) } };
    const { summaries } = await readSources(db, schema, filesOnly, dir, path.join(scratch, schema));
    const columns: { where: string; profile: ColumnDates }[] = [];
    for (const s of summaries.filter((x) => x.kind === 'files' && x.rows > 0)) {
      const profiles = await profileDates(db, `${schema}.${ident(s.source)}`, s.columns);
      columns.push(...profiles.filter(isDateColumn).map((profile) => ({ where: s.files.map((f) => f.file).join(', '), profile })));
    }
    perMapping.push({ mapping, columns });
    allColumns.push(...columns.map((c) => c.profile));
  }
  await db.exec(`SET search_path = 'main'`);
  // One overrides file for the folder: the order the data proves across every export. A column
  // holding values of both orders is a question of its own; it does not hide what the others prove.
  const withSlash = perMapping.flatMap((p) => p.columns.filter((c) => c.profile.slash > 0));
  const mixed = withSlash.filter((c) => verdictOf(c.profile).kind === 'contradictory');
  const proven = provenOrder(withSlash.filter((c) => !mixed.includes(c)).map((c) => c.profile));
  const inForce = (m: LoadedMapping) => {
    const own = mappingOrder(m);
    if (!own || !overrides?.dateOrder) return own;
    return overrides.dateOrder === 'dmy' ? 'day/month' : 'month/day';
  };
  const slashMappings = perMapping.filter((p) => p.columns.some((c) => c.profile.slash > 0));
  for (const c of mixed) {
    findings.questions.push(`${c.where}, ${c.profile.column} holds dates of both orders (${evidenceOf(c.profile)}): ` +
      `${proven.kind === 'proven' ? `the ${c.profile[proven.order === 'day/month' ? 'monthFirstOnly' : 'dayFirstOnly']} value(s) that read only ${ORDER_WORDS[proven.order === 'day/month' ? 'month/day' : 'day/month']} are not dates of this export's order: correct them in the export` : 'correct the export so that one order is used'}.`);
  }
  if (proven.kind === 'proven') {
    const needs = slashMappings.filter((p) => inForce(p.mapping) && inForce(p.mapping) !== proven.order);
    const unread = slashMappings.filter((p) => !mappingOrder(p.mapping));
    const value = proven.order === 'day/month' ? 'dmy' : 'mdy';
    const because = proofOf(withSlash.filter((c) => !mixed.includes(c)), proven.order);
    if (needs.length && overrides?.dateOrder) {
      findings.questions.push(`mapping-overrides.yaml says dateOrder: ${overrides.dateOrder}, but the data proves ${ORDER_WORDS[proven.order]} dates (${because}). If the data is right, write dateOrder: ${value}.`);
    } else if (needs.length) {
      findings.overrides.push({ path: ['dateOrder'], value,
        because: `slash dates proven ${ORDER_WORDS[proven.order]}: ${because}; ${needs.map((p) => p.mapping.name).join(', ')} read${needs.length === 1 ? 's' : ''} ${ORDER_WORDS[mappingOrder(needs[0]!.mapping)!]} by default` });
    }
    if (unread.length) findings.notes.push(`${unread.map((p) => p.mapping.name).join(', ')} read${unread.length === 1 ? 's' : ''} ISO dates only: its slash dates are not read as dates (see pipelines/mapping/README.md, format:).`);
  } else if (proven.kind === 'contradictory') {
    findings.questions.push(`The exports' slash dates contradict each other: ${proofOf(withSlash, 'day/month')}, but ${proofOf(withSlash, 'month/day')}. ` +
      'Re-export them in one order, then run init again.');
  } else if (proven.kind === 'ambiguous') {
    const defaults = slashMappings.map((p) => `${p.mapping.name} reads ${inForce(p.mapping) ? ORDER_WORDS[inForce(p.mapping)!] : 'ISO dates only'}`);
    findings.questions.push(`Every slash date of the exports reads both ways (${withSlash.map((c) => `${c.where}, ${c.profile.column}: ${c.profile.both}`).join('; ')}), ` +
      `so the data cannot tell day-first from month-first (${defaults.join(', ')}). ` +
      'Say which in mapping-overrides.yaml: dateOrder: dmy (day-first, e.g. a French export) or dateOrder: mdy (month-first, e.g. a US export).');
  }
  const readAs = proven.kind === 'proven' ? proven.order : undefined;
  for (const p of perMapping) {
    for (const c of p.columns) {
      const order = c.profile.slash > 0 ? readAs ?? (proven.kind === 'ambiguous' ? undefined : inForce(p.mapping)) : undefined;
      findings.dates.push({ where: c.where, column: c.profile.column, profile: c.profile, verdict: verdictWords(c.profile), readAs: order });
      widen(findings, `${c.where}, ${c.profile.column}`, rangeOf(c.profile, order));
    }
  }
  // Currencies and objectives as the mapping reads them: its contract-shaped output, read by the loader's readers.
  const outDir = path.join(scratch, 'mapped');
  // The order just proven is used to read them (the overrides file is written after this look).
  const decided = findings.overrides.find((o) => o.path[0] === 'dateOrder')?.value as 'dmy' | 'mdy' | undefined;
  const names = mappings.map((m) => (decided ? applyOverrides(m.mapping, overridesSchema.parse({ dateOrder: decided })) : m.mapping));
  try {
    await applyMapping({ inputDir: dir, mapping: names, outDir, scratchDir: path.join(scratch, 'mapping-scratch') });
  } catch (error) {
    findings.notes.push(`The exports could not be mapped yet, so their currencies and objectives are not read. The mapping says:\n    ${(error as Error).message.split('\n').join('\n    ')}`);
    findings.fiscalYear = { strength: 'none', because: 'the mapping stopped before the objectives could be read' };
    return;
  }
  const config = readExtractsConfig(outDir);
  const located = EXTRACTS.map((e) => locateExtract(outDir, e, config)).filter((l): l is LocatedExtract => l !== undefined);
  const facts = await readContractFacts(db, located, config, path.join(scratch, 'mapped-read'));
  // The data's first and last days as the mapping reads them: its events (the contract's dates
  // that cannot be in the future), not a billing period's end or a planned date of the exports.
  const events = { ...findings, first: undefined, last: undefined } as Findings;
  for (const f of facts) {
    for (const c of f.dates.filter((d) => columnsOf(extractByName(f.extract)!).find((x) => x.name === d.column)?.notInFuture)) {
      widen(events, `${f.extract}.${c.column}, as ${mappings.map((m) => m.mapping.name).join(', ')} read${mappings.length === 1 ? 's' : ''} it`, rangeOf(c, undefined));
    }
  }
  if (events.first) findings.first = events.first;
  if (events.last) findings.last = events.last;
  addCurrencies(findings, facts);
  await countSpend(findings, facts);
  const fx = facts.find((f) => f.extract === 'fx_rates');
  const fxCurrencies = fx ? (await fx.query<{ c: string }>((rel) => `SELECT DISTINCT upper(trim(CAST(currency AS VARCHAR))) AS c FROM ${rel}`)).map((r) => r.c) : [];
  decideCurrency(findings, [...fxCurrencies, ...Object.keys(config.currency.rates)], (code) => `currency: ${code} in mapping-overrides.yaml`);
  if (findings.provenCurrency) {
    findings.overrides.push({ path: ['currency'], value: findings.provenCurrency,
      because: `every amount the mapping reads states ${findings.provenCurrency}; with ${findings.reporting} as reporting currency they would all need rates` });
  }
  const objectives = facts.find((f) => f.extract === 'objectives');
  findings.fiscalYear = objectives
    ? await fiscalYearOf(db, objectives, undefined)
    : { strength: 'none', because: `the exports hold no objectives: ${mappings.map((m) => m.mapping.name).join(', ')} provide${mappings.length === 1 ? 's' : ''} none` };
};

export const inspectFolder = async (dir: string, { mapping }: { mapping?: string } = {}): Promise<Findings> => {
  const resolved = path.resolve(dir);
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isDirectory()) throw new Error(`--extracts ${dir}: no such folder.`);
  const config = readExtractsConfig(resolved);
  const overrides = readOverrides(resolved);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bi-init-'));
  const db = await openDatabase(':memory:');
  try {
    const { layout, unrecognised } = await findLayout(db, resolved, config, scratch, mapping ? loadMappings(mapping) : undefined);
    const findings: Findings = {
      dir: resolved, layout: layout.kind, mappings: layout.kind === 'vendor' ? layout.mappings.map((m) => m.mapping.name) : [],
      recognised: [], unrecognised, dates: [], currencies: [],
      reporting: (layout.kind === 'vendor' ? overrides?.currency : undefined) ?? config.currency.reporting,
      fiscalYear: { strength: 'none', because: 'no objectives in the data' },
      extractsYaml: [], overrides: [], questions: [], notes: [],
    };
    if (layout.kind === 'contract') await inspectContract(db, findings, resolved, config, layout.located, scratch);
    if (layout.kind === 'vendor') await inspectVendor(db, findings, resolved, layout.mappings, scratch);
    return findings;
  } finally {
    db.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
};
