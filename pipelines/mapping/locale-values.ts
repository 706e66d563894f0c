/**
 * Files as the user touched them. A vendor export opened and saved again by a French Excel keeps
 * its columns but not its values: dates become day first with the time cut to minutes
 * (`2024-03-15 10:23` → `15/03/2024 10:23`), numbers take a decimal comma and thousands spaces
 * (`12000.5` → `12 000,5`, also the no-break and narrow no-break spaces). A mapping's SQL is
 * written against the vendor's own values (`TRY_CAST("Create Date" AS TIMESTAMP)`), so each
 * source file's text cells are first given back the vendor's plain form, column by column, only
 * where the whole column proves the reading, and every reading is said:
 *
 * - **dates** written with slashes are read day first or month first when every value that can tell
 *   (a number over 12 in first or second place) reads one way and none the other — the column's
 *   own values first, then the other date columns of the same file (one tool wrote it), then
 *   `dateOrder:` of mapping-overrides.yaml, then the other files of the export; they are rewritten
 *   in ISO 8601. A column whose values contradict each other stops the run naming both counts,
 *   unless a `format:` of the mapping reads it (its order is then the mapping's statement and
 *   the odd values are rejected by the loader with their value). A column no value can decide, that
 *   the mapping reads without a format, stops the run: the order matters and nothing tells it.
 * - **numbers** are rewritten with a "." when every value of the column is a number written the
 *   French way (`12 000,50`, `1.234,56`, `40 000 000`) and some value shows the decimal comma or
 *   the thousands spaces, none a decimal point. Digits alone (`00123`, an id) are left as written.
 *
 * Evidence ignores the lines of a report footer (one cell filled: "Confidential Information…").
 * Everything runs in DuckDB over the staged text tables (one UNPIVOT pass per file, one UPDATE).
 */
import { ident, literal, type Database } from '../db/duckdb.js';
import { decimalEvidenceSql, NUMBER_SPACES, numberSql } from '../text/numbers.js';
import { MappingError } from './load-mapping.js';

export type DayMonthOrder = 'day-first' | 'month-first';

/** First and second numbers of a date written d/m/y or m/d/y (separators / . -), year last; anything may follow (a time). */
const SLASH = `'^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})(\\b|$)'`;

/** A number as a French (or German) spreadsheet writes it: thousands grouped by spaces or ".", decimal comma, maybe "€". */
const LOCALE_NUMBER = `^[(+\u2212-]?([0-9]{1,3}([${NUMBER_SPACES}.][0-9]{3})+|[0-9]+)(,[0-9]+)?([${NUMBER_SPACES}]?€)?[)-]?$`;

/** What the values of one column of one file show. */
export interface ColumnEvidence {
  column: string;
  values: number;
  /** Dates written with slashes, and those only one order reads. */
  slash: number;
  dayOver12: number;
  monthOver12: number;
  dayExample: string | null;
  monthExample: string | null;
  /** Values read as locale numbers, and those showing each decimal mark or thousands spaces. */
  localeNumbers: number;
  commaDecimal: number;
  pointDecimal: number;
  spaced: number;
  withComma: number;
  numberExample: string | null;
}

/** The evidence of every text column of a staged file table, one pass over its cells. */
export const columnEvidence = async (db: Database, table: string, columns: string[]): Promise<ColumnEvidence[]> => {
  if (columns.length === 0) return [];
  const first = `TRY_CAST(regexp_extract(v, ${SLASH}, 1) AS INTEGER)`;
  const second = `TRY_CAST(regexp_extract(v, ${SLASH}, 2) AS INTEGER)`;
  const dayOnly = `${first} > 12 AND ${first} <= 31 AND ${second} BETWEEN 1 AND 12`;
  const monthOnly = `${second} > 12 AND ${second} <= 31 AND ${first} BETWEEN 1 AND 12`;
  const rows = await db.query<ColumnEvidence & Record<string, unknown>>(`
    WITH cells AS (
      UNPIVOT (SELECT rowid AS __r, ${columns.map(ident).join(', ')} FROM ${table})
      ON ${columns.map(ident).join(', ')} INTO NAME col VALUE raw
    ),
    -- A line with one cell filled is a title or a footer, not data: it proves nothing.
    kept AS (SELECT col, trim(raw) AS v FROM cells WHERE trim(raw) <> '' QUALIFY count(*) OVER (PARTITION BY __r) > 1)
    SELECT col AS "column", count(*) AS "values",
      count(*) FILTER (WHERE ${first} IS NOT NULL) AS slash,
      count(*) FILTER (WHERE ${dayOnly}) AS "dayOver12",
      count(*) FILTER (WHERE ${monthOnly}) AS "monthOver12",
      min(v) FILTER (WHERE ${dayOnly}) AS "dayExample",
      min(v) FILTER (WHERE ${monthOnly}) AS "monthExample",
      count(*) FILTER (WHERE regexp_full_match(v, ${literal(LOCALE_NUMBER)})) AS "localeNumbers",
      count(*) FILTER (WHERE ${decimalEvidenceSql('v')} = ',') AS "commaDecimal",
      count(*) FILTER (WHERE ${decimalEvidenceSql('v')} = '.') AS "pointDecimal",
      count(*) FILTER (WHERE regexp_matches(v, '[0-9][${NUMBER_SPACES}][0-9]{3}')) AS spaced,
      count(*) FILTER (WHERE contains(v, ',')) AS "withComma",
      min(v) FILTER (WHERE regexp_full_match(v, ${literal(LOCALE_NUMBER)}) AND (contains(v, ',') OR regexp_matches(v, '[0-9][${NUMBER_SPACES}][0-9]{3}'))) AS "numberExample"
    FROM kept GROUP BY col`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as unknown as ColumnEvidence);
};

/** The order a column's own values prove, 'contradicts' when they prove both, undefined when none tells. */
export const provenOrder = (e: ColumnEvidence): DayMonthOrder | 'contradicts' | undefined => {
  if (e.dayOver12 > 0 && e.monthOver12 > 0) return 'contradicts';
  if (e.dayOver12 > 0) return 'day-first';
  if (e.monthOver12 > 0) return 'month-first';
  return undefined;
};

/** The order the proven columns of a set agree on, if they all agree. */
export const agreedOrder = (evidence: readonly ColumnEvidence[]): DayMonthOrder | undefined => {
  const orders = new Set(evidence.map(provenOrder).filter((o) => o === 'day-first' || o === 'month-first'));
  return orders.size === 1 ? [...orders][0] as DayMonthOrder : undefined;
};

/** A column whose values are all numbers written the French way, with something to show it. */
export const isLocaleNumberColumn = (e: ColumnEvidence) =>
  e.values > 0 && e.localeNumbers === e.values && e.pointDecimal === 0 && (e.commaDecimal > 0 || (e.spaced > 0 && e.withComma === 0));

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Why a column is read in an order: the counts, as the run prints them. */
export const orderReason = (e: ColumnEvidence, order: DayMonthOrder) => order === 'day-first'
  ? `${plural(e.dayOver12, 'value')} ${e.dayOver12 === 1 ? 'has' : 'have'} a day over 12 (e.g. "${e.dayExample}"), none a month over 12`
  : `${plural(e.monthOver12, 'value')} ${e.monthOver12 === 1 ? 'has' : 'have'} a day over 12 in second place (e.g. "${e.monthExample}"), none in first place`;

/** The stop for a column whose dates read both ways, with both counts. */
export const contradictionError = (file: string, e: ColumnEvidence) => new MappingError(
  `${file}, column "${e.column}": the dates contradict each other: ${plural(e.dayOver12, 'value')} only read day first (e.g. "${e.dayExample}") ` +
  `and ${plural(e.monthOver12, 'value')} only read month first (e.g. "${e.monthExample}"), out of ${e.slash} dates written with slashes; ` +
  'reading either way would misplace the others. Correct the odd values in the export (one order for the whole column) and run again.');

/** The stop for a column the mapping reads whose dates no value can order. */
export const undecidedError = (file: string, e: ColumnEvidence, overridesFile: string) => new MappingError(
  `${file}, column "${e.column}": ${e.slash} dates are written with slashes and none has a number over 12, so whether the day or the month ` +
  `comes first cannot be told (read day first or month first, they give ${e.slash} different dates), and nothing else in the export tells. ` +
  `Say it in ${overridesFile}: add the line "dateOrder: dmy" (15/03/2024) or "dateOrder: mdy" (03/15/2024).`);

const FORMATS: Record<DayMonthOrder, string[]> = {
  'day-first': ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y', '%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y', '%d-%m-%Y %H:%M:%S', '%d-%m-%Y %H:%M', '%d-%m-%Y'],
  'month-first': ['%m/%d/%Y, %I:%M %p', '%m/%d/%Y %I:%M %p', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y'],
};

/** SQL giving the ISO 8601 text of a slash date read in `order` (the value itself when no format reads it). */
export const isoDateSql = (v: string, order: DayMonthOrder) => {
  const parsed = `try_strptime(trim(${v}), [${FORMATS[order].map(literal).join(', ')}])`;
  return `coalesce(CASE WHEN contains(${v}, ':') THEN strftime(${parsed}, '%Y-%m-%d %H:%M:%S') ELSE strftime(${parsed}, '%Y-%m-%d') END, ${v})`;
};

/** SQL giving a French-written number with a "." decimal mark (digits alone and non-numbers unchanged). */
export const plainNumberSql = (v: string) => {
  const n = `CAST(${numberSql(`trim(${v})`, ',', 'DECIMAL(38, 10)')} AS VARCHAR)`;
  const text = `regexp_replace(regexp_replace(${n}, '(\\.[0-9]*?)0+$', '\\1'), '\\.$', '')`;
  return `CASE WHEN regexp_full_match(trim(${v}), '[0-9]+') OR NOT regexp_full_match(trim(${v}), ${literal(LOCALE_NUMBER)}) THEN ${v} ELSE coalesce(${text}, ${v}) END`;
};

export type Rewrite = { column: string; kind: 'date'; order: DayMonthOrder } | { column: string; kind: 'number' };

/** Rewrites the chosen columns of a staged table in place, set-based. */
export const rewriteColumns = async (db: Database, table: string, rewrites: readonly Rewrite[]) => {
  if (rewrites.length === 0) return;
  const sets = rewrites.map((r) => `${ident(r.column)} = ${r.kind === 'date' ? isoDateSql(ident(r.column), r.order) : plainNumberSql(ident(r.column))}`);
  await db.exec(`UPDATE ${table} SET ${sets.join(', ')}`);
};

/** One staged source file and what its columns show (`header`: the name in the user's file). */
export interface StagedFile {
  file: string;
  table: string;
  evidence: (ColumnEvidence & { header: string })[];
}

export interface ReadingRules {
  /** A `format:` with a day and a month of the mapping reads this column (its order is the mapping's statement). */
  formatted: (column: string) => boolean;
  /** The mapping reads this column as a number with `decimal: ","` itself. */
  commaDecimal: (column: string) => boolean;
  /** The mapping reads this column somewhere (a column or its SQL names it). */
  referenced: (column: string) => boolean;
  /** `dateOrder:` of mapping-overrides.yaml. */
  dateOrder?: 'dmy' | 'mdy';
  overridesFile: string;
}

/**
 * A column of dates written with slashes: most of its values (a report's total rows write text in
 * the date column: "Total: Account"; a stray date in a text column does not make one).
 */
const isSlashDateColumn = (e: ColumnEvidence) => e.slash > 0 && e.slash >= 0.5 * e.values;

/**
 * Decides, for the files of one mapping, which columns are read back into the vendor's plain
 * form and why (the lines the run prints); throws where the data contradicts itself, or where the
 * order matters and nothing tells it.
 */
export const decideReadings = (files: readonly StagedFile[], rules: ReadingRules): { file: StagedFile; rewrites: Rewrite[]; notes: string[] }[] => {
  const dateColumns = (f: StagedFile) => f.evidence.filter(isSlashDateColumn);
  const folderOrder = agreedOrder(files.flatMap(dateColumns));
  const override: DayMonthOrder | undefined = rules.dateOrder === 'dmy' ? 'day-first' : rules.dateOrder === 'mdy' ? 'month-first' : undefined;
  return files.map((file) => {
    const rewrites: Rewrite[] = [];
    const notes: string[] = [];
    const dates = dateColumns(file);
    const fileOrder = agreedOrder(dates);
    const witness = fileOrder && dates.find((d) => provenOrder(d) === fileOrder);
    for (const e of dates) {
      const own = provenOrder(e);
      if (own === 'contradicts') {
        if (rules.formatted(e.column)) continue; // the mapping's format says the order; the odd values are rejected with their value
        throw contradictionError(file.file, { ...e, column: e.header });
      }
      const order = own ?? fileOrder ?? override ?? folderOrder;
      if (!order) {
        if (rules.referenced(e.column) && !rules.formatted(e.column)) throw undecidedError(file.file, { ...e, column: e.header }, rules.overridesFile);
        continue;
      }
      const why = own ? orderReason(e, own)
        : fileOrder ? `no value tells, the file's column "${witness!.header}" does: ${orderReason(witness!, fileOrder)}`
          : override ? `no value tells; ${rules.overridesFile} says dateOrder: ${rules.dateOrder}`
            : 'no value of this file tells; the other files of the export are all written so';
      rewrites.push({ column: e.column, kind: 'date', order });
      notes.push(`${file.file}, ${e.header}: read ${order}: ${why}`);
    }
    for (const e of file.evidence.filter((x) => isLocaleNumberColumn(x) && !rules.commaDecimal(x.column))) {
      rewrites.push({ column: e.column, kind: 'number' });
      notes.push(`${file.file}, ${e.header}: numbers written the French way (e.g. "${e.numberExample}"), read with a decimal comma and thousands spaces`);
    }
    return { file, rewrites, notes };
  });
};
