/**
 * The fiscal year a company's objectives suggest. Objectives are set per fiscal year: a seller's
 * monthly (or quarterly) targets stay the same through a year and change when the next year's are
 * set, so the month where targets change is the fiscal year's first; objectives set per year say it
 * outright by the month their periods start. The evidence is counted in DuckDB and reported with
 * its strength; weak evidence proposes nothing (the calendar year stays, as a question).
 */
import { ident, type Database } from '../db/duckdb.js';
import type { DateOrder } from '../load/date-order.js';
import { dateSql } from './date-profile.js';

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface FiscalYearEvidence {
  /** The first month proposed (1–12), or undefined when the data does not tell it. */
  month?: number;
  strength: 'strong' | 'moderate' | 'weak' | 'none';
  /** The evidence, in words. */
  because: string;
}

interface MonthRow {
  month: number;
  months: number;
  periods: number;
  transitions: number;
  changes: number;
  sellers: number;
}

const PERIOD_NAMES: Record<number, string> = { 1: 'monthly', 3: 'quarterly', 6: 'half-yearly', 12: 'yearly' };

/**
 * Reads the objectives relation (columns of the contract's objectives extract, as text or typed)
 * and weighs where targets change. `order` reads slash dates (the order the data proves, or the one
 * the loader would use).
 */
export const fiscalYearFromObjectives = async (db: Database, relation: string | undefined, order: DateOrder | undefined): Promise<FiscalYearEvidence> => {
  if (!relation) return { strength: 'none', because: 'no objectives in the data' };
  const text = (c: string) => `coalesce(trim(CAST(${ident(c)} AS VARCHAR)), '')`;
  const rows = await db.query<MonthRow & Record<string, unknown>>(`
    WITH o AS (
      SELECT ${text('seller_id')} AS seller, ${dateSql(ident('period_start'), order)} AS ps, ${dateSql(ident('period_end'), order)} AS pe,
        concat_ws('|', ${text('revenue_target')}, ${text('new_customers_target')}, ${text('meetings_target')}) AS target
      FROM ${relation}),
    t AS (
      SELECT *, date_diff('month', ps, pe + 1) AS months,
        lag(pe) OVER (PARTITION BY seller ORDER BY ps) AS prev_end, lag(target) OVER (PARTITION BY seller ORDER BY ps) AS prev_target
      FROM o WHERE ps IS NOT NULL AND pe IS NOT NULL AND pe >= ps)
    SELECT month(ps) AS month, months, count(*) AS periods,
      count(*) FILTER (WHERE prev_end + 1 = ps) AS transitions,
      count(*) FILTER (WHERE prev_end + 1 = ps AND target <> prev_target) AS changes,
      count(DISTINCT seller) FILTER (WHERE prev_end + 1 = ps AND target <> prev_target) AS sellers
    FROM t GROUP BY ALL ORDER BY months, month`);
  if (rows.length === 0) return { strength: 'none', because: 'the objectives hold no readable period' };
  // The usual period length decides the reading; other lengths are left out of it and said.
  const byLength = new Map<number, MonthRow[]>();
  for (const r of rows) byLength.set(r.months, [...(byLength.get(r.months) ?? []), r]);
  const [length, periods] = [...byLength.entries()].sort((a, b) => sum(b[1], 'periods') - sum(a[1], 'periods'))[0]!;
  const kind = PERIOD_NAMES[length] ?? `${length}-month`;
  const others = rows.length && byLength.size > 1 ? ` (${sum(rows, 'periods') - sum(periods, 'periods')} objective(s) of other lengths left out)` : '';
  const total = sum(periods, 'periods');
  if (length === 12) {
    const top = [...periods].sort((a, b) => b.periods - a.periods)[0]!;
    const share = top.periods / total;
    return {
      month: share >= 0.8 ? top.month : undefined,
      strength: share === 1 ? 'strong' : share >= 0.8 ? 'moderate' : 'weak',
      because: `${top.periods} of ${total} yearly objectives start in ${MONTHS[top.month - 1]}${others}`,
    };
  }
  const changes = sum(periods, 'changes');
  const transitions = sum(periods, 'transitions');
  if (changes === 0) {
    return { strength: 'weak', because: `${total} ${kind} objectives; no seller's target ever changes from one period to the next (${transitions} successive periods), so they do not tell the year${others}` };
  }
  const top = [...periods].sort((a, b) => b.changes - a.changes || b.sellers - a.sellers)[0]!;
  const elsewhere = changes - top.changes;
  const elsewhereTransitions = transitions - top.transitions;
  const because = `${kind} objectives: a seller's targets change from one period to the next ${top.changes} time(s) in ${MONTHS[top.month - 1]} ` +
    `(${top.sellers} seller(s), of ${top.transitions} successive periods starting that month) and ${elsewhere} time(s) in other months ` +
    `(of ${elsewhereTransitions} successive periods)${others}`;
  if (top.changes >= 3 && elsewhere === 0 && top.changes >= 0.5 * top.transitions) return { month: top.month, strength: 'strong', because };
  if (top.changes >= 3 && top.changes >= 0.8 * changes) return { month: top.month, strength: 'moderate', because };
  return { strength: 'weak', because };
};

const sum = (rows: MonthRow[], key: 'periods' | 'transitions' | 'changes') => rows.reduce((s, r) => s + r[key], 0);
