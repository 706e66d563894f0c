/**
 * A mapping part, turned into one set-based SELECT: the contract's columns as text (the loader
 * types and checks them, so a bad value is rejected there with its value), whether the row passes
 * the part's filter, and the mapping's own rejects (unknown values with `unmapped: reject`,
 * `reject:` rules). Pure functions from the mapping to SQL.
 */
import type { ColumnSpec as ContractColumn } from '../contract/derive.js';
import { ident, literal } from '../db/duckdb.js';
import { decimalEvidenceSql, decimalFromCounts, numberSql as textNumberSql } from '../text/numbers.js';
import { MappingError } from './load-mapping.js';
import type { ColumnSpec, Part } from './schema.js';

export interface CompileContext {
  /** Schema holding the mapping's sources. */
  schema: string;
  /** Source columns by source name (for resolving plain column names). */
  sourceColumns: Map<string, string[]>;
  /** Error location prefix, e.g. `mapping hubspot (…/hubspot.yaml), extracts.opportunities`. */
  where: string;
}

export interface CompiledPart {
  /** FROM … LEFT JOIN … clause. */
  from: string;
  /** FROM clause with the first n joins only, to find a join that multiplies rows. */
  fromWithJoins: (n: number) => string;
  columns: { name: string; sql: string; path: string; dates?: DateFormatCheck }[];
  keep: string;
  rejects: { sql: string; path: string }[];
  /** Per row, the lookups (join `flag:`) that found nothing: `__flags`, flags the loader records. */
  flags: string;
  select: string;
}

/** A date column read with day/month formats: its text before parsing, and the formats given. */
export interface DateFormatCheck {
  text: string;
  formats: string[];
}

const REJECT_TYPE = 'STRUCT("column" VARCHAR, "value" VARCHAR, reason VARCHAR)';

const scalarLiteral = (value: string | number | boolean | null) =>
  value === null ? 'NULL::VARCHAR' : literal(String(value));

const rejectStruct = (column: string, value: string, reason: string) =>
  `{'column': ${literal(column)}, 'value': ${value}, 'reason': ${reason}}`;

/** Alias → source name for the part's FROM and joins, in lookup order. */
const aliasesOf = (part: Part) => [
  { alias: part.from, source: part.from },
  ...part.join.map((j) => ({ alias: j.as ?? j.source, source: j.source })),
];

/** `alias."Column"` for a source column named as exported (case-insensitive), from the FROM source first. */
const resolveColumn = (name: string, part: Part, ctx: CompileContext, path: string): string => {
  for (const { alias, source } of aliasesOf(part)) {
    const found = (ctx.sourceColumns.get(source) ?? []).find((c) => c.toLowerCase() === name.toLowerCase());
    if (found) return `${ident(alias)}.${ident(found)}`;
  }
  const available = aliasesOf(part).map(({ alias, source }) => `${alias}: ${(ctx.sourceColumns.get(source) ?? []).join(', ')}`).join('; ');
  throw new MappingError(`${ctx.where}.${path}: "${name}" is not a column of the source(s) (${available}). ` +
    'For a constant write { value: … }; for an expression { sql: … }.');
};

const columnExists = (name: string, part: Part, ctx: CompileContext) =>
  aliasesOf(part).some(({ source }) => (ctx.sourceColumns.get(source) ?? []).some((c) => c.toLowerCase() === name.toLowerCase()));

/**
 * The source number `v` as DECIMAL (pipelines/text/numbers.ts: the loader's reader). With
 * `decimal: auto` the mark is decided per file of the FROM source, from the values of the column
 * that show one (a French download "1 030,00" and an English one "1,030.00" read with the same
 * mapping); a file whose values show none reads "." (English).
 */
const numberOf = (v: string, decimal: '.' | ',' | 'auto', part: Part) => {
  const type = 'DECIMAL(38, 10)';
  if (decimal !== 'auto') return textNumberSql(v, decimal, type);
  const evidence = (mark: string) => `count(*) FILTER (WHERE ${decimalEvidenceSql(v)} = '${mark}') OVER (PARTITION BY ${ident(part.from)}._file)`;
  const mark = decimalFromCounts(evidence(','), evidence('.'));
  return `CASE ${mark} WHEN ',' THEN ${textNumberSql(v, ',', type)} ELSE ${textNumberSql(v, '.', type)} END`;
};

/**
 * SQL giving the column's text for the loader, and its rejects. Every conversion passes a value it
 * cannot convert through unchanged, so the loader rejects it with the value rather than it
 * silently becoming empty.
 */
export const compileColumn = (
  name: string, spec: ColumnSpec, column: ContractColumn, part: Part, ctx: CompileContext, path: string,
): { sql: string; rejects: string[]; dates?: DateFormatCheck } => {
  const s: { column?: string; sql?: string; value?: string | number | boolean | null } = typeof spec === 'string' ? { column: spec } : spec;
  let base: string;
  if (s.value !== undefined) base = scalarLiteral(s.value);
  else if (s.sql !== undefined) base = `CAST((${s.sql}) AS VARCHAR)`;
  else if (typeof spec !== 'string' && spec.optional && !columnExists(s.column!, part, ctx)) base = 'NULL::VARCHAR';
  else base = `CAST(${resolveColumn(s.column!, part, ctx, path)} AS VARCHAR)`;
  let v = `NULLIF(trim(${base}), '')`;
  const rejects: string[] = [];

  if (typeof spec !== 'string' && spec.values) {
    const key = spec.ignoreCase ? `lower(${v})` : v;
    const keyOf = (k: string) => literal(spec.ignoreCase ? k.toLowerCase() : k);
    const branches = Object.entries(spec.values).map(([from, to]) => `WHEN ${keyOf(from)} THEN ${scalarLiteral(to)}`);
    const known = Object.keys(spec.values);
    if (spec.unmapped === 'reject') {
      rejects.push(`CASE WHEN ${v} IS NOT NULL AND ${key} NOT IN (${known.map(keyOf).join(', ')}) THEN ${rejectStruct(name, v,
        `'"' || ${v} || '" is not in the mapping''s values for ${name} (known: ${known.join(', ').replaceAll("'", "''")})'`)} END`);
    }
    v = `(CASE ${key} ${branches.join(' ')} ELSE ${v} END)`;
  }
  let dates: DateFormatCheck | undefined;
  if (typeof spec !== 'string' && spec.format !== undefined) {
    const given = Array.isArray(spec.format) ? spec.format : [spec.format];
    if (given.some((f) => /%d/.test(f) && /%m/.test(f))) dates = { text: v, formats: given };
    const formats = `[${given.map(literal).join(', ')}]`;
    const parsed = column.duckdbType === 'DATE' ? `CAST(try_strptime(${v}, ${formats}) AS DATE)` : `try_strptime(${v}, ${formats})`;
    v = `coalesce(CAST(${parsed} AS VARCHAR), ${v})`;
  }
  if (typeof spec !== 'string' && (spec.decimal !== undefined || spec.multiply !== undefined || spec.divide !== undefined)) {
    let n = numberOf(v, spec.decimal ?? '.', part);
    if (spec.multiply !== undefined) n = `(${n} * ${spec.multiply})`;
    if (spec.divide !== undefined) n = `(${n} / ${spec.divide})`;
    v = `coalesce(CAST(CAST(${n} AS DOUBLE) AS VARCHAR), ${v})`;
  }
  // 5.0 is the whole number 5: say it the way the loader expects whole numbers.
  if (column.duckdbType === 'BIGINT') v = `regexp_replace(${v}, '^([+-]?[0-9]+)\\.0+$', '\\1')`;
  return { sql: v, rejects, dates };
};

/** The part's SELECT over its sources, with `__file`, `__row`, `__line`, the columns, `__keep` and `__rejects`. */
export const compilePart = (extract: string, contract: readonly ContractColumn[], part: Part, ctx: CompileContext, pathPrefix: string): CompiledPart => {
  const source = (name: string) => `${ctx.schema}.${ident(name)}`;
  // A checking lookup marks the rows it finds (`__found`): no mark, the value is not in its list.
  const joins = part.join.map((j) => `LEFT JOIN ${j.flag ? `(SELECT *, true AS __found FROM ${source(j.source)})` : source(j.source)} AS ${ident(j.as ?? j.source)} ON (${j.on})`);
  const fromWithJoins = (n: number) => [`${source(part.from)} AS ${ident(part.from)}`, ...joins.slice(0, n)].join('\n  ');
  const from = fromWithJoins(joins.length);

  const columns: CompiledPart['columns'] = [];
  const rejects: CompiledPart['rejects'] = [];
  // A column's sql: may read another contract column's mapped value as {{column}} (e.g. closed_at
  // kept only when {{stage}} is won or lost, so a company's own closing labels in the overrides
  // file close the deal too); those columns are compiled after the ones they read.
  const reads = (spec: ColumnSpec | undefined) => (typeof spec === 'object' && spec.sql?.includes('{{') ? spec.sql : undefined);
  const ordered = [...contract].sort((a, b) => Number(reads(part.columns[a.name]) !== undefined) - Number(reads(part.columns[b.name]) !== undefined));
  for (const column of ordered) {
    let spec = part.columns[column.name];
    const path = `${pathPrefix}columns.${column.name}`;
    if (spec === undefined) {
      columns.push({ name: column.name, sql: 'NULL::VARCHAR', path });
      continue;
    }
    const template = reads(spec);
    if (template !== undefined) {
      const sql = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
        const other = columns.find((c) => c.name === name);
        if (!other || reads(part.columns[name]) !== undefined) {
          throw new MappingError(`${path}: {{${name}}} must name a contract column of ${extract} mapped without {{…}}`);
        }
        return `(${other.sql})`;
      });
      spec = { ...(spec as Exclude<ColumnSpec, string>), sql };
    }
    const compiled = compileColumn(column.name, spec, column, part, ctx, path);
    columns.push({ name: column.name, sql: compiled.sql, path, dates: compiled.dates });
    rejects.push(...compiled.rejects.map((sql) => ({ sql, path })));
  }
  columns.sort((a, b) => contract.findIndex((c) => c.name === a.name) - contract.findIndex((c) => c.name === b.name));
  part.reject.forEach((rule, i) => {
    const value = columns.find((c) => c.name === rule.column)?.sql ?? 'NULL::VARCHAR';
    rejects.push({ sql: `CASE WHEN (${rule.when}) THEN ${rejectStruct(rule.column, value, literal(rule.reason))} END`, path: `${pathPrefix}reject.${i}.when` });
  });
  const flagItems = part.join.flatMap((j, i) => {
    if (!j.flag) return [];
    const checked = columns.find((c) => c.name === j.flag);
    if (!checked) {
      throw new MappingError(`${ctx.where}.${pathPrefix}join.${i}.flag: "${j.flag}" is not a column of ${extract} (its columns: ${contract.map((c) => c.name).join(', ')})`);
    }
    // The loader's own check reports a missing value; here, a value given that the list lacks.
    return [`CASE WHEN ${ident(j.as ?? j.source)}.__found IS NULL AND (${checked.sql}) IS NOT NULL THEN ${rejectStruct(j.flag, checked.sql,
      `'not in the reference list: ${j.flag} "' || (${checked.sql}) || '" matches no row of ${j.source} (loaded as written)'`)} END`];
  });
  const flags = flagItems.length ? `list_filter([${flagItems.join(', ')}], e -> e IS NOT NULL)` : `[]::${REJECT_TYPE}[]`;
  const keep = part.where ? `coalesce((${part.where}), false)` : 'true';
  const rejectList = rejects.length
    ? `list_filter([${rejects.map((r) => r.sql).join(',\n    ')}], e -> e IS NOT NULL)`
    : `[]::${REJECT_TYPE}[]`;
  const alias = ident(part.from);
  const select = `SELECT ${alias}._file AS __file, ${alias}._row AS __row, ${alias}._line AS __line,
  ${columns.map((c) => `${c.sql} AS ${ident(c.name)}`).join(',\n  ')},
  ${keep} AS __keep,
  ${rejectList} AS __rejects,
  ${flags} AS __flags
FROM ${from}`;
  return { from, fromWithJoins, columns, keep, rejects, flags, select };
};
