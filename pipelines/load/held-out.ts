/**
 * Money held out at load, read through the project's typed Kysely access: the accounting printed
 * after every run, and the publish gate that stops a run holding out too much money before anything
 * is published.
 */
import { sql } from 'kysely';
import { ident, type Database } from '../db/duckdb.js';
import { kyselyFor } from '../db/kysely.js';
import type { WarehouseTables } from '../db/schema.js';

/** Money of one extract carrying some, in the reporting currency, summed over its currencies. */
export interface MoneyAccount {
  extract: string;
  rowsRead: number;
  read: number;
  loaded: number;
  flagged: number;
  heldOut: number;
  rowsHeldOut: number;
  /** Rows held out with an amount no rate converts (their value in the reporting currency is unknown). */
  rowsUnconverted: number;
  rowsUnreadable: number;
  /** --as-of: money of the rows after that day, out of scope (read = loaded + held out + this). */
  afterAsOf: number;
  rowsAfterAsOf: number;
  /** Amounts by currency other than the reporting one, as read: "1 200,00 USD". */
  foreign: string[];
  /**
   * Amounts the CRM converted itself (Salesforce "Amount (converted)", HubSpot "Amount in company
   * currency"), by their own currency: "20000.00 USD". Loaded at the CRM's conversion, not at fx_rates.
   */
  convertedByCrm: string[];
}

/** Per extract keeping the CRM's own conversion (original_amount), the original amounts by currency. */
const crmConversions = async (db: Database): Promise<Map<string, string[]>> => {
  const tables = await db.query<{ table_name: string }>(`SELECT DISTINCT table_name FROM information_schema.columns
    WHERE table_schema = 'raw' AND column_name = 'original_amount'`);
  const result = new Map<string, string[]>();
  for (const { table_name: table } of tables) {
    const [row] = await db.query<{ amounts: string[] | null }>(`SELECT list(printf('%.2f', amount) || ' ' || currency ORDER BY currency) AS amounts
      FROM (SELECT coalesce(upper(original_currency), '(unknown)') AS currency, sum(original_amount) AS amount
            FROM raw.${ident(table)} WHERE original_amount IS NOT NULL AND upper(original_currency) IS DISTINCT FROM currency GROUP BY 1)`);
    if (row?.amounts?.length) result.set(table, row.amounts);
  }
  return result;
};

export const moneyAccounts = async (db: Database): Promise<MoneyAccount[]> => {
  const rows = await kyselyFor<WarehouseTables>(db)
    .selectFrom('audit.money')
    .select((eb) => [
      'extract',
      eb.fn.sum<number>('rows_read').as('rows_read'),
      eb.fn.sum<number>(sql`amount_loaded_reporting + amount_held_out_reporting`).as('read'),
      eb.fn.sum<number>('amount_loaded_reporting').as('loaded'),
      eb.fn.sum<number>('amount_flagged').as('flagged'),
      eb.fn.sum<number>('amount_held_out_reporting').as('held_out'),
      eb.fn.sum<number>('rows_held_out').as('rows_held_out'),
      eb.fn.sum<number>('rows_held_out_unconverted').as('rows_unconverted'),
      eb.fn.sum<number>('rows_unreadable').as('rows_unreadable'),
      eb.fn.sum<number>('amount_after_as_of_reporting').as('after_as_of'),
      eb.fn.sum<number>('rows_after_as_of').as('rows_after_as_of'),
      sql<string[]>`list(printf('%.2f', amount_read) || ' ' || coalesce(currency, '(unknown)') ORDER BY currency)
        FILTER (WHERE currency IS DISTINCT FROM (SELECT currency FROM audit.fx_rates WHERE source = 'reporting currency'))`.as('foreign'),
    ])
    .groupBy('extract')
    .orderBy('extract')
    .execute();
  const converted = await crmConversions(db);
  return rows.map((r) => ({
    extract: r.extract,
    rowsRead: Number(r.rows_read),
    read: Number(r.read),
    loaded: Number(r.loaded),
    flagged: Number(r.flagged),
    heldOut: Number(r.held_out),
    rowsHeldOut: Number(r.rows_held_out),
    rowsUnconverted: Number(r.rows_unconverted),
    rowsUnreadable: Number(r.rows_unreadable),
    afterAsOf: Number(r.after_as_of),
    rowsAfterAsOf: Number(r.rows_after_as_of),
    foreign: r.foreign ?? [],
    convertedByCrm: converted.get(r.extract) ?? [],
  }));
};

/** A run holding out more money than the company accepts: it stops before publishing. */
export class HeldOutError extends Error {
  override name = 'HeldOutError';
}

export interface HeldOutGate {
  /** Largest share of the revenue read (or of the deals read, without billing) that may be held out. */
  maxShare: number;
  /** The user accepts the money held out (--accept-held-out): publish anyway. */
  accept: boolean;
}

const euros = (n: number) => n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * Stops the run when the money held out exceeds the accepted share of the revenue read (invoice
 * lines; without billing, deals), or when some of it has no rate (its share is unknown), listing the
 * records with the most money at stake; says how to publish anyway. `accounts` are this run's
 * (moneyAccounts). Returns the basis and share.
 */
export const checkHeldOut = async (
  db: Database, gate: HeldOutGate, accounts: readonly MoneyAccount[],
): Promise<{ basis: string; share: number } | undefined> => {
  const basis = accounts.find((a) => a.extract === 'invoice_lines' && a.rowsRead > 0) ?? accounts.find((a) => a.extract === 'opportunities');
  if (!basis) return undefined;
  const share = basis.read === 0 ? 0 : basis.heldOut / Math.abs(basis.read);
  const unknown = basis.rowsUnconverted + basis.rowsUnreadable;
  if ((share <= gate.maxShare && unknown === 0) || gate.accept) return { basis: basis.extract, share };
  const worst = await kyselyFor<WarehouseTables>(db)
    .selectFrom('audit.rejects')
    .select((eb) => [
      'record_key', 'export_file', 'export_line', 'amount', 'currency',
      // Each reason with the column it is about ("account_id: …"), not a bare "missing required value".
      eb.fn<string>('string_agg', [sql`DISTINCT column_name || ': ' || reason`, sql.lit('; ')]).as('reasons'),
    ])
    .where('extract', '=', basis.extract)
    .groupBy(['source_file', 'row_number', 'record_key', 'export_file', 'export_line', 'amount', 'currency'])
    .orderBy(sql`abs(coalesce(amount, 0))`, 'desc')
    .limit(10)
    .execute();
  const what = basis.extract === 'invoice_lines' ? 'revenue (invoice lines)' : 'deals (no billing provided)';
  // Which rule stopped the run: the share held out, or amounts held out that cannot be valued
  // (their share is unknown, whatever the share of the others).
  const over = share > gate.maxShare;
  const rule = [
    over ? `${(100 * share).toFixed(2)} %, above the ${(100 * gate.maxShare).toFixed(2)} % accepted` : '',
    unknown ? `${unknown} held-out amount(s) could not be valued (no exchange rate, or unreadable), so the share held out is unknown` +
      (over ? '' : `: the ${(100 * share).toFixed(2)} % valued is within the ${(100 * gate.maxShare).toFixed(2)} % accepted`) : '',
  ].filter(Boolean).join('; and ');
  throw new HeldOutError(
    `${basis.rowsHeldOut} row(s) of ${basis.extract} were held out at load: ${euros(basis.heldOut)} of ${euros(basis.read)} ` +
      `${what} in the reporting currency (${rule}).\n` +
      worst.map((w) => `  - ${w.record_key ?? '(no key)'} at ${w.export_file ?? '?'}${w.export_line ? `:${w.export_line}` : ''}` +
        `${w.amount !== null ? ` (${euros(Number(w.amount))} ${w.currency ?? ''})` : ''}: ${w.reasons}`).join('\n') +
      `\nFix these rows in the export and run again; or raise heldOut.maxShare in extracts.yaml; or publish with the money held out ` +
      `shown beside the figures: npm run build -- --accept-held-out (every held-out row is in audit.rejects).`,
  );
};
