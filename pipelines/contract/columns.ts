/**
 * The column vocabulary of the source contract.
 *
 * Every extract column is a zod schema built with one of these helpers. The helpers only attach
 * metadata through zod's public `.meta()`; everything downstream (DuckDB types, validation SQL,
 * documentation) reads it back with `z.toJSONSchema`, so the zod schema stays the single source
 * of truth.
 */
import { z } from 'zod';

/** Metadata keys the contract understands, beyond plain JSON Schema. */
export interface ColumnMeta {
  description: string;
  /** DuckDB type when JSON Schema alone is ambiguous (money is DECIMAL, not DOUBLE). */
  duckdbType?: string;
  /** `extract` or `extract.column` this column points to (defaults to the extract's key). */
  references?: string;
  /** A date or timestamp that may not lie after the run's reference date. */
  notInFuture?: boolean;
  /** Personal data: never selected into a report source. */
  personal?: boolean;
  /** JSON-Schema format, set explicitly where zod does not emit one (local timestamps). */
  format?: 'date' | 'date-time';
  /**
   * What a value breaking the column's rules does to its row (default `reject`):
   * - `reject`: the row cannot be used and goes to `audit.rejects`;
   * - `flag`: the row is loaded with the value as an explicit unknown ("(non renseigné)" for text,
   *   NULL for numbers, dates and references, never 0) and recorded in `audit.flags`.
   * Descriptive attributes are `flag`: a missing industry must never lose the money a row carries.
   */
  onInvalid?: 'reject' | 'flag';
  /** The column may be missing from the file; it then loads as NULL (currencies: the company's). */
  mayBeAbsent?: boolean;
  /** An ISO 4217 currency code; empty means the company's reporting currency (extracts.yaml). */
  currency?: boolean;
  /**
   * A required reference whose absence is a descriptive gap (a deal with no company): a missing
   * value loads as NULL, the explicit unknown staging names (a placeholder row), and the row is
   * flagged; a value given that matches nothing still rejects the row.
   */
  onMissing?: 'flag';
}

/** The explicit unknown a flagged text value becomes. */
export const UNKNOWN_TEXT = '(non renseigné)';

const described = <T extends z.ZodType>(schema: T, meta: ColumnMeta): T => schema.meta({ ...meta });

export const id = (description: string) => described(z.string().min(1), { description });

export const ref = (references: string, description: string) =>
  described(z.string().min(1), { description, references });

export const text = (description: string, extra: Partial<ColumnMeta> = {}) =>
  described(z.string(), { description, ...extra });

/** Amount in EUR, two decimals, stored exactly (DECIMAL) so finance totals reconcile to the cent. */
export const money = (description: string) =>
  described(z.number(), { description, duckdbType: 'DECIMAL(18,2)' });

export const nonNegativeMoney = (description: string) =>
  described(z.number().min(0), { description, duckdbType: 'DECIMAL(18,2)' });

export const integer = (description: string, min?: number) =>
  described(min === undefined ? z.int() : z.int().min(min), { description, duckdbType: 'BIGINT' });

export const decimal = (description: string, bounds: { min?: number; max?: number } = {}) => {
  let schema = z.number();
  if (bounds.min !== undefined) schema = schema.min(bounds.min);
  if (bounds.max !== undefined) schema = schema.max(bounds.max);
  return described(schema, { description, duckdbType: 'DOUBLE' });
};

export const date = (description: string, opts: { notInFuture?: boolean } = {}) =>
  described(z.iso.date(), { description, format: 'date', ...opts });

/** Local date-time as DuckDB prints it (`2024-03-31 14:30:00`); ISO's `T` separator is accepted too. */
const LOCAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

export const timestamp = (description: string, opts: { notInFuture?: boolean } = {}) =>
  described(z.string().regex(LOCAL_TIMESTAMP), { description, format: 'date-time', ...opts });

export const flag = (description: string) => described(z.boolean(), { description });

export const oneOf = <const V extends readonly [string, ...string[]]>(values: V, description: string) =>
  described(z.enum(values), { description });

/** ISO 4217 code of the row's money, required in the file. */
export const currencyCode = (description: string) =>
  described(z.string().regex(/^[A-Z]{3}$/), { description, currency: true });

/** ISO 4217 code of the row's money; the file may omit the column or the value (then the company's currency). */
export const currency = (description: string) => {
  const meta: ColumnMeta = { description, currency: true, mayBeAbsent: true };
  return currencyCode(description).nullable().meta({ ...meta }).optional();
};

/**
 * Marks a column descriptive: a missing or invalid value is loaded as an explicit unknown and the
 * row flagged, instead of rejecting the row (and the money it carries).
 */
export const descriptive = <T extends z.ZodType>(schema: T) => {
  const meta = schema.meta() as ColumnMeta | undefined;
  return schema.meta({ ...(meta ?? {}), onInvalid: 'flag' });
};

/**
 * Marks a required reference whose absence is descriptive: a row without it is loaded (the value
 * NULL, shown as a placeholder by staging) and flagged, with its money, instead of rejected.
 */
export const unknownWhenMissing = <T extends z.ZodType>(schema: T) => {
  const meta = schema.meta() as ColumnMeta | undefined;
  return schema.meta({ ...(meta ?? {}), onMissing: 'flag' });
};

/** Marks a column the file may lack altogether (then it loads as NULL), e.g. one only some exports carry. */
export const mayBeAbsent = <T extends z.ZodType>(schema: T) => {
  const meta = schema.meta() as ColumnMeta | undefined;
  return schema.meta({ ...(meta ?? {}), mayBeAbsent: true }).optional();
};

/** Marks a column optional in the extract: empty cells load as NULL. */
export const optional = <T extends z.ZodType>(schema: T) => {
  // Keep the metadata on the outer schema so the JSON Schema carries it beside the anyOf.
  const meta = schema.meta() as ColumnMeta | undefined;
  return schema.nullable().meta({ ...(meta ?? {}) });
};
