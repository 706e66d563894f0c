/**
 * Reads an extract's zod schema back as plain column facts (via zod's JSON Schema export), so
 * DuckDB DDL, validation SQL and documentation are derived rather than written a second time.
 */
import { z } from 'zod';
import type { ColumnMeta } from './columns.js';
import type { ExtractDefinition } from './extract.js';

export interface ColumnSpec {
  name: string;
  description: string;
  duckdbType: string;
  required: boolean;
  enumValues?: readonly string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  /** Referenced extract and column. */
  references?: { extract: string; column: string };
  notInFuture: boolean;
  personal: boolean;
  /** Whether the column is (part of) the extract's key. */
  key: boolean;
  /** What a value breaking the column's rules does: reject the row, or flag it and load an unknown. */
  onInvalid: 'reject' | 'flag';
  /** What a missing value of a required column does: reject the row, or flag it and load NULL. */
  onMissing: 'reject' | 'flag';
  /** The file may lack the column (it loads as NULL, or the reporting currency for a currency). */
  mayBeAbsent: boolean;
  /** ISO 4217 currency code of the row's money. */
  currency: boolean;
}

type JsonSchema = Record<string, unknown> & Partial<ColumnMeta> & {
  type?: string;
  anyOf?: JsonSchema[];
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  format?: string;
};

// z.int() exports JS's safe-integer bounds, which are not business rules.
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
const businessBound = (n: number | undefined) => (n === undefined || Math.abs(n) >= SAFE_INTEGER ? undefined : n);

const duckdbTypeOf = (s: JsonSchema): string => {
  if (s.duckdbType) return s.duckdbType;
  if (s.format === 'date') return 'DATE';
  if (s.format === 'date-time') return 'TIMESTAMP';
  switch (s.type) {
    case 'string': return 'VARCHAR';
    case 'integer': return 'BIGINT';
    case 'number': return 'DOUBLE';
    case 'boolean': return 'BOOLEAN';
    default: throw new Error(`Contract column has no DuckDB mapping: ${JSON.stringify(s)}`);
  }
};

const cache = new WeakMap<object, ColumnSpec[]>();

export const columnsOf = (extract: ExtractDefinition): ColumnSpec[] => {
  const cached = cache.get(extract);
  if (cached) return cached;
  const json = z.toJSONSchema(extract.schema) as { properties: Record<string, JsonSchema> };
  const specs = Object.entries(json.properties).map(([name, outer]): ColumnSpec => {
    const nullable = outer.anyOf?.some((branch) => branch.type === 'null') ?? false;
    const inner = { ...(outer.anyOf?.find((branch) => branch.type !== 'null') ?? {}), ...outer, anyOf: undefined };
    const [refExtract, refColumn] = (inner.references ?? '').split('.');
    return {
      name,
      description: inner.description ?? '',
      duckdbType: duckdbTypeOf(inner),
      required: !nullable,
      enumValues: inner.enum,
      minimum: businessBound(inner.minimum),
      maximum: businessBound(inner.maximum),
      minLength: inner.minLength,
      references: refExtract ? { extract: refExtract, column: refColumn ?? '' } : undefined,
      notInFuture: inner.notInFuture ?? false,
      personal: inner.personal ?? false,
      key: extract.key.includes(name),
      // A key can never be an unknown: a row without its key cannot be used.
      onInvalid: extract.key.includes(name) ? 'reject' : inner.onInvalid ?? 'reject',
      onMissing: extract.key.includes(name) ? 'reject' : inner.onMissing ?? 'reject',
      mayBeAbsent: inner.mayBeAbsent ?? false,
      currency: inner.currency ?? false,
    };
  });
  cache.set(extract, specs);
  return specs;
};
