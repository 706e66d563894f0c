/**
 * `npm run init` on a vendor's exports: the date order proven over every export's date columns
 * (written as mapping-overrides.yaml dateOrder only where the mapping would read otherwise), then
 * currencies, events and objectives as the mapping reads them (its contract-shaped output, read by
 * the loader's readers).
 */
import path from 'node:path';
import { EXTRACTS, extractByName } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import { ident, type Database } from '../db/duckdb.js';
import { orderOfFormats, type DateOrder } from '../load/date-order.js';
import { readExtractsConfig } from '../load/extracts-config.js';
import { locateExtract, type LocatedExtract } from '../load/read.js';
import { applyMapping } from '../mapping/apply.js';
import type { LoadedMapping } from '../mapping/load-mapping.js';
import { applyOverrides, overridesSchema, readOverrides } from '../mapping/overrides.js';
import { readSources } from '../mapping/sources.js';
import { readContractFacts } from './contract-facts.js';
import { evidenceOf, isDateColumn, profileDates, rangeOf, verdictOf, type ColumnDates } from './date-profile.js';
import { addCurrencies, countSpend, decideCurrency, fiscalYearOf, ORDER_WORDS, proofOf, provenOrder, verdictWords, widen, type Findings } from './findings.js';

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

export const inspectVendor = async (
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
    // The values as the user's files write them: their date orders are what init reports.
    const { summaries } = await readSources(db, schema, filesOnly, dir, path.join(scratch, schema), false, { readValues: false });
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

