/**
 * Day/month order of dates written with slashes (03/04/2024): never guessed silently.
 *
 * A date column read with a day/month format whose data says otherwise (a 13 or more where the
 * month should be), or a column where every slash date reads both ways while the order was left to
 * the defaults, stops the run with the counts each reading gives and what to write in
 * extracts.yaml. The order used for each column is reported in the run summary.
 */
import type { ColumnSpec } from '../contract/derive.js';
import { ident, literal, type Database } from '../db/duckdb.js';
import { ExtractError } from './read.js';

export type DateOrder = 'day/month' | 'month/day';

/** The order a strptime format list reads slash dates in (its first slash format), if any. */
export const orderOfFormats = (formats: readonly string[]): DateOrder | undefined => {
  for (const format of formats) {
    if (/%d\W%m/.test(format)) return 'day/month';
    if (/%m\W%d/.test(format)) return 'month/day';
  }
  return undefined;
};

// First and second numbers of a date written d/m/y or m/d/y (separators / . -), year last
// (also what `npm run init` profiles: pipelines/init/date-profile.ts).
export const SLASH_DATE = `'^\\s*([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2}|[0-9]{4})\\b'`;

/** What the slash dates of a column can be read as: the counts that decide its order. */
export interface Reading {
  column: string;
  slash: number;
  /** Values whose first number is over 12: only day/month reads them. */
  dayFirstOnly: number;
  /** Values whose second number is over 12: only month/day reads them. */
  monthFirstOnly: number;
  /** Both numbers 12 or less: either order reads them, differently. */
  both: number;
  dayFirstExample: string | null;
  monthFirstExample: string | null;
}

const analyse = async (db: Database, relation: string, columns: readonly ColumnSpec[], limit?: number): Promise<Reading[]> => {
  const parts = columns.map((c) => {
    const v = `CAST(${ident(c.name)} AS VARCHAR)`;
    const first = `TRY_CAST(regexp_extract(${v}, ${SLASH_DATE}, 1) AS INTEGER)`;
    const second = `TRY_CAST(regexp_extract(${v}, ${SLASH_DATE}, 2) AS INTEGER)`;
    return `SELECT ${literal(c.name)} AS column, count(*) FILTER (WHERE ${first} IS NOT NULL) AS slash,
      count(*) FILTER (WHERE ${first} > 12 AND ${first} <= 31 AND ${second} <= 12) AS dayFirstOnly,
      count(*) FILTER (WHERE ${second} > 12 AND ${second} <= 31 AND ${first} <= 12) AS monthFirstOnly,
      count(*) FILTER (WHERE ${first} <= 12 AND ${second} <= 12) AS both,
      min(${v}) FILTER (WHERE ${first} > 12 AND ${first} <= 31 AND ${second} <= 12) AS dayFirstExample,
      min(${v}) FILTER (WHERE ${second} > 12 AND ${second} <= 31 AND ${first} <= 12) AS monthFirstExample
    FROM rows`;
  });
  return db.query<Reading & Record<string, unknown>>(
    `WITH rows AS (SELECT ${columns.map((c) => ident(c.name)).join(', ')} FROM ${relation}${limit ? ` LIMIT ${limit}` : ''})
     ${parts.join(' UNION ALL ')}`);
};

const explain = (file: string, reading: Reading, used: DateOrder | undefined) => {
  const dayFirst = reading.dayFirstOnly + reading.both;
  const monthFirst = reading.monthFirstOnly + reading.both;
  return `${file}, column ${reading.column}: ${reading.slash} dates are written with slashes; ` +
    `read day/month, ${dayFirst} are valid dates (${reading.monthFirstOnly} are not${reading.monthFirstExample ? `, e.g. "${reading.monthFirstExample}"` : ''}); ` +
    `read month/day, ${monthFirst} are valid (${reading.dayFirstOnly} are not${reading.dayFirstExample ? `, e.g. "${reading.dayFirstExample}"` : ''}); ` +
    `${reading.both} read both ways as two different dates` +
    (used ? ` (this run reads ${used})` : '') + '. ';
};

const advice = (extract: string) =>
  `Say the order of your export in extracts.yaml, e.g. csv: { dateFormats: ["%d/%m/%Y"], timestampFormats: ["%d/%m/%Y %H:%M"] } ` +
  `for day/month or ["%m/%d/%Y"], ["%m/%d/%Y %H:%M"] for month/day (or under files: { ${extract}: … } for this file only).`;

export interface DateOrderCheck {
  extract: string;
  file: string;
  /** Relation of the rows as text (all files of the extract). */
  relation: string;
  /** Date and timestamp columns read from text. */
  columns: readonly ColumnSpec[];
  dateFormats: readonly string[];
  timestampFormats: readonly string[];
  /** The user chose the formats (else they are the defaults). */
  explicit: boolean;
  /** Set when the data proved the other order than the defaults' and the formats were turned round: why. */
  proven?: string;
}

const orderFor = (check: DateOrderCheck, column: ColumnSpec) =>
  orderOfFormats(column.duckdbType === 'DATE' ? check.dateFormats : check.timestampFormats);

/**
 * Checks the order of the slash dates before the rows are typed: a sample of the first rows, then
 * the whole file only where the sample is contradicted or ambiguous. Returns the order used per
 * column that has slash dates, for the run summary; throws ExtractError when the data contradicts
 * the order or cannot tell it.
 */
export const checkDateOrders = async (db: Database, check: DateOrderCheck): Promise<string[]> => {
  if (check.columns.length === 0) return [];
  const sample = await analyse(db, check.relation, check.columns, 20_000);
  // One file is written by one tool in one order: a column whose dates all read both ways takes
  // the order another date column of the same file shows, when one does.
  const evidenced = (readings: readonly Reading[]) => readings.some((r) => {
    const used = orderFor(check, check.columns.find((c) => c.name === r.column)!);
    return used === 'day/month' ? r.dayFirstOnly > 0 && r.monthFirstOnly === 0 : r.monthFirstOnly > 0 && r.dayFirstOnly === 0;
  });
  const sampleEvidence = evidenced(sample);
  const doubtful = sample.filter((r) => {
    const column = check.columns.find((c) => c.name === r.column)!;
    const used = orderFor(check, column);
    if (r.slash === 0 || !used) return false;
    const contradicted = used === 'day/month' ? r.monthFirstOnly > 0 : r.dayFirstOnly > 0;
    const ambiguous = !check.explicit && !sampleEvidence && r.dayFirstOnly === 0 && r.monthFirstOnly === 0;
    return contradicted || ambiguous;
  });
  const readings = doubtful.length
    ? new Map((await analyse(db, check.relation, check.columns.filter((c) => doubtful.some((d) => d.column === c.name)))).map((r) => [r.column, r]))
    : new Map<string, Reading>();
  for (const r of readings.values()) {
    const used = orderFor(check, check.columns.find((c) => c.name === r.column)!)!;
    const contradicted = used === 'day/month' ? r.monthFirstOnly > 0 : r.dayFirstOnly > 0;
    if (contradicted) {
      throw new ExtractError(`${explain(check.file, r, used)}The dates contradict the order used, and reading them so would swap day and month ` +
        `wherever the day is 12 or less. ${advice(check.extract)}`);
    }
    if (!check.explicit && r.dayFirstOnly === 0 && r.monthFirstOnly === 0 && !evidenced([...readings.values()])) {
      throw new ExtractError(`${explain(check.file, r, undefined)}No value tells whether the day or the month comes first. ${advice(check.extract)}`);
    }
  }
  return sample.filter((r) => r.slash > 0).map((r) => {
    const column = check.columns.find((c) => c.name === r.column)!;
    const used = orderFor(check, column);
    const how = check.explicit ? '' : check.proven ? ` (read so as the data proves: ${check.proven})` : ' (default)';
    return `${r.column}: ${used ?? 'ISO 8601 only (slash dates rejected)'}${how}`;
  });
};

const swapDayMonth = (formats: readonly string[]) => formats.map((f) => f.replace(/%d|%m/g, (m) => (m === '%d' ? '%m' : '%d')));

/**
 * Under the default order (the user said none), a file whose slash dates prove the other order —
 * some value has a day over 12 in the month's place, none in the day's place, in any date column
 * of the file (one tool wrote it) — is read in that order, and said: the formats turned round and
 * the proof. The file's values beyond the sample are checked after typing (checkRejectedDates).
 */
export const provenOtherOrder = async (db: Database, check: DateOrderCheck): Promise<DateOrderCheck | undefined> => {
  if (check.explicit || check.columns.length === 0) return undefined;
  const used = orderOfFormats(check.dateFormats) ?? orderOfFormats(check.timestampFormats);
  if (!used) return undefined;
  const sample = await analyse(db, check.relation, check.columns, 20_000);
  const forUsed = (r: Reading) => Number(used === 'day/month' ? r.dayFirstOnly : r.monthFirstOnly);
  const against = (r: Reading) => Number(used === 'day/month' ? r.monthFirstOnly : r.dayFirstOnly);
  const witness = sample.find((r) => against(r) > 0);
  if (!witness || sample.some((r) => forUsed(r) > 0)) return undefined;
  const other = used === 'day/month' ? 'month/day' : 'day/month';
  const example = used === 'day/month' ? witness.monthFirstExample : witness.dayFirstExample;
  return {
    ...check,
    dateFormats: swapDayMonth(check.dateFormats),
    timestampFormats: swapDayMonth(check.timestampFormats),
    proven: `${witness.column} has ${against(witness)} value(s) only ${other} reads (e.g. "${example}"), no date of the file only ${used} reads`,
  };
};

/**
 * After typing: a slash date rejected as unreadable beyond the sample may be one the other order
 * reads. Any such value stops the run with the counts over the whole file.
 */
export const checkRejectedDates = async (db: Database, check: DateOrderCheck, rejectedValues: string): Promise<void> => {
  const suspects = await db.query<{ column: string }>(`SELECT DISTINCT e.column AS column FROM ${rejectedValues} e
    WHERE starts_with(e.reason, 'wrong type') AND list_contains(${`[${check.columns.map((c) => literal(c.name)).join(', ')}]`}, e.column)
      AND regexp_matches(CAST(e.value AS VARCHAR), ${SLASH_DATE})`);
  if (suspects.length === 0) return;
  const columns = check.columns.filter((c) => suspects.some((s) => s.column === c.name));
  for (const r of await analyse(db, check.relation, columns)) {
    const used = orderFor(check, columns.find((c) => c.name === r.column)!);
    if (!used) continue;
    const contradicted = used === 'day/month' ? r.monthFirstOnly > 0 : r.dayFirstOnly > 0;
    if (contradicted) {
      throw new ExtractError(`${explain(check.file, r, used)}The dates contradict the order used, and reading them so would swap day and month ` +
        `wherever the day is 12 or less. ${advice(check.extract)}`);
    }
  }
};
