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
  /** `flag`: the row is loaded with `column` set to NULL and flagged (default `reject`). */
  onInvalid?: 'reject' | 'flag';
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
  /**
   * Extracts that may simply be absent from the folder (then not provided, without being declared
   * in extracts.yaml), e.g. exchange rates.
   */
  optional?: boolean;
  /**
   * The money a row carries: its amount column, in the currency of the row (`currency` below) or
   * of the parent it belongs to. Every amount read is accounted for: loaded, flagged or held out.
   */
  money?: { amount: string; currencyFrom?: { parent: string; on: string } };
  /**
   * The row's currency column and the SQL date whose month picks the exchange rate: a row in
   * another currency than the company's, with no rate for that month, is held out (never summed
   * as if it were in the company's currency).
   */
  currency?: { column: string; rateDate: string };
  /**
   * The row belongs to a parent that must never be published partially (an invoice line to its
   * invoice): when the row is rejected, the parent and all its other rows are held out too.
   */
  wholeWith?: { parent: string; column: string };
}

export const defineExtract = <const N extends string, S extends z.ZodObject>(definition: ExtractDefinition<S, N>) => definition;
