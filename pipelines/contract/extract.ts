/**
 * What an extract is: a named zod object schema plus the facts a schema alone cannot say
 * (which system it comes from, its key, its cross-column rules).
 */
import type { z } from 'zod';

export type SourceSystem = 'crm' | 'marketing' | 'billing';

/** A rule over several columns of one row, written as a DuckDB predicate that must hold. */
export interface RowRule {
  /** Column the reject is reported against. */
  column: string;
  /** SQL predicate over the typed row; a row is rejected when it is FALSE (NULL passes). */
  check: string;
  /** What a person reads in the rejects table. */
  reason: string;
}

/**
 * A rule that needs another extract, e.g. "credit-note lines carry negative quantities".
 * `check` is evaluated with the other extract's loaded row joined as `other`.
 */
export interface CrossRule {
  column: string;
  other: string;
  /** Join condition between `t` (this extract) and `other`. */
  on: string;
  check: string;
  reason: string;
}

export interface ExtractDefinition<S extends z.ZodObject = z.ZodObject, N extends string = string> {
  name: N;
  system: SourceSystem;
  description: string;
  /**
   * Core extracts must always be provided; the others may be declared `notProvided` by a company
   * that lacks them, which marks the KPIs needing them unavailable instead of failing the run.
   */
  core?: boolean;
  /** Columns whose combined values identify a row. */
  key: readonly string[];
  schema: S;
  rules?: readonly RowRule[];
  crossRules?: readonly CrossRule[];
}

export const defineExtract = <const N extends string, S extends z.ZodObject>(definition: ExtractDefinition<S, N>) => definition;
