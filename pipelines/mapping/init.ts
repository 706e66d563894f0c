/**
 * `npm run mapping:init -- --extracts DIR`: a first draft of a mapping for an export no built-in
 * mapping knows. Each file is read as the mapping engine reads it (sources.ts), each contract
 * column is matched to a header by name (its own name, or a name the built-in mappings read it
 * from, with their aliases), and the match is kept only when the values have the column's shape,
 * checked in DuckDB (dates parse, numbers cast, labels belong to the accepted values). Each file
 * becomes the extract whose required columns it matches best. The draft is for a person to
 * review: what was not matched is left as a TODO line, never guessed.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { EXTRACTS } from '../contract/index.js';
import { columnsOf, type ColumnSpec as ContractColumn } from '../contract/derive.js';
import { ident, literal, openDatabase, type Database } from '../db/duckdb.js';
import { fileFormatOf } from '../text/encoding.js';
import { numberSql } from '../text/numbers.js';
import { matchFiles } from './files.js';
import { findFileHeaderRow } from './header-row.js';
import { BUILTIN_DIR, builtinMappings, readMappingFile, type LoadedMapping } from './load-mapping.js';
import { mappingSchema, partsOf } from './schema.js';
import { readSources } from './sources.js';
import { draftCrm, profileSource, type CrmDraft } from './draft-crm.js';
import { checkDraft } from './init-check.js';
import { describeUnrecognised } from './unrecognised.js';

const norm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** extract.column → header names the built-in mappings read it from (plain column references and their aliases). */
const knownNames = (): Map<string, Set<string>> => {
  const names = new Map<string, Set<string>>();
  for (const name of builtinMappings()) {
    const mapping = readMappingFile(path.join(BUILTIN_DIR, `${name}.yaml`));
    for (const [extract, spec] of Object.entries(mapping.spec.extracts)) {
      for (const part of partsOf(spec!)) {
        const source = mapping.spec.sources[part.from];
        for (const [column, columnSpec] of Object.entries(part.columns)) {
          const header = typeof columnSpec === 'string' ? columnSpec : columnSpec.column;
          if (!header) continue;
          const key = `${extract}.${column}`;
          const set = names.get(key) ?? new Set<string>();
          for (const n of [header, ...(source?.aliases[header] ?? [])]) set.add(norm(n));
          names.set(key, set);
        }
      }
    }
  }
  return names;
};

/** Share of the non-empty values of `header` that have the contract column's shape (1 when it has no shape to check). */
const shapeShare = async (db: Database, table: string, header: string, column: ContractColumn): Promise<number> => {
  const v = `trim(${ident(header)})`;
  let test: string | undefined;
  if (column.enumValues) test = `lower(${v}) IN (${column.enumValues.map((e) => literal(e.toLowerCase())).join(', ')})`;
  else if (column.duckdbType === 'DATE' || column.duckdbType.startsWith('TIMESTAMP')) {
    test = `coalesce(TRY_CAST(${v} AS TIMESTAMP), try_strptime(${v}, ['%d/%m/%Y', '%m/%d/%Y', '%d/%m/%Y %H:%M', '%m/%d/%Y, %I:%M %p', '%Y-%m-%dT%H:%M:%S.%gZ'])) IS NOT NULL`;
  } else if (/^(DOUBLE|BIGINT|INTEGER|DECIMAL)/.test(column.duckdbType)) {
    // Read as the loader reads numbers (pipelines/text/numbers.ts), with either decimal mark.
    test = `(${numberSql(v, '.', 'DOUBLE')}) IS NOT NULL OR (${numberSql(v, ',', 'DOUBLE')}) IS NOT NULL`;
  }
  if (!test) return 1;
  const [row] = await db.query<{ share: number | null }>(`SELECT avg(CASE WHEN ${test} THEN 1 ELSE 0 END) AS share FROM ${table} WHERE nullif(${v}, '') IS NOT NULL`);
  return row?.share ?? 0;
};

export interface DraftResult {
  yaml: string;
  /** Per file: the extract drafted, columns matched and left to do. */
  files: { file: string; source: string; extract?: string; matched: number; todo: string[] }[];
  /** What was read from the values (deals, sellers and accounts of a CRM export), one line each. */
  readings: string[];
  /** What the values could not tell: left for the user to decide. */
  toDecide: string[];
  /** Built-in mappings some files fit whole (every column a source requires), with those files. */
  builtinFits: { mapping: string; files: string[] }[];
}

/** Drafts a mapping for the exports in `inputDir` (CSV or Parquet files). */
export const draftMapping = async (inputDir: string, scratchDir: string): Promise<DraftResult> => {
  const files = matchFiles(inputDir, ['**/*']).filter((f) => fileFormatOf(f) && !/^fx_rates\./i.test(path.basename(f)));
  const used = new Set<string>();
  const sourceName = (file: string) => {
    let base = norm(path.basename(file).replace(/\.(csv|txt|tsv|parquet)(\.gz)?$/i, '')) || 'file';
    if (/^[0-9]/.test(base)) base = `f_${base}`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  // A report's header row may sit below a preamble (title, date range, filters, blank lines).
  const sources = Object.fromEntries(files.map((f) => {
    const skipLines = fileFormatOf(f) === 'csv' ? findFileHeaderRow(path.join(inputDir, f))?.skipLines ?? 0 : 0;
    return [sourceName(f), skipLines > 0 ? { files: f, skipLines } : { files: f }];
  }));
  const mapping: LoadedMapping = { name: 'draft', file: '(draft)', spec: mappingSchema.parse({ sources, extracts: {} }) };
  const known = knownNames();
  const db = await openDatabase(':memory:');
  try {
    await db.exec(`CREATE SCHEMA draft; SET search_path = 'draft'`);
    const { summaries } = await readSources(db, 'draft', mapping, inputDir, scratchDir);
    // Every (file, extract) pair scored by the columns the file matches by name and shape
    // (required ones first); then the best pairs taken first, one extract per file and per extract.
    type Candidate = { source: (typeof summaries)[number]; extract: string; columns: Map<string, string>; score: number; todo: string[] };
    const candidates: Candidate[] = [];
    for (const s of summaries) {
      const table = `draft.${ident(s.source)}`;
      for (const extract of EXTRACTS) {
        const contract = columnsOf(extract);
        const columns = new Map<string, string>();
        for (const column of contract) {
          const names = new Set([norm(column.name), ...(known.get(`${extract.name}.${column.name}`) ?? [])]);
          const header = s.columns.find((h) => names.has(norm(h)));
          if (header && (await shapeShare(db, table, header, column)) >= 0.9) columns.set(column.name, header);
        }
        const required = contract.filter((c) => c.required && columns.has(c.name)).length;
        if (required > 0) candidates.push({ source: s, extract: extract.name, columns, score: required + columns.size / 100, todo: contract.filter((c) => !columns.has(c.name)).map((c) => c.name) });
      }
    }
    candidates.sort((x, y) => y.score - x.score);
    const chosen = new Map<string, Candidate>();
    const taken = new Set<string>();
    // A CRM export: the deals, sellers and accounts found by their values first (draft-crm.ts).
    const profiles = [];
    for (const s of summaries) profiles.push(await profileSource(db, `draft.${ident(s.source)}`, s.source, s.files[0]?.file ?? s.source, s.columns));
    const crm = await draftCrm(db, 'draft', profiles);
    const crmExtracts: Record<string, unknown> = {};
    if (crm) {
      for (const [extract, source] of Object.entries(crm.roles)) {
        const spec = crm[extract as 'opportunities' | 'sellers' | 'accounts']!;
        // Columns the values left unknown, taken from the file's headers when their names and shapes fit.
        const named = candidates.find((c) => c.source.source === source && c.extract === extract);
        for (const [column, value] of Object.entries(spec.columns)) {
          const header = named?.columns.get(column);
          const unknown = typeof value === 'object' && value !== null && 'value' in value && value.value === null;
          // A header named as the contract column whose values have its shape says it best (stage in the contract's words).
          const sameColumn = value === header || (typeof value === 'object' && value !== null && (value as { column?: string }).column === header);
          if (header && (unknown || sameColumn || (extract === 'opportunities' && column === 'stage'))) spec.columns[column] = header;
        }
        const contract = columnsOf(EXTRACTS.find((e) => e.name === extract)!);
        const summary = summaries.find((x) => x.source === source)!;
        chosen.set(source, { source: summary, extract, columns: new Map(), score: 0, todo: contract.filter((c) => !(c.name in spec.columns)).map((c) => c.name) });
        taken.add(extract);
      }
      for (const extract of ['opportunities', 'sellers', 'accounts'] as const) {
        if (crm[extract]) { crmExtracts[extract] = crm[extract]; taken.add(extract); }
      }
      Object.assign(sources, crm.sources);
    }
    for (const c of candidates) {
      if (chosen.has(c.source.source) || taken.has(c.extract)) continue;
      chosen.set(c.source.source, c);
      taken.add(c.extract);
    }
    const result: DraftResult['files'] = [];
    const extracts: Record<string, unknown> = {};
    const comments: string[] = [];
    for (const s of summaries) {
      const best = chosen.get(s.source);
      const file = s.files[0]?.file ?? s.source;
      const skipped = (sources[s.source] as { skipLines?: number }).skipLines;
      if (skipped) comments.push(`# ${file}: the header is on line ${skipped + 1}, below the report's ${skipped} line(s) of title and filters (skipLines: ${skipped}).`);
      if (best && best.extract in crmExtracts) {
        const mapped = Object.keys((crmExtracts[best.extract] as CrmDraft['opportunities']).columns);
        result.push({ file, source: s.source, extract: best.extract, matched: mapped.length, todo: best.todo });
        comments.push(`# ${best.extract} (${file}): TODO map ${best.todo.join(', ') || '(nothing)'}`);
        continue;
      }
      if (!best) {
        result.push({ file, source: s.source, matched: 0, todo: [] });
        comments.push(`# ${file}: no contract extract recognised in its columns (${s.columns.join(', ')}).`);
        continue;
      }
      // A required column the file lacks: a descriptive one loads as the explicit unknown (flagged);
      // any other leaves the extract out of the draft, so the draft still runs.
      const missing = columnsOf(EXTRACTS.find((e) => e.name === best.extract)!).filter((c) => c.required && !best.columns.has(c.name));
      const blocking = missing.filter((c) => c.onMissing !== 'flag');
      if (blocking.length) {
        result.push({ file, source: s.source, matched: 0, todo: [] });
        comments.push(`# ${file}: looks like ${best.extract} but has no column for ${blocking.map((c) => c.name).join(', ')}: not drafted (map them to provide it).`);
        continue;
      }
      extracts[best.extract] = { from: s.source, columns: { ...Object.fromEntries(best.columns), ...Object.fromEntries(missing.map((c) => [c.name, { value: null }])) } };
      result.push({ file, source: s.source, extract: best.extract, matched: best.columns.size, todo: best.todo });
      comments.push(`# ${best.extract} (${file}): TODO map ${best.todo.join(', ') || '(nothing)'}; headers left: ` +
        `${s.columns.filter((h) => ![...best.columns.values()].includes(h)).join(', ') || '(none)'}`);
    }
    for (const [extract, spec] of Object.entries(crmExtracts)) {
      if (!(extract in extracts)) extracts[extract] = spec;
    }
    if (crm) comments.push(...crm.readings.map((r) => `# Read from the values: ${r}`), ...crm.todo.map((t) => `# TO DECIDE: ${t}`));
    const body = YAML.stringify({ name: 'draft', description: `Draft from ${inputDir}: review every line`, sources, extracts }, { lineWidth: 0 });
    const yaml = `# Drafted by npm run mapping:init from ${inputDir}. Columns were matched by name (as the\n` +
      '# built-in mappings read them, aliases included) and kept only when the values have the\n' +
      '# column\'s shape. Review it, map what is left (see pipelines/mapping/README.md), then run\n' +
      '#   npm run build -- --extracts DIR --mapping THIS_FILE\n' +
      `${comments.join('\n')}\n${body}`;
    // An export a built-in mapping reads needs no draft: said first.
    const fits = new Map<string, string[]>();
    for (const f of describeUnrecognised(inputDir, files, [])) {
      // By its columns only (a source's requires:): a file merely named like one (accounts.csv) proves nothing.
      const byColumns = f.closest && readMappingFile(path.join(BUILTIN_DIR, `${f.closest.mapping}.yaml`)).spec.sources[f.closest.source]?.requires;
      if (f.closest && byColumns && f.closest.lacks.length === 0) fits.set(f.closest.mapping, [...(fits.get(f.closest.mapping) ?? []), f.file]);
    }
    return { yaml, files: result, readings: crm?.readings ?? [], toDecide: crm?.todo ?? [], builtinFits: [...fits].map(([mapping, files]) => ({ mapping, files })) };
  } finally {
    db.close();
  }
};

/** CLI: `--extracts DIR [--out FILE]`. */
export const runInit = async (argv: string[]) => {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ args: argv, options: { extracts: { type: 'string' }, out: { type: 'string' } } });
  if (!values.extracts) throw new Error('Usage: npm run mapping:init -- --extracts DIR [--out FILE]');
  const dir = path.resolve(values.extracts);
  const out = path.resolve(values.out ?? `mapping-${path.basename(dir)}.yaml`);
  const scratch = fs.mkdtempSync(path.join(path.dirname(out), '.mapping-init-'));
  try {
    const draft = await draftMapping(dir, scratch);
    fs.writeFileSync(out, draft.yaml);
    for (const f of draft.builtinFits) {
      console.log(`${f.files.join(', ')}: the built-in mapping ${f.mapping} reads ${f.files.length > 1 ? 'them' : 'it'} as exported (no draft needed): ` +
        `npm run build -- --extracts ${values.extracts} --mapping ${f.mapping}\n`);
    }
    for (const f of draft.files) {
      console.log(f.extract ? `${f.file} → ${f.extract}: ${f.matched} column(s) mapped${f.todo.length ? `, not mapped: ${f.todo.join(', ')}` : ''}` : `${f.file}: no extract recognised`);
    }
    if (draft.readings.length) console.log(`\nRead from the values (check them in the draft):\n${draft.readings.map((r) => `  ${r}`).join('\n')}`);
    console.log(`\nDraft written to ${out}. Checking it on the export…`);
    // The draft is run as a build would run it: only what is left to decide is said.
    const left = [...draft.toDecide.filter((t) => !/^stage labels|^roles/.test(t)).map((t) => `TO DECIDE in the draft: ${t}`), ...(await checkDraft(dir, out, path.join(scratch, 'check')))];
    if (left.length) console.log(`\nLeft to decide:\n${left.join('\n')}\n\nThen build:`);
    else console.log('\nNothing left to decide. Build:');
    console.log(`  npm run build -- --extracts ${values.extracts} --mapping ${path.relative(process.cwd(), out)}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  runInit(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
