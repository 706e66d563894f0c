/**
 * Applying mapping(s) to a folder of exports: sources read in DuckDB, each mapped extract written
 * as `<extract>.parquet` with exactly the contract's columns (as text: the loader types and checks
 * them), an `extracts.yaml` declaring what is not provided, and a report reconciling, per extract,
 * rows in = rows written + rows filtered out + rows rejected by the mapping + rows merged.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CORE_EXTRACTS, EXTRACTS, extractByName } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import { ident, literal, openDatabase, type Database } from '../db/duckdb.js';
import { compilePart, type CompileContext, type CompiledPart } from './compile.js';
import { currencyColumnsIn, missingCurrencyRule } from './check-mapping.js';
import { loadMappings, MappingError, type LoadedMapping } from './load-mapping.js';
import { partsOf, type Part } from './schema.js';
import { closestHeader } from './recognise.js';
import { applyOverrides, checkOverrideSources, LABEL_COLUMNS, OVERRIDES_FILE, readOverrides } from './overrides.js';
import { PROVENANCE_COLUMNS } from '../load/read.js';
import { duckdbMessage, readSources, type SourceSummary } from './sources.js';
import { COMPANY_SETTINGS_FILE } from '../models/kpi-settings.js';
import { describeUnrecognised, type UnrecognisedFile } from './unrecognised.js';
import { matchFiles } from './files.js';
import { fileFormatOf } from '../text/encoding.js';

export interface ApplyMappingOptions {
  /** Folder holding the user's export files. */
  inputDir: string;
  /** Built-in name(s) or file path(s), comma-separated or a list; or mappings already loaded. */
  mapping: string | string[] | LoadedMapping[];
  /** Folder the contract-shaped extracts are written to (created; replaced if it holds a previous mapping's output). */
  outDir: string;
  /** Scratch space for transcoded files; default `<outDir>/_mapping/scratch`. */
  scratchDir?: string;
  /**
   * The run's reference day (default today), as `as_of()` in a mapping's SQL: a value derived
   * across rows (a snapshot date, a first date) is computed from dates up to it only, so one row
   * dated 2031 cannot move every other row.
   */
  asOf?: string;
  /** Read files the input folder links to from outside it (default: refuse). */
  allowOutsidePaths?: boolean;
}

export interface PartSummary {
  from: string;
  rowsIn: number;
  rowsFiltered: number;
  rowsRejected: number;
  rowsMerged: number;
  rowsWritten: number;
}

export interface ExtractMappingSummary {
  extract: string;
  mapping: string;
  file: string;
  parts: PartSummary[];
  rowsIn: number;
  rowsFiltered: number;
  rowsRejected: number;
  rowsMerged: number;
  rowsWritten: number;
}

export interface MappingReject {
  mapping: string;
  extract: string;
  source_file: string;
  row_number: number;
  column_name: string;
  value: string | null;
  reason: string;
}

export interface MappingResult {
  outDir: string;
  mappings: { name: string; file: string }[];
  sources: SourceSummary[];
  extracts: ExtractMappingSummary[];
  notProvided: string[];
  /** Stage and role labels the mapping does not know, per extract: the loader rejects their rows. */
  unknownLabels: { extract: string; column: string; key: 'stages' | 'roles'; value: string; rows: number }[];
  /** Where the company's overrides are read from (beside the exports). */
  overridesFile: string;
  /** Extracts a mapping declares but the folder holds no file for (partial exports), and why. */
  absentExtracts: { mapping: string; extract: string; because: string[] }[];
  /** Sources the folder holds no file for (partial exports): their extracts are not provided. */
  missingSources: { mapping: string; source: string; reason: string }[];
  /** Files in the folder that looked like a source's (by name) but hold none's columns. */
  unrecognised: string[];
  /** The same files with their columns and the closest source of a mapping (unrecognised.ts). */
  unrecognisedFiles: UnrecognisedFile[];
  rejects: MappingReject[];
  /** Lines the mappings' notices: sources say (what was read but could not be linked). */
  notices: { mapping: string; notice: string }[];
}

export const REPORT_DIR = '_mapping';
const REPORT_FILE = 'report.json';

/** Empties `outDir` for a new run, refusing to touch a folder this module did not write. */
const prepareOutDir = (outDir: string) => {
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    if (!fs.existsSync(path.join(outDir, REPORT_DIR))) {
      throw new MappingError(`Output folder ${outDir} is not empty and was not written by a mapping: choose an empty or new folder.`);
    }
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(outDir, REPORT_DIR), { recursive: true });
};


/** The sources a part reads: its FROM and its joins. */
const sourcesOf = (part: Part) => [part.from, ...part.join.map((j) => j.source)];

/**
 * A core extract none of whose sources is in the folder: what was looked for, the nearest file
 * with the columns it lacks, and the overrides lines naming the closest headers as aliases.
 */
const missingCoreError = (mapping: LoadedMapping, extract: string, lacking: SourceSummary[], inputDir: string) => {
  const sources = [...new Map(lacking.map((s) => [s.source, s])).values()];
  const aliasLines = sources.flatMap((s) => {
    if (!s.nearest) return [];
    const pairs = s.nearest.lacks.map((c) => [c, closestHeader(c, s.nearest!.columns)] as const).filter(([, h]) => h);
    return pairs.length ? [`  ${s.source}:`, ...pairs.map(([c, h]) => `    ${c}: [${JSON.stringify(h)}]`)] : [];
  });
  return new MappingError(
    `mapping ${mapping.name} (${mapping.file}): the folder holds no file for the core extract ${extract}, which every company needs:\n` +
    sources.map((s) => `  sources.${s.source}: ${s.missing}` + (s.nearest
      ? `\n    closest: ${s.nearest.file}, which lacks ${s.nearest.lacks.map((c) => `"${c}"`).join(', ')} (its columns: ${s.nearest.columns.slice(0, 12).join(', ')}${s.nearest.columns.length > 12 ? ', …' : ''})`
      : '')).join('\n') +
    (aliasLines.length
      ? `\nIf the closest headers are those columns under another name, add to ${path.join(inputDir, OVERRIDES_FILE)}:\naliases:\n${aliasLines.join('\n')}`
      : '\nPut the export in the folder (any file name: files are recognised by their columns), or name its columns in ' +
        `${path.join(inputDir, OVERRIDES_FILE)} (aliases: { <source>: { <column>: [<your header>] } }).`));
};

const sum = (parts: PartSummary[], key: keyof Omit<PartSummary, 'from'>) => parts.reduce((s, p) => s + p[key], 0);

/** Names the join that makes a part's row count grow: lookups must match at most one row. */
const checkJoins = async (db: Database, where: string, compiled: CompiledPart, part: Part, expected: number) => {
  for (let n = 1; n <= part.join.length; n++) {
    const [{ c } = { c: 0 }] = await db.query<{ c: number }>(`SELECT count(*) AS c FROM ${compiled.fromWithJoins(n)}`);
    if (c !== expected) {
      throw new MappingError(`${where}.join.${n - 1} (${part.join[n - 1]!.source}): the join condition matches more than one row for some rows of ` +
        `${part.from} (${expected} rows become ${c}). A lookup must match at most one row: make the joined source unique ` +
        '(e.g. a derived source with GROUP BY or DISTINCT) or tighten on:.');
    }
  }
  throw new Error(`${where}: ${expected} source rows became a different number of mapped rows.`);
};

/**
 * A date format with a day and a month must be the data's order: values the formats cannot read
 * but the swapped order can (25/03/2024 under %m/%d/%Y), and none that only the given order reads,
 * mean every date with a day of 12 or less would be read with day and month swapped. The mapping
 * stops with the counts of each reading.
 */
const checkDateOrders = async (db: Database, where: string, compiled: CompiledPart) => {
  for (const column of compiled.columns) {
    if (!column.dates) continue;
    const swap = (f: string) => f.replace(/%d|%m/g, (m) => (m === '%d' ? '%m' : '%d'));
    const given = `[${column.dates.formats.map(literal).join(', ')}]`;
    const swapped = `[${column.dates.formats.map(swap).map(literal).join(', ')}]`;
    const [counts] = await db.query<{ given: number; given_only: number; swapped_only: number; both: number; example: string | null }>(`SELECT
        count(*) FILTER (WHERE g IS NOT NULL) AS given,
        count(*) FILTER (WHERE g IS NOT NULL AND s IS NULL) AS given_only,
        count(*) FILTER (WHERE g IS NULL AND s IS NOT NULL) AS swapped_only,
        count(*) FILTER (WHERE g IS NOT NULL AND s IS NOT NULL AND g <> s) AS both,
        min(t) FILTER (WHERE g IS NULL AND s IS NOT NULL) AS example
      FROM (SELECT ${column.dates.text} AS t, try_strptime(${column.dates.text}, ${given}) AS g, try_strptime(${column.dates.text}, ${swapped}) AS s
            FROM ${compiled.from} WHERE ${compiled.keep})`);
    // Values only the given order reads prove it: a few others are then odd rows, which the loader
    // rejects with their value. Without such proof, the format is the export's order swapped.
    if (counts && counts.swapped_only > 0 && counts.given_only === 0) {
      throw new MappingError(`${where}, ${column.path}.format: ${counts.swapped_only} value(s) cannot be read with ${column.dates.formats.join(' / ')} ` +
        `but can with day and month the other way round (e.g. "${counts.example}"), so the export writes dates in the other order: read as ` +
        `${column.dates.formats.join(' / ')}, ${counts.given} value(s) would load and ${counts.both} of them with day and month swapped; read the ` +
        `other way round, ${counts.swapped_only + counts.both} would. Set format: ${column.dates.formats.map(swap).map((f) => `"${f}"`).join(', ')} if that is your export's order ` +
        `(with a built-in mapping: add the line "dateOrder: ${/%d.%m/.test(column.dates.formats.map(swap)[0]!) ? 'dmy' : 'mdy'}" to ${OVERRIDES_FILE} beside the exports).`);
    }
  }
};

/** Checks each SQL piece on its own so an error names the key to fix. */
const bindPieces = async (db: Database, where: string, compiled: CompiledPart, part: Part, prefix: string) => {
  const tryBind = async (sql: string, path: string) => {
    try {
      await db.query(`${sql} LIMIT 0`);
    } catch (error) {
      throw new MappingError(`${where.replace(/, extracts\..*$/, '')}, ${path}: DuckDB cannot evaluate it: ${duckdbMessage(error)}`);
    }
  };
  for (let n = 1; n <= part.join.length; n++) await tryBind(`SELECT 1 FROM ${compiled.fromWithJoins(n)}`, `${prefix}join.${n - 1}.on`);
  if (part.where) await tryBind(`SELECT ${compiled.keep} FROM ${compiled.from}`, `${prefix}where`);
  for (const c of compiled.columns) await tryBind(`SELECT ${c.sql} FROM ${compiled.from}`, c.path);
  for (const r of compiled.rejects) await tryBind(`SELECT ${r.sql} FROM ${compiled.from}`, r.path);
};

const mapExtract = async (
  db: Database, mapping: LoadedMapping, schema: string, extractName: string, sources: SourceSummary[], outDir: string, present: Set<number>,
): Promise<{ summary: ExtractMappingSummary; rejects: MappingReject[] }> => {
  const extract = extractByName(extractName)!;
  const contract = columnsOf(extract);
  const spec = mapping.spec.extracts[extractName as keyof typeof mapping.spec.extracts]!;
  const parts = partsOf(spec);
  const ctx: CompileContext = {
    schema,
    sourceColumns: new Map(sources.map((s) => [s.source, s.columns])),
    where: `mapping ${mapping.name} (${mapping.file})`,
  };
  const summaries: PartSummary[] = [];
  const outputs: string[] = [];
  const rejectSelects: string[] = [];
  const columnList = contract.map((c) => ident(c.name)).join(', ');

  for (const [i, part] of parts.entries()) {
    if (!present.has(i)) continue;
    const prefix = spec.parts ? `extracts.${extractName}.parts.${i}.` : `extracts.${extractName}.`;
    const where = `${ctx.where}, ${prefix.slice(0, -1)}`;
    // The export has a currency column the mapping does not use: its amounts would pass as the company's currency.
    const noCurrency = missingCurrencyRule(extractName, part, (source) => currencyColumnsIn(ctx.sourceColumns.get(source) ?? []));
    if (noCurrency) throw new MappingError(`${where}.columns: ${noCurrency}`);
    const compiled = compilePart(extractName, contract, part, ctx, prefix);
    await bindPieces(db, where, compiled, part, prefix);
    const table = `out.${ident(`${extractName}__${i}`)}`;
    try {
      await db.exec(`CREATE OR REPLACE TABLE ${table} AS ${compiled.select}`);
    } catch (error) {
      throw new MappingError(`${where}: DuckDB cannot run the mapping: ${duckdbMessage(error)}`);
    }
    await checkDateOrders(db, where, compiled);
    const [{ n: sourceRows } = { n: 0 }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${schema}.${ident(part.from)}`);
    const [counts] = await db.query<{ rows_in: number; filtered: number; rejected: number; kept: number; distinct_kept: number }>(`SELECT
        count(*) AS rows_in,
        count(*) FILTER (WHERE NOT __keep) AS filtered,
        count(*) FILTER (WHERE __keep AND len(__rejects) > 0) AS rejected,
        count(*) FILTER (WHERE __keep AND len(__rejects) = 0) AS kept,
        (SELECT count(*) FROM (SELECT DISTINCT ${columnList} FROM ${table} WHERE __keep AND len(__rejects) = 0)) AS distinct_kept
      FROM ${table}`);
    if (counts!.rows_in !== sourceRows) await checkJoins(db, where, compiled, part, sourceRows);
    const merged = part.distinct ? counts!.kept - counts!.distinct_kept : 0;
    summaries.push({ from: part.from, rowsIn: counts!.rows_in, rowsFiltered: counts!.filtered, rowsRejected: counts!.rejected, rowsMerged: merged, rowsWritten: counts!.kept - merged });
    const ok = `FROM ${table} WHERE __keep AND len(__rejects) = 0`;
    // The file and line of the user's export each row comes from (sources.ts), so a reject points
    // at their export, not at ours.
    outputs.push(part.distinct
      ? `SELECT ${columnList}, ${i} AS __part, min(__file) AS __file, min(__row) AS __row, min(__line) AS __line, list_distinct(flatten(list(__flags))) AS __flags ${ok} GROUP BY ALL`
      : `SELECT ${columnList}, ${i} AS __part, __file, __row, __line, __flags ${ok}`);
    rejectSelects.push(`SELECT ${literal(mapping.name)} AS mapping, ${literal(extractName)} AS extract, __file AS source_file, __row AS row_number,
        e."column" AS column_name, e."value" AS value, e.reason AS reason
      FROM (SELECT __file, __row, unnest(__rejects) AS e FROM ${table} WHERE __keep)`);
  }

  const file = path.join(outDir, `${extractName}.parquet`);
  // Flags of checking lookups travel with their rows: the loader records them with its own (audit.flags).
  await db.exec(`COPY (SELECT ${columnList}, __file AS ${PROVENANCE_COLUMNS.file}, __line AS ${PROVENANCE_COLUMNS.line}, __flags AS ${PROVENANCE_COLUMNS.flags}
      FROM (${outputs.join('\nUNION ALL\n')}) ORDER BY __part, __file, __row)
    TO ${literal(file)} (FORMAT parquet)`);
  const [{ n: written } = { n: 0 }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM read_parquet(${literal(file)})`);
  const summary: ExtractMappingSummary = {
    extract: extractName,
    mapping: mapping.name,
    file,
    parts: summaries,
    rowsIn: sum(summaries, 'rowsIn'),
    rowsFiltered: sum(summaries, 'rowsFiltered'),
    rowsRejected: sum(summaries, 'rowsRejected'),
    rowsMerged: sum(summaries, 'rowsMerged'),
    rowsWritten: written,
  };
  if (summary.rowsIn !== summary.rowsWritten + summary.rowsFiltered + summary.rowsRejected + summary.rowsMerged) {
    throw new Error(`Row counts do not reconcile for mapped extract "${extractName}": in ${summary.rowsIn}, written ${summary.rowsWritten}, ` +
      `filtered ${summary.rowsFiltered}, rejected ${summary.rowsRejected}, merged ${summary.rowsMerged}.`);
  }
  const rejects = await db.query<MappingReject & Record<string, unknown>>(
    `SELECT * FROM (${rejectSelects.join('\nUNION ALL\n')}) ORDER BY source_file, row_number, column_name`);
  return { summary, rejects };
};

/**
 * What the company says beside its exports, carried into the mapped folder: exchange rates (an
 * `fx_rates` file in the contract's layout) and, from an `extracts.yaml` of the export folder, its
 * reporting currency and rates, held-out threshold and tightened rules; its `kpi-settings.yaml`.
 * Returns the extracts copied.
 */
const carryCompanySettings = (inputDir: string, outDir: string): { copied: string[]; settings: Record<string, unknown> } => {
  const copied: string[] = [];
  for (const name of ['fx_rates.csv', 'fx_rates.parquet']) {
    if (fs.existsSync(path.join(inputDir, name))) {
      fs.copyFileSync(path.join(inputDir, name), path.join(outDir, name));
      copied.push('fx_rates');
    }
  }
  // The company's KPI settings (its fiscal year, thresholds) go with its data.
  if (fs.existsSync(path.join(inputDir, COMPANY_SETTINGS_FILE))) fs.copyFileSync(path.join(inputDir, COMPANY_SETTINGS_FILE), path.join(outDir, COMPANY_SETTINGS_FILE));
  const file = path.join(inputDir, 'extracts.yaml');
  const own = fs.existsSync(file) ? (YAML.parse(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown> : {};
  const settings = Object.fromEntries(['currency', 'heldOut', 'reject'].filter((k) => k in own).map((k) => [k, own[k]]));
  return { copied, settings };
};

const writeExtractsYaml = (outDir: string, mappings: LoadedMapping[], notProvided: string[], settings: Record<string, unknown>) => {
  const config = {
    ...settings,
    // Mapped values are written as plain text: numbers with a "." and dates in ISO 8601. A value
    // the mapping passed through unconverted (a date with no format: given) is rejected with it.
    csv: { decimal: '.', dateFormats: [], timestampFormats: [] },
    notProvided,
  };
  fs.writeFileSync(path.join(outDir, 'extracts.yaml'),
    `# Written by the mapping(s) ${mappings.map((m) => m.name).join(', ')}: re-run the mapping rather than editing this folder.\n${YAML.stringify(config)}`);
};

/** Maps the exports in `inputDir` onto the contract, into `outDir`, ready for the normal loader. */
export const applyMapping = async (options: ApplyMappingOptions): Promise<MappingResult> => {
  const { inputDir, outDir } = options;
  if (!fs.existsSync(inputDir) || !fs.statSync(inputDir).isDirectory()) throw new MappingError(`Export folder ${inputDir} does not exist.`);
  let mappings = Array.isArray(options.mapping) && typeof options.mapping[0] === 'object'
    ? options.mapping as LoadedMapping[]
    : loadMappings(options.mapping as string | string[]);
  const overrides = readOverrides(inputDir);
  if (overrides) {
    checkOverrideSources(mappings, overrides, inputDir);
    mappings = mappings.map((m) => applyOverrides(m, overrides));
  }
  prepareOutDir(outDir);
  const scratchDir = options.scratchDir ?? path.join(outDir, REPORT_DIR, 'scratch');

  const db = await openDatabase(':memory:');
  try {
    await db.exec(`CREATE SCHEMA out; CREATE MACRO as_of() AS DATE ${literal(options.asOf ?? new Date().toISOString().slice(0, 10))}`);
    const sources: SourceSummary[] = [];
    const unrecognised: string[] = [];
    const absentExtracts: MappingResult['absentExtracts'] = [];
    const extracts: ExtractMappingSummary[] = [];
    const rejects: MappingReject[] = [];
    const notices: MappingResult['notices'] = [];
    for (const [i, mapping] of mappings.entries()) {
      // Each mapping's SQL sees its own sources by their plain names.
      const schema = ident(`map${i + 1}`);
      await db.exec(`CREATE SCHEMA ${schema}; SET search_path = ${literal(`map${i + 1}`)}`);
      const read = await readSources(db, schema, mapping, inputDir, scratchDir, options.allowOutsidePaths);
      const own = read.summaries;
      sources.push(...own);
      unrecognised.push(...read.unrecognised);
      const absent = new Map(own.filter((s) => s.missing).map((s) => [s.source, s]));
      // Records a source file could not give (quote never closed, too many fields…), with their line.
      for (const s of own) {
        for (const m of s.malformed ?? []) {
          rejects.push({ mapping: mapping.name, extract: `(source ${s.source})`, source_file: m.file, row_number: m.row, column_name: '(record)', value: m.value, reason: `line ${m.line}: ${m.reason}` });
        }
      }
      for (const extract of EXTRACTS.map((e) => e.name).filter((e) => e in mapping.spec.extracts)) {
        const usable = partsOf(mapping.spec.extracts[extract as keyof typeof mapping.spec.extracts]!).map((part) => ({ part, lacking: sourcesOf(part).filter((s) => absent.has(s)) }));
        if (usable.every((u) => u.lacking.length > 0)) {
          // Partial exports are normal: an extract whose sources are all absent is not provided,
          // unless every company needs it.
          absentExtracts.push({ mapping: mapping.name, extract, because: [...new Set(usable.flatMap((u) => u.lacking).flatMap((x) => absent.get(x)!.roots ?? [x]))].map((x) => `sources.${x}: ${absent.get(x)?.missing ?? own.find((o) => o.source === x)?.missing}`) });
          if (CORE_EXTRACTS.includes(extract)) throw missingCoreError(mapping, extract, usable.flatMap((u) => u.lacking).flatMap((s) => absent.get(s)!.roots ?? [s]).map((s) => own.find((x) => x.source === s)!), inputDir);
          continue;
        }
        const mapped = await mapExtract(db, mapping, schema, extract, own, outDir, new Set(usable.flatMap((u, i) => (u.lacking.length === 0 ? [i] : []))));
        extracts.push(mapped.summary);
        rejects.push(...mapped.rejects);
      }
      // What the mapping read but could not link is said, never left silent.
      for (const source of mapping.spec.notices.filter((s) => !absent.has(s))) {
        const lines = await db.query<{ notice: string | null }>(`SELECT CAST(notice AS VARCHAR) AS notice FROM ${schema}.${ident(source)}`);
        notices.push(...lines.filter((l) => l.notice).map((l) => ({ mapping: mapping.name, notice: l.notice! })));
      }
    }
    const provided = new Set(extracts.map((e) => e.extract));
    const carried = carryCompanySettings(inputDir, outDir);
    if (overrides?.currency) carried.settings.currency = { ...(carried.settings.currency as object | undefined), reporting: overrides.currency };
    // Labels the mapping does not know (the loader would reject their rows): named, with the
    // overrides lines that map them.
    const unknownLabels: MappingResult['unknownLabels'] = [];
    for (const l of LABEL_COLUMNS) {
      const written = extracts.find((e) => e.extract === l.extract);
      if (!written) continue;
      const rows = await db.query<{ value: string; rows: number }>(`SELECT ${ident(l.column)} AS value, count(*) AS rows FROM read_parquet(${literal(written.file)})
        WHERE ${ident(l.column)} IS NOT NULL AND ${ident(l.column)} NOT IN (${l.accepted.map(literal).join(', ')}) GROUP BY 1 ORDER BY 2 DESC, 1`);
      unknownLabels.push(...rows.map((r) => ({ extract: l.extract, column: l.column, key: l.key, value: r.value, rows: Number(r.rows) })));
    }
    for (const extract of carried.copied) provided.add(extract);
    const notProvided = EXTRACTS.map((e) => e.name).filter((e) => !provided.has(e));
    writeExtractsYaml(outDir, mappings, notProvided, carried.settings);
    fs.rmSync(scratchDir, { recursive: true, force: true });
    // Every data file of the folder no source read (not only the candidates of a source found by its
    // columns): a file left out is said, with the way to read it.
    const dataFiles = matchFiles(inputDir, ['**/*']).filter((f) => fileFormatOf(f) && !f.startsWith(`${REPORT_DIR}/`));
    const notRead = [...new Set([...unrecognised, ...dataFiles])].filter((f) => !sources.some((s) => s.files.some((x) => x.file === f)));
    const result: MappingResult = {
      outDir,
      mappings: mappings.map((m) => ({ name: m.name, file: m.file })),
      sources,
      extracts: EXTRACTS.flatMap((e) => extracts.filter((x) => x.extract === e.name)),
      notProvided,
      unknownLabels,
      absentExtracts,
      overridesFile: path.join(inputDir, OVERRIDES_FILE),
      missingSources: sources.filter((s) => s.missing).map((s) => ({ mapping: s.mapping, source: s.source, reason: s.missing! })),
      unrecognised: notRead.filter((f) => !/^fx_rates\./i.test(path.basename(f))),
      unrecognisedFiles: describeUnrecognised(inputDir, notRead.filter((f) => !/^fx_rates\./i.test(path.basename(f))), mappings),
      rejects,
      notices,
    };
    fs.writeFileSync(path.join(outDir, REPORT_DIR, REPORT_FILE), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    db.close();
  }
};
