/**
 * What the dates of a column say, in one set-based query per relation: how many values are ISO
 * dates, how many are written with slashes and which order those can be read in (the same counts
 * the loader's date-order check gives, pipelines/load/date-order.ts), and the first and last day
 * under each reading. `npm run init` decides the order from these counts and reports them.
 */
import { ident, literal, type Database } from '../db/duckdb.js';
import { SLASH_DATE, type DateOrder, type Reading } from '../load/date-order.js';

/** The loader's counts of a column's slash dates (`Reading`), with its ISO dates and first/last days. */
export interface ColumnDates extends Reading {
  /** Non-empty values. */
  nonEmpty: number;
  iso: number;
  isoMin: string | null;
  isoMax: string | null;
  dmyMin: string | null;
  dmyMax: string | null;
  mdyMin: string | null;
  mdyMax: string | null;
}

const ISO = `'^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}'`;

/** Per column of `relation` (text or typed), its date facts; one query for all columns. */
export const profileDates = async (db: Database, relation: string, columns: readonly string[]): Promise<ColumnDates[]> => {
  if (columns.length === 0) return [];
  const parts = columns.map((name) => {
    const v = `CAST(${ident(name)} AS VARCHAR)`;
    const n = (i: number) => `TRY_CAST(regexp_extract(${v}, ${SLASH_DATE}, ${i}) AS INTEGER)`;
    const year = `(CASE WHEN ${n(3)} < 100 THEN 2000 + ${n(3)} ELSE ${n(3)} END)`;
    const day = (d: string, m: string) => `CAST(try(make_date(${year}, ${m}, ${d})) AS VARCHAR)`;
    const dmy = day(n(1), n(2));
    const mdy = day(n(2), n(1));
    const iso = `CAST(TRY_CAST(substr(trim(${v}), 1, 10) AS DATE) AS VARCHAR)`;
    return `SELECT ${literal(name)} AS column,
      count(*) FILTER (WHERE nullif(trim(${v}), '') IS NOT NULL) AS nonEmpty,
      count(*) FILTER (WHERE regexp_matches(${v}, ${ISO}) AND ${iso} IS NOT NULL) AS iso,
      count(*) FILTER (WHERE ${n(1)} IS NOT NULL) AS slash,
      count(*) FILTER (WHERE ${n(1)} > 12 AND ${n(1)} <= 31 AND ${n(2)} <= 12) AS dayFirstOnly,
      count(*) FILTER (WHERE ${n(2)} > 12 AND ${n(2)} <= 31 AND ${n(1)} <= 12) AS monthFirstOnly,
      count(*) FILTER (WHERE ${n(1)} <= 12 AND ${n(2)} <= 12) AS both,
      min(${v}) FILTER (WHERE ${n(1)} > 12 AND ${n(1)} <= 31 AND ${n(2)} <= 12) AS dayFirstExample,
      min(${v}) FILTER (WHERE ${n(2)} > 12 AND ${n(2)} <= 31 AND ${n(1)} <= 12) AS monthFirstExample,
      min(${iso}) FILTER (WHERE regexp_matches(${v}, ${ISO})) AS isoMin, max(${iso}) FILTER (WHERE regexp_matches(${v}, ${ISO})) AS isoMax,
      min(${dmy}) AS dmyMin, max(${dmy}) AS dmyMax, min(${mdy}) AS mdyMin, max(${mdy}) AS mdyMax
    FROM rows`;
  });
  const rows = await db.query<ColumnDates & Record<string, unknown>>(
    `WITH rows AS (SELECT ${columns.map((c) => ident(c)).join(', ')} FROM ${relation}) ${parts.join(' UNION ALL ')}`);
  return rows.map((r) => ({ ...r })) as ColumnDates[];
};

/** A column of dates: most of its values (90 %) are ISO or slash dates. */
export const isDateColumn = (c: ColumnDates) => c.nonEmpty > 0 && c.iso + c.slash >= 0.9 * c.nonEmpty;

export type OrderVerdict =
  | { kind: 'none' }
  | { kind: 'proven'; order: DateOrder }
  | { kind: 'contradictory' }
  | { kind: 'ambiguous' };

/** What a column's slash dates prove on their own. */
export const verdictOf = (c: ColumnDates): OrderVerdict => {
  if (c.slash === 0) return { kind: 'none' };
  if (c.dayFirstOnly > 0 && c.monthFirstOnly > 0) return { kind: 'contradictory' };
  if (c.dayFirstOnly > 0) return { kind: 'proven', order: 'day/month' };
  if (c.monthFirstOnly > 0) return { kind: 'proven', order: 'month/day' };
  return { kind: 'ambiguous' };
};

/** The counts that prove (or fail to prove) the order, in words. */
export const evidenceOf = (c: ColumnDates) =>
  `${c.slash} slash date(s): ${c.dayFirstOnly} with a day over 12${c.dayFirstExample ? ` (e.g. "${c.dayFirstExample}")` : ''}, ` +
  `${c.monthFirstOnly} with a month-position number over 12${c.monthFirstExample ? ` (e.g. "${c.monthFirstExample}")` : ''}, ${c.both} readable both ways`;

/** First and last day of a column read in `order` (ISO dates whatever the order). */
export const rangeOf = (c: ColumnDates, order: DateOrder | undefined): { first: string | null; last: string | null } => {
  const slashMin = order === 'month/day' ? c.mdyMin : order === 'day/month' ? c.dmyMin : null;
  const slashMax = order === 'month/day' ? c.mdyMax : order === 'day/month' ? c.dmyMax : null;
  const pick = (a: string | null, b: string | null, f: (x: string, y: string) => string) => (a && b ? f(a, b) : a ?? b);
  return {
    first: pick(c.isoMin, slashMin, (x, y) => (x < y ? x : y)),
    last: pick(c.isoMax, slashMax, (x, y) => (x > y ? x : y)),
  };
};

/** SQL reading a text (or typed) value as a DATE: ISO first, then a slash date in `order`. */
export const dateSql = (value: string, order: DateOrder | undefined): string => {
  const v = `CAST(${value} AS VARCHAR)`;
  const iso = `TRY_CAST(substr(trim(${v}), 1, 10) AS DATE)`;
  if (!order) return iso;
  const n = (i: number) => `TRY_CAST(regexp_extract(${v}, ${SLASH_DATE}, ${i}) AS INTEGER)`;
  const year = `(CASE WHEN ${n(3)} < 100 THEN 2000 + ${n(3)} ELSE ${n(3)} END)`;
  const [d, m] = order === 'day/month' ? [n(1), n(2)] : [n(2), n(1)];
  return `coalesce(${iso}, try(make_date(${year}, ${m}, ${d})))`;
};
