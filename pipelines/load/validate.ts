/**
 * The contract, turned into set-based SQL: typing every cell, then every check that can reject a
 * row, each with a reason a person understands. Pure functions from contract facts to SQL, so the
 * generated statements can be read and tested on their own.
 */
import type { ColumnSpec } from '../contract/derive.js';
import type { ExtractDefinition } from '../contract/extract.js';
import { ident, literal } from '../db/duckdb.js';

export interface TypingOptions {
  decimal: '.' | ',';
  dateFormats: readonly string[];
  timestampFormats: readonly string[];
  /** Reference day for "in the future" checks, YYYY-MM-DD. */
  asOf: string;
}

const rawName = (column: string) => ident(`_raw_${column}`);
const sqlList = (values: readonly string[]) => `[${values.map(literal).join(', ')}]`;

/** SQL turning the trimmed text cell `v` into the column's type, NULL when it does not fit. */
export const typedExpression = (column: ColumnSpec, v: string, options: TypingOptions): string => {
  const type = column.duckdbType;
  if (type === 'VARCHAR') return v;
  if (type === 'BIGINT') {
    const digits = `regexp_replace(${v}, '[\\s\u00a0\u202f]', '', 'g')`;
    // A plain cast would round 3.5 to 4: insist on digits only.
    return `CASE WHEN regexp_full_match(${digits}, '[+-]?[0-9]+') THEN TRY_CAST(${digits} AS BIGINT) END`;
  }
  if (type === 'DOUBLE' || type.startsWith('DECIMAL')) {
    const compact = `regexp_replace(${v}, '[\\s\u00a0\u202f€]', '', 'g')`;
    const normalised = options.decimal === ','
      // 1.234,56 and 1234,56 are fine; 12.5 in a decimal-comma file is ambiguous, so it is rejected.
      ? `CASE WHEN regexp_full_match(${compact}, '[+-]?([0-9]{1,3}(\\.[0-9]{3})+|[0-9]*)(,[0-9]+)?') THEN replace(replace(${compact}, '.', ''), ',', '.') END`
      : `CASE WHEN regexp_full_match(${compact}, '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?') THEN replace(${compact}, ',', '') END`;
    return `TRY_CAST(${normalised} AS ${type})`;
  }
  if (type === 'DATE') {
    return `COALESCE(TRY_CAST(${v} AS DATE), TRY_CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE)` +
      (options.dateFormats.length ? `, CAST(try_strptime(${v}, ${sqlList(options.dateFormats)}) AS DATE)` : '') + ')';
  }
  if (type === 'TIMESTAMP') {
    return `COALESCE(TRY_CAST(${v} AS TIMESTAMP)` +
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
 * One CASE per column giving its first failure (missing, wrong type, not accepted, out of range,
 * in the future), evaluated over the raw cell `_raw_<col>` and the typed value `<col>`.
 */
export const columnCheck = (column: ColumnSpec, options: TypingOptions): string | undefined => {
  const raw = rawName(column.name);
  const typed = ident(column.name);
  const branches: string[] = [];
  if (column.required) {
    branches.push(`WHEN ${raw} IS NULL THEN ${reject(column.name, 'NULL', literal('missing required value'))}`);
  }
  if (column.duckdbType !== 'VARCHAR') {
    branches.push(
      `WHEN ${raw} IS NOT NULL AND ${typed} IS NULL THEN ${reject(column.name, raw,
        `'wrong type: expected ${expectedType(column, options).replaceAll("'", "''")}, got "' || ${raw} || '"'`)}`,
    );
  }
  if (column.enumValues) {
    branches.push(
      `WHEN ${typed} NOT IN (${column.enumValues.map(literal).join(', ')}) THEN ${reject(column.name, raw,
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
 * SQL creating `target` from the raw view `source`: typed columns, plus `_errors`, the list of
 * every row-level failure (column checks and the extract's row rules).
 */
export const typedTableSql = (
  extract: ExtractDefinition, columns: readonly ColumnSpec[], source: string, target: string, options: TypingOptions,
): string => {
  const cleaned = columns.map((c) => `NULLIF(trim(${ident(c.name)}), '') AS ${rawName(c.name)}`);
  const typed = columns.map((c) => `${typedExpression(c, rawName(c.name), options)} AS ${ident(c.name)}`);
  const checks = columns.map((c) => columnCheck(c, options)).filter((c): c is string => c !== undefined);
  const rules = (extract.rules ?? []).map(
    (rule) => `CASE WHEN NOT (${rule.check}) THEN ${reject(rule.column, `CAST(${ident(rule.column)} AS VARCHAR)`, literal(rule.reason))} END`,
  );
  return `CREATE OR REPLACE TABLE ${target} AS
SELECT _file, _row, ${columns.map((c) => ident(c.name)).join(', ')},
  list_filter([${[...checks, ...rules].join(',\n    ') || 'NULL'}], e -> e IS NOT NULL) AS _errors
FROM (
  SELECT _file, _row, ${columns.map((c) => rawName(c.name)).join(', ')}, ${typed.join(',\n    ')}
  FROM (SELECT _file, _row, ${cleaned.join(', ')} FROM ${source})
)`;
};

export interface SetCheckContext {
  /** Table of typed rows with `_errors`. */
  typed: string;
  /** Loaded table of an extract already validated, by extract name; undefined when not provided. */
  loadedTable: (extract: string) => string | undefined;
  /** Key column of an extract. */
  keyOf: (extract: string) => readonly string[];
}

/**
 * SQL selecting (_file, _row, column, value, reason) for checks over sets of rows: duplicate keys,
 * unknown references and rules that need another extract. Only rows without row-level errors
 * take part, so the first valid occurrence of a key is the one kept.
 */
export const setChecksSql = (extract: ExtractDefinition, columns: readonly ColumnSpec[], ctx: SetCheckContext): string[] => {
  const valid = `(SELECT * FROM ${ctx.typed} WHERE len(_errors) = 0)`;
  const queries: string[] = [];

  const keyColumns = extract.key.map(ident);
  const keyText = extract.key.map((k) => `'${k}=' || coalesce(CAST(${ident(k)} AS VARCHAR), '(empty)')`).join(` || ', ' || `);
  queries.push(`SELECT _file, _row, ${literal(extract.key.join(', '))} AS column_name, ${keyText} AS value,
    'duplicate key (' || ${keyText} || '): first seen on row ' || first_row || ', which is kept' AS reason
  FROM (SELECT *, row_number() OVER w AS occurrence, first_value(_row) OVER w AS first_row
        FROM ${valid} WINDOW w AS (PARTITION BY ${keyColumns.join(', ')} ORDER BY _file, _row))
  WHERE occurrence > 1`);

  for (const column of columns) {
    if (!column.references) continue;
    const parent = column.references.extract;
    const parentColumn = column.references.column || ctx.keyOf(parent)[0]!;
    const parentTable = parent === extract.name ? valid : ctx.loadedTable(parent);
    if (!parentTable) continue; // parent not provided: the reference cannot be checked
    queries.push(`SELECT t._file, t._row, ${literal(column.name)} AS column_name, t.${ident(column.name)} AS value,
    'unknown reference: ${column.name} "' || t.${ident(column.name)} || '" is not a loaded ${parent} row' AS reason
  FROM ${valid} t ANTI JOIN ${parentTable} p ON p.${ident(parentColumn)} = t.${ident(column.name)}
  WHERE t.${ident(column.name)} IS NOT NULL`);
  }

  for (const rule of extract.crossRules ?? []) {
    const other = ctx.loadedTable(rule.other);
    if (!other) continue;
    queries.push(`SELECT t._file, t._row, ${literal(rule.column)} AS column_name, CAST(t.${ident(rule.column)} AS VARCHAR) AS value,
    ${literal(rule.reason)} AS reason
  FROM ${valid} t JOIN ${other} other ON ${rule.on}
  WHERE NOT (${rule.check})`);
  }
  return queries;
};
