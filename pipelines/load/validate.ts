/**
 * The contract, turned into set-based SQL: typing every cell, then every check that can reject a
 * row, each with a reason a person understands. Pure functions from contract facts to SQL, so the
 * generated statements can be read and tested on their own.
 */
import { UNKNOWN_TEXT } from '../contract/columns.js';
import type { ColumnSpec } from '../contract/derive.js';
import type { ExtractDefinition } from '../contract/extract.js';
import { ident, literal } from '../db/duckdb.js';
import { numberSql, wholeNumberSql } from '../text/numbers.js';

export interface TypingOptions {
  decimal: '.' | ',';
  dateFormats: readonly string[];
  timestampFormats: readonly string[];
  /** Reference day for "in the future" checks, YYYY-MM-DD. */
  asOf: string;
  /** ISO 4217 code an empty or absent currency stands for. */
  reportingCurrency: string;
}

const rawName = (column: string) => ident(`_raw_${column}`);
const sqlList = (values: readonly string[]) => `[${values.map(literal).join(', ')}]`;

/**
 * SQL turning the trimmed text cell `v` into the column's type, NULL when it does not fit.
 * Values written plainly (the vast majority) are cast directly from `plain`, the cell as read,
 * before any clean-up: a plain value has no surrounding space, so this is the value `v` would
 * give. Only the others go through trimming (in `v`) and the clean-up of spaces, currency signs,
 * thousands separators and signs (pipelines/text/numbers.ts, shared with the mapping engine).
 */
export const typedExpression = (column: ColumnSpec, v: string, options: TypingOptions, plain: string = v): string => {
  const type = column.duckdbType;
  if (type === 'VARCHAR') return v;
  if (type === 'BIGINT') return wholeNumberSql(v, plain);
  if (type === 'DOUBLE' || type.startsWith('DECIMAL')) return numberSql(v, options.decimal, type, plain);
  // Date casts skip surrounding spaces themselves, so casting the cell as read is the same.
  if (type === 'DATE') {
    return `COALESCE(TRY_CAST(${plain} AS DATE), TRY_CAST(${v} AS DATE), TRY_CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE)` +
      (options.dateFormats.length ? `, CAST(try_strptime(${v}, ${sqlList(options.dateFormats)}) AS DATE)` : '') + ')';
  }
  if (type === 'TIMESTAMP') {
    return `COALESCE(TRY_CAST(${plain} AS TIMESTAMP), TRY_CAST(${v} AS TIMESTAMP)` +
      (options.timestampFormats.length ? `, try_strptime(${v}, ${sqlList(options.timestampFormats)})` : '') + ')';
  }
  if (type === 'BOOLEAN') {
    return `CASE WHEN lower(${v}) IN ('true', 't', '1', 'yes', 'y', 'oui', 'vrai') THEN true
                 WHEN lower(${v}) IN ('false', 'f', '0', 'no', 'n', 'non', 'faux') THEN false END`;
  }
  throw new Error(`No typing rule for DuckDB type ${type} (column ${column.name})`);
};

const expectedType = (column: ColumnSpec, options: TypingOptions): string => {
  const type = column.duckdbType;
  if (type === 'BIGINT') return 'a whole number';
  if (type === 'DOUBLE' || type.startsWith('DECIMAL')) return options.decimal === ',' ? 'a number like 1234,56' : 'a number like 1234.56';
  if (type === 'DATE') return `a date like 2024-03-31${options.dateFormats.length ? ` (or ${options.dateFormats.join(', ')})` : ''}`;
  if (type === 'TIMESTAMP') return 'a date-time like 2024-03-31 14:30:00';
  if (type === 'BOOLEAN') return 'true or false';
  return type;
};

const reject = (column: string, value: string, reason: string) =>
  `{'column': ${literal(column)}, 'value': ${value}, 'reason': ${reason}}`;

/**
 * How a column arrives from the file and is typed, which decides what the checks read:
 * - `native`: already in the contract's type (Parquet written with it): no parsing; its text is
 *   only built for the rare rejected value;
 * - `text`: a typed column read as text: `_raw_<col>` keeps the cell as read, cast directly when
 *   written plainly; its cleaned (trimmed) text is only computed where needed;
 * - `choice`: a VARCHAR column with accepted values: a cell that is exactly one of them is taken
 *   as is (`_ok_<col>`), only the others are trimmed;
 * - `string`: any other VARCHAR column: the trimmed text is the value.
 */
type ColumnKind = 'native' | 'text' | 'choice' | 'string';

const okName = (column: string) => ident(`_ok_${column}`);

const kindOf = (column: ColumnSpec, native: ReadonlySet<string>): ColumnKind => {
  if (column.duckdbType === 'VARCHAR') return column.enumValues ? 'choice' : 'string';
  return native.has(column.name) ? 'native' : 'text';
};

/** Whether the cell is missing (for a typed column read as text: no value and no text). */
const missingSql = (column: ColumnSpec, kind: ColumnKind) => {
  const typed = ident(column.name);
  return kind === 'text' ? `${typed} IS NULL AND ${cleanedText(rawName(column.name))} IS NULL` : `${typed} IS NULL`;
};

/** A required column whose absence flags the row without rejecting it (a value breaking the rules still rejects). */
const missingIsFlagOnly = (column: ColumnSpec) => column.onMissing === 'flag' && column.onInvalid === 'reject';

/** The flag of a missing value in a column whose absence is descriptive only (a deal with no company). */
const missingFlagCheck = (column: ColumnSpec, kind: ColumnKind) =>
  `CASE WHEN ${missingSql(column, kind)} THEN ${reject(column.name, 'CAST(NULL AS VARCHAR)', literal('missing value (loaded as unknown)'))} END`;

/**
 * One CASE per column giving its first failure (missing, wrong type, not accepted, out of range,
 * in the future), evaluated over the typed value `<col>` and the cell's text.
 */
const columnCheck = (column: ColumnSpec, options: TypingOptions, kind: ColumnKind): string | undefined => {
  const typed = ident(column.name);
  // The cell's text as the user wrote it (trimmed); for VARCHAR columns that is the value itself.
  const raw = kind === 'native' ? `CAST(${typed} AS VARCHAR)` : kind === 'text' ? cleanedText(rawName(column.name)) : typed;
  const branches: string[] = [];
  // A missing value that is only a descriptive gap is checked apart (missingFlagCheck): a flag.
  if (column.required && !missingIsFlagOnly(column)) {
    branches.push(`WHEN ${missingSql(column, kind)} THEN ${reject(column.name, 'CAST(NULL AS VARCHAR)', literal('missing required value'))}`);
  }
  const wrongType = `'wrong type: expected ${expectedType(column, options).replaceAll("'", "''")}, got "' || ${raw} || '"'`;
  // As text, inf and nan would not have passed the number pattern.
  if (kind === 'native' && column.duckdbType === 'DOUBLE') branches.push(`WHEN NOT isfinite(${typed}) THEN ${reject(column.name, raw, wrongType)}`);
  if (kind === 'text') branches.push(`WHEN ${typed} IS NULL AND ${raw} IS NOT NULL THEN ${reject(column.name, raw, wrongType)}`);
  if (column.currency) {
    branches.push(`WHEN NOT regexp_full_match(${typed}, '[A-Z]{3}') THEN ${reject(column.name, raw,
      `'"' || ${raw} || '" is not an ISO 4217 currency code (e.g. EUR, USD, GBP)'`)}`);
  }
  if (column.enumValues) {
    // list_contains rather than IN: DuckDB turns an IN list into a join, which costs more per row.
    const accepted = `list_contains(${sqlList(column.enumValues)}, ${typed})`;
    branches.push(
      `WHEN ${kind === 'choice' ? `NOT ${okName(column.name)} AND ` : ''}NOT ${accepted} THEN ${reject(column.name, raw,
        `'"' || ${raw} || '" is not an accepted value (expected one of: ${column.enumValues.join(', ')})'`)}`,
    );
  }
  if (column.minimum !== undefined) {
    const reason = column.minimum === 0
      ? `'negative value ' || ${raw} || ' (must be 0 or more)'`
      : `'value ' || ${raw} || ' below the minimum of ${column.minimum}'`;
    branches.push(`WHEN ${typed} < ${column.minimum} THEN ${reject(column.name, raw, reason)}`);
  }
  if (column.maximum !== undefined) {
    branches.push(`WHEN ${typed} > ${column.maximum} THEN ${reject(column.name, raw, `'value ' || ${raw} || ' above the maximum of ${column.maximum}'`)}`);
  }
  if (column.notInFuture) {
    branches.push(
      `WHEN CAST(${typed} AS DATE) > DATE ${literal(options.asOf)} THEN ${reject(column.name, raw,
        `'date ' || ${raw} || ' is in the future (after ${options.asOf})'`)}`,
    );
  }
  return branches.length ? `CASE ${branches.join('\n      ')} END` : undefined;
};

/**
 * Text cell cleaned: trimmed, and empty means missing. trim() strips Unicode spaces, of which the
 * only ASCII one is the space: an ASCII cell (length = bytes) that is not empty and does not start
 * (`< '!'`: empty, or a first byte up to the space) or end with a space is left as it is, without
 * paying for trim's copy.
 */
const cleanedText = (v: string) =>
  `CASE WHEN ${v} < '!' OR ends_with(${v}, ' ') OR length(${v}) <> strlen(${v}) THEN NULLIF(trim(${v}), '') ELSE ${v} END`;

/**
 * SELECT typing the rows of `source` in one pass: the contract's columns in its types and order,
 * then `passThrough` helper columns unchanged, then `_errors`: NULL for a valid row, else the list
 * of its row-level failures (column checks and the extract's row rules; NULL entries are no failure).
 * `source` yields each contract column as text, or in the contract's type for `native` ones.
 */
export const typedSelectSql = (
  extract: ExtractDefinition, columns: readonly ColumnSpec[], source: string, options: TypingOptions,
  native: ReadonlySet<string> = new Set(), passThrough: readonly string[] = [],
): string => {
  const helpers = passThrough.map((h) => `${ident(h)}, `).join('');
  const kinds = new Map(columns.map((c) => [c.name, kindOf(c, native)]));
  const name = (c: ColumnSpec) => ident(c.name);
  // Layer 1, from the file: the cell as read (and whether it is exactly an accepted value).
  const read = columns.map((c) => {
    switch (kinds.get(c.name)) {
      case 'native': return name(c);
      case 'string': return `${cleanedText(name(c))} AS ${rawName(c.name)}`;
      case 'choice': return `${name(c)} AS ${rawName(c.name)}, list_contains(${sqlList(c.enumValues!)}, ${name(c)}) AS ${okName(c.name)}`;
      default: return `${name(c)} AS ${rawName(c.name)}`;
    }
  });
  // Layer 2: typed values, plus what the checks need of layer 1.
  const typed = columns.map((c) => {
    switch (kinds.get(c.name)) {
      case 'native': return name(c);
      case 'string': return c.currency
        ? `coalesce(upper(${rawName(c.name)}), ${literal(options.reportingCurrency)}) AS ${name(c)}`
        : `${rawName(c.name)} AS ${name(c)}`;
      case 'choice': return `${okName(c.name)}, CASE WHEN ${okName(c.name)} THEN ${rawName(c.name)} ELSE ${cleanedText(rawName(c.name))} END AS ${name(c)}`;
      default: return `${rawName(c.name)}, CAST(${typedExpression(c, cleanedText(rawName(c.name)), options, rawName(c.name))} AS ${c.duckdbType}) AS ${name(c)}`;
    }
  });
  // Each failure is a reject (the row is not loaded) or a flag (the row is loaded with the value as
  // an explicit unknown), as the contract declares for its column or rule.
  const failures: { sql: string; flagColumn?: string }[] = [];
  for (const c of columns) {
    const check = columnCheck(c, options, kinds.get(c.name)!);
    if (check) failures.push({ sql: check, flagColumn: c.onInvalid === 'flag' ? c.name : undefined });
    if (c.required && missingIsFlagOnly(c)) failures.push({ sql: missingFlagCheck(c, kinds.get(c.name)!), flagColumn: c.name });
  }
  for (const rule of extract.rules ?? []) {
    failures.push({
      sql: `CASE WHEN NOT (${rule.check}) THEN ${reject(rule.column, `CAST(${ident(rule.column)} AS VARCHAR)`, literal(rule.reason))} END`,
      flagColumn: rule.onInvalid === 'flag' ? rule.column : undefined,
    });
  }
  const names = columns.map(name).join(', ');
  const listOf = (indexes: number[]) => indexes.length
    ? `CASE WHEN ${indexes.map((i) => `_e${i} IS NOT NULL`).join(' OR ')} THEN [${indexes.map((i) => `_e${i}`).join(', ')}] END`
    : 'CAST(NULL AS STRUCT("column" VARCHAR, "value" VARCHAR, reason VARCHAR)[])';
  const rejectIndexes = failures.flatMap((f, i) => (f.flagColumn ? [] : [i]));
  const flagIndexes = failures.flatMap((f, i) => (f.flagColumn ? [i] : []));
  // A flagged value becomes the explicit unknown: text "(non renseigné)", anything else NULL.
  const finalColumns = columns.map((c) => {
    const flags = failures.flatMap((f, i) => (f.flagColumn === c.name ? [i] : []));
    if (flags.length === 0) return name(c);
    const unknown = c.duckdbType === 'VARCHAR' && !c.references && !c.currency ? literal(UNKNOWN_TEXT) : `CAST(NULL AS ${c.duckdbType})`;
    return `CASE WHEN ${flags.map((i) => `_e${i} IS NOT NULL`).join(' OR ')} THEN ${unknown} ELSE ${name(c)} END AS ${name(c)}`;
  });
  return `SELECT ${finalColumns.join(', ')}, ${helpers}${listOf(rejectIndexes)} AS _errors, ${listOf(flagIndexes)} AS _flags
FROM (
  SELECT ${names}, ${helpers}${failures.map((f, i) => `${f.sql} AS _e${i}`).join(',\n    ') || 'NULL AS _e'}
  FROM (
    SELECT ${helpers}${typed.join(',\n      ')}
    FROM (SELECT ${helpers}${read.join(', ')} FROM ${source})
  )
)`;
};

export interface SetCheckContext {
  /**
   * Relation of the rows without row-level errors: `_rid` (identifies the row in the loaded table),
   * `_file`, `_row` (record number) and the typed columns.
   */
  valid: string;
  /** Loaded table of an extract already validated, by extract name; undefined when not provided. */
  loadedTable: (extract: string) => string | undefined;
  /** Key column of an extract. */
  keyOf: (extract: string) => readonly string[];
  /** ISO 4217 code of the company's reporting currency. */
  reportingCurrency: string;
  /** Table of the exchange rates known to this run: currency, month (NULL: every month), rate. */
  fxRates: string;
}

/**
 * A check over sets of rows: SQL selecting (_rid, column_name, value, reason) of the rows failing
 * it, and what a failure does: `reject` the row, or `flag` it and set `column` to NULL.
 */
export interface SetCheck {
  sql: string;
  onInvalid: 'reject' | 'flag';
  column?: string;
}

/**
 * The checks over sets of rows: duplicate keys, unknown references, rules that need another
 * extract, and amounts in a currency with no exchange rate. Only rows without row-level errors
 * take part, so the first valid occurrence of a key is the one kept.
 */
export const setChecksSql = (extract: ExtractDefinition, columns: readonly ColumnSpec[], ctx: SetCheckContext): SetCheck[] => {
  const valid = ctx.valid;
  const queries: SetCheck[] = [];
  const rejecting = (sql: string): SetCheck => ({ sql, onInvalid: 'reject' });

  // Duplicates are rare: a hash aggregate finds the duplicated keys, and only their rows are
  // ordered to tell the first occurrence (kept) from the others (rejected).
  const keyColumns = extract.key.map(ident);
  const keyText = extract.key.map((k) => `'${k}=' || coalesce(CAST(${ident(k)} AS VARCHAR), '(empty)')`).join(` || ', ' || `);
  const sameKey = extract.key.map((k) => `v.${ident(k)} IS NOT DISTINCT FROM d.${ident(k)}`).join(' AND ');
  queries.push(rejecting(`SELECT _rid, ${literal(extract.key.join(', '))} AS column_name, ${keyText} AS value,
    'duplicate key (' || ${keyText} || '): first seen on row ' || first_row || ', which is kept' AS reason
  FROM (SELECT *, row_number() OVER w AS occurrence, first_value(_row) OVER w AS first_row
        FROM (SELECT v.* FROM ${valid} v
              SEMI JOIN (SELECT ${keyColumns.join(', ')} FROM ${valid} GROUP BY ALL HAVING count(*) > 1) d ON ${sameKey})
        WINDOW w AS (PARTITION BY ${keyColumns.join(', ')} ORDER BY _file, _row))
  WHERE occurrence > 1`));

  for (const column of columns) {
    if (!column.references) continue;
    const parent = column.references.extract;
    const parentColumn = column.references.column || ctx.keyOf(parent)[0]!;
    const parentTable = parent === extract.name ? valid : ctx.loadedTable(parent);
    if (!parentTable) continue; // parent not provided: the reference cannot be checked
    const flagged = column.onInvalid === 'flag';
    const select = `SELECT t._rid, ${literal(column.name)} AS column_name, t.${ident(column.name)} AS value,
    'unknown reference: ${column.name} "' || t.${ident(column.name)} || '" is not a loaded ${parent} row${flagged ? ' (loaded as unknown)' : ''}' AS reason`;
    const sql = parent === extract.name
      // A reference to the extract itself: the referencing rows are the fewer, so DuckDB builds its
      // hash table on them (NOT EXISTS) rather than on every row of the extract.
      ? `${select}
  FROM (SELECT * FROM ${valid} WHERE ${ident(column.name)} IS NOT NULL) t
  WHERE NOT EXISTS (SELECT 1 FROM ${parentTable} p WHERE p.${ident(parentColumn)} = t.${ident(column.name)})`
      : `${select}
  FROM ${valid} t ANTI JOIN ${parentTable} p ON p.${ident(parentColumn)} = t.${ident(column.name)}
  WHERE t.${ident(column.name)} IS NOT NULL`;
    queries.push({ sql, onInvalid: column.onInvalid, column: flagged ? column.name : undefined });
  }

  // Rules joining the same extract the same way share one join.
  const groups = new Map<string, NonNullable<ExtractDefinition['crossRules']>[number][]>();
  for (const rule of extract.crossRules ?? []) {
    const key = `${rule.other}\u0000${rule.on}`;
    groups.set(key, [...(groups.get(key) ?? []), rule]);
  }
  for (const rules of groups.values()) {
    const other = ctx.loadedTable(rules[0]!.other);
    if (!other) continue;
    const failures = rules.map((rule) => `CASE WHEN NOT (${rule.check}) THEN ${reject(rule.column, `CAST(t.${ident(rule.column)} AS VARCHAR)`, literal(rule.reason))} END`);
    queries.push(rejecting(`SELECT _rid, e.column AS column_name, e.value, e.reason
  FROM (SELECT t._rid, unnest([${failures.join(', ')}]) AS e
        FROM ${valid} t JOIN ${other} other ON ${rules[0]!.on}
        WHERE ${rules.map((rule) => `NOT (${rule.check})`).join(' OR ')})
  WHERE e IS NOT NULL`));
  }

  // Money in another currency than the company's needs a rate for its month: without one it is
  // held out, never summed as if it were in the company's currency.
  if (extract.currency) {
    const currency = ident(extract.currency.column);
    queries.push(rejecting(`SELECT t._rid, ${literal(extract.currency.column)} AS column_name, t.${currency} AS value,
    'no exchange rate for ' || t.${currency} || ' in ' || strftime(t._month, '%Y-%m') || ' (add it to fx_rates, or under currency.rates in extracts.yaml)' AS reason
  FROM (SELECT _rid, ${currency}, CAST(date_trunc('month', ${extract.currency.rateDate}) AS DATE) AS _month
        FROM ${valid} WHERE ${currency} <> ${literal(ctx.reportingCurrency)}) t
  WHERE NOT EXISTS (SELECT 1 FROM ${ctx.fxRates} r WHERE r.currency = t.${currency} AND (r.month = t._month OR r.month IS NULL))`));
  }
  return queries;
};
