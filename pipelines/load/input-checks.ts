/**
 * Checks on what a file holds that stop the run rather than reject a row, because the fault is
 * the whole column's, and loading would silently pick or change values:
 * - a column named twice in the header (which copy is right?);
 * - numbers with more decimals than their column keeps (1.234 in a DECIMAL(18,2) money column
 *   would be rounded to 1.23: most often "." was a thousands separator).
 */
import type { ColumnSpec } from '../contract/derive.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import { decimalPlacesSql } from '../text/numbers.js';

/** Throws `makeError(message)` when two header cells name the same column (case and spaces ignored). */
export const checkDuplicateColumns = (file: string, header: string[], normalise: (name: string) => string, makeError: (message: string) => Error) => {
  const seen = new Map<string, number>();
  for (const [index, cell] of header.entries()) {
    const name = normalise(cell);
    if (name === '') continue;
    const first = seen.get(name);
    if (first !== undefined) {
      throw makeError(`${file}: column "${name}" appears twice in the header, as column ${first + 1} ("${header[first]}") and column ${index + 1} ("${cell}"). ` +
        'Remove or rename one of them in the export, so that it is clear which one holds the data.');
    }
    seen.set(name, index);
  }
};

/** Decimal places a DECIMAL(p,s) column keeps; undefined for other types. */
export const scaleOf = (column: ColumnSpec): number | undefined => {
  const match = /^DECIMAL\(\d+,\s*(\d+)\)$/.exec(column.duckdbType);
  return match ? Number(match[1]) : undefined;
};

/**
 * SQL giving, per row, the names of the DECIMAL columns whose text has more decimals than the
 * column keeps (NULL when none), or undefined when the extract has no such column read as text.
 */
export const overPrecisionSql = (columns: readonly ColumnSpec[], decimal: '.' | ',', native: ReadonlySet<string>): string | undefined => {
  const tests = columns.filter((c) => scaleOf(c) !== undefined && !native.has(c.name)).map((c) =>
    `CASE WHEN ${decimalPlacesSql(ident(c.name), decimal)} > ${scaleOf(c)} THEN ${literal(c.name)} END`);
  return tests.length ? `nullif(concat_ws(',', ${tests.join(', ')}), '')` : undefined;
};

/**
 * Stops the run when rows of `table` carry over-precise numbers (its `flag` column from
 * overPrecisionSql). `where` turns a rowid into "file, line" for the message.
 */
export const checkPrecision = async (
  db: Database, table: string, flag: string, columns: readonly ColumnSpec[], decimal: '.' | ',',
  where: (rowid: number) => Promise<string>, makeError: (message: string) => Error,
) => {
  const [found] = await db.query<{ cols: string; n: number; first: number }>(
    `SELECT any_value(${flag}) AS cols, count(*) AS n, min(rowid) AS first FROM ${table} WHERE ${flag} IS NOT NULL`);
  if (!found || !found.n) return;
  const column = columns.find((c) => c.name === found.cols.split(',')[0])!;
  const scale = scaleOf(column)!;
  const example = decimal === '.' ? '"1.234"' : '"1,234"';
  throw makeError(
    `${await where(found.first)}: column "${column.name}" holds ${found.n.toLocaleString('en')} number(s) with more than ${scale} decimals ` +
      `(it keeps ${scale}; a value like ${example} would be silently rounded). ` +
      (decimal === '.'
        ? 'If "." is a thousands separator in this file (1.234 meaning one thousand two hundred thirty-four), set decimal: "," in extracts.yaml; '
        : 'If "," is a thousands separator in this file, set decimal: "." in extracts.yaml; ') +
      `otherwise round the amounts to ${scale} decimals in the export.`);
};
