/**
 * Numbers as people and tools write them, read in one place by the loader (pipelines/load/
 * validate.ts, the contract's typing) and the mapping engine (pipelines/mapping/compile.ts,
 * `decimal:`): pure functions from a text expression to DuckDB SQL, so the parse runs set-based
 * over the rows, never per row in JavaScript.
 *
 * What a number may carry besides its digits:
 * - spaces as thousands separators: ordinary, no-break (U+00A0), narrow no-break (U+202F, what
 *   French locales write: "1 030,00"), thin (U+2009);
 * - a currency symbol or ISO code before or after it: "€", "$", "£", "¥", "EUR 12", "12 CHF";
 * - thousands separators of the other mark, in groups of three: "1,030.00" / "1.030,00" (a group
 *   of another length is not a number: "1.23,5" is rejected, never guessed);
 * - a sign: "-", the minus sign U+2212, "+", a trailing minus ("125.00-", SAP and some ERPs),
 *   or accounting parentheses ("(125.00)").
 * Anything else is not a number: the expression gives NULL, and the caller rejects the cell
 * with its value.
 */
import { literal } from '../db/duckdb.js';

export type DecimalMark = '.' | ',';

/** Spacing characters found inside numbers (regex class body, for DuckDB's RE2). */
export const NUMBER_SPACES = '\\s\u00a0\u202f\u2009';

/** Spacing and currency symbols or codes around or inside a number: removed before reading it. */
const STRIP = `[${NUMBER_SPACES}€$£¥]|^[A-Z]{3}|[A-Z]{3}$`;

/** Digits with the other mark grouping thousands (or none), then the decimal part. */
const bodyPattern = (decimal: DecimalMark) => decimal === ','
  ? '([0-9]{1,3}(\\.[0-9]{3})+|[0-9]*)(,[0-9]+)?'
  : '([0-9]{1,3}(,[0-9]{3})+|[0-9]*)(\\.[0-9]+)?';

/** A number written plainly, read by a direct cast (the vast majority of cells: the fast path). */
const plainPattern = (decimal: DecimalMark) => decimal === ',' ? '[+-]?[0-9]*(,[0-9]+)?' : '[+-]?[0-9]*(\\.[0-9]+)?([eE][+-]?[0-9]+)?';

/**
 * SQL reading the text expression `v` as a number of DuckDB type `type` (DOUBLE, DECIMAL(p,s)),
 * NULL when it is not one. `plain` is the cell as read, cast directly when written plainly (a
 * plain value has no surrounding space, so it gives what `v` would); only the others go through
 * the clean-up, which costs several string copies per cell.
 */
export const numberSql = (v: string, decimal: DecimalMark, type: string, plain: string = v): string => {
  const fast = decimal === ',' ? `TRY_CAST(replace(${plain}, ',', '.') AS ${type})` : `TRY_CAST(${plain} AS ${type})`;
  // Signs and parentheses apart, the rest must be the body; `x` binds the parts once.
  const parts = `regexp_extract(regexp_replace(${v}, ${literal(STRIP)}, '', 'g'), '^(\\()?([+\u2212-])?([0-9.,]+)(-)?(\\))?$', ['open', 'sign', 'body', 'trail', 'close'])`;
  const digits = decimal === ',' ? `replace(replace(x.body, '.', ''), ',', '.')` : `replace(x.body, ',', '')`;
  const negative = `x.sign IN ('-', '\u2212') OR x.trail = '-' OR x.open = '('`;
  const valid = `regexp_full_match(x.body, ${literal(bodyPattern(decimal))}) AND regexp_matches(x.body, '[0-9]')
    AND (x.open = '') = (x.close = '') AND (x.open = '' OR (x.sign = '' AND x.trail = '')) AND (x.sign = '' OR x.trail = '')`;
  const slow = `list_transform([${parts}], x -> CASE WHEN ${valid} THEN TRY_CAST(CASE WHEN ${negative} THEN '-' ELSE '' END || ${digits} AS ${type}) END)[1]`;
  return `CASE WHEN regexp_full_match(${plain}, ${literal(plainPattern(decimal))}) THEN ${fast} ELSE ${slow} END`;
};

/** SQL reading `v` as a whole number (BIGINT): digits only, spaces between them allowed; NULL otherwise. */
export const wholeNumberSql = (v: string, plain: string = v): string => {
  const digits = `regexp_replace(${v}, '[${NUMBER_SPACES}]', '', 'g')`;
  // A plain cast would round 3.5 to 4: insist on digits only.
  return `CASE WHEN regexp_full_match(${plain}, '[+-]?[0-9]+') THEN TRY_CAST(${plain} AS BIGINT)
      WHEN regexp_full_match(${digits}, '[+-]?[0-9]+') THEN TRY_CAST(${digits} AS BIGINT) END`;
};

/**
 * SQL giving the decimal mark a value shows, or NULL when it shows none: "1 234,5", "1.234,56",
 * "12,50" show ","; "1,234.5", "12.50" show "."; "1,030", "1.030" and "1030" show nothing (one
 * separator followed by exactly three digits reads either way).
 */
export const decimalEvidenceSql = (v: string): string => {
  const s = `regexp_replace(${v}, ${literal(STRIP)}, '', 'g')`;
  return `CASE WHEN regexp_full_match(${s}, '[(+\u2212-]?[0-9.]*,[0-9]+-?\\)?') AND NOT regexp_full_match(${s}, '[(+\u2212-]?[0-9]{1,3},[0-9]{3}-?\\)?') THEN ','
    WHEN regexp_full_match(${s}, '[(+\u2212-]?[0-9,]*\\.[0-9]+-?\\)?') AND NOT regexp_full_match(${s}, '[(+\u2212-]?[0-9]{1,3}\\.[0-9]{3}-?\\)?') THEN '.' END`;
};

/**
 * The decimal mark of a set of values, from their evidence (counts of values showing "," and
 * "."): "," when some values show it and at least as many as show "."; "." otherwise (and when
 * none shows a mark: "1,030" then reads as one thousand and thirty, the English way).
 */
export const decimalFromCounts = (comma: string, dot: string) => `CASE WHEN ${comma} > 0 AND ${comma} >= ${dot} THEN ',' ELSE '.' END`;

/** Decimal places a value is written with after `decimal` (0 without any), for precision checks. */
export const decimalPlacesSql = (v: string, decimal: DecimalMark) =>
  `length(regexp_extract(trim(${v}), ${literal(`${decimal === ',' ? ',' : '\\.'}([0-9]+)\\)?-?$`)}, 1))`;
