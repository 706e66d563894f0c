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
}

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

/** Marks a column optional in the extract: empty cells load as NULL. */
export const optional = <T extends z.ZodType>(schema: T) => {
  // Keep the metadata on the outer schema so the JSON Schema carries it beside the anyOf.
  const meta = schema.meta() as ColumnMeta | undefined;
  return schema.nullable().meta({ ...(meta ?? {}) });
};
