/**
 * A missing exchange rate, said before anything it causes. Money in a currency with no rate for
 * its month is held out (never summed as euros), and what hangs on it follows: the invoice lines of
 * a held-out invoice, a core extract emptied, the held-out gate. Those are consequences; the cause
 * and its fix come first, in one message: which currency in which months, how many rows and how
 * much money, and the exact lines to add — to the `fx_rates` file beside the exports or under
 * `currency.rates` in extracts.yaml — with only the rate left for the user to write.
 */
import path from 'node:path';
import { literal, type Database } from '../db/duckdb.js';
import { HeldOutError } from './held-out.js';

export interface MissingRate {
  currency: string;
  month: string;
  rows: number;
  amount: number;
}

const REASON = '^no exchange rate for ([A-Z]{3}) in ([0-9]{4}-[0-9]{2})';

/** Currency × month held out for want of a rate (from the rejects' reasons), with their rows and money. */
export const missingRates = (db: Database): Promise<MissingRate[]> => db.query<MissingRate & Record<string, unknown>>(`
  SELECT regexp_extract(reason, ${literal(REASON)}, 1) AS currency, regexp_extract(reason, ${literal(REASON)}, 2) AS month,
         count(DISTINCT (extract, source_file, row_number)) AS rows, coalesce(sum(amount), 0)::DOUBLE AS amount
    FROM audit.rejects WHERE regexp_matches(reason, ${literal(REASON)})
   GROUP BY ALL ORDER BY currency, month`).then((rows) => rows.map((r) => ({ ...r, rows: Number(r.rows), amount: Number(r.amount) })));

const money = (n: number) => n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * The message: first line the currencies and months, then the lines to add. `exportsDir` is the
 * user's folder (through a mapping, the exports' folder: fx_rates.csv and extracts.yaml are read there).
 */
export const missingRatesMessage = (missing: readonly MissingRate[], reporting: string, exportsDir: string): string => {
  const byCurrency = new Map<string, MissingRate[]>();
  for (const m of missing) byCurrency.set(m.currency, [...(byCurrency.get(m.currency) ?? []), m]);
  const summary = [...byCurrency].map(([currency, months]) =>
    `${currency} in ${months.map((m) => m.month).join(', ')} (${months.reduce((s, m) => s + m.rows, 0)} row(s), ` +
    `${money(months.reduce((s, m) => s + m.amount, 0))} ${currency})`).join('; ');
  return `No exchange rate into ${reporting} for ${summary}: that money is held out, and what depends on it ` +
    `(invoice lines of those invoices, deals of those months) with it. Add the rates, then run again; either these lines to ` +
    `${path.join(exportsDir, 'fx_rates.csv')} (create it with the header line "currency,month,rate"; rate = the value of one unit in ${reporting}):\n` +
    missing.map((m) => `  ${m.currency},${m.month}-01,RATE`).join('\n') +
    `\nor these lines to ${path.join(exportsDir, 'extracts.yaml')}:\n  currency:\n    rates:\n` +
    [...byCurrency].map(([currency, months]) => `      ${currency}: { ${months.map((m) => `${m.month}: RATE`).join(', ')} }`).join('\n') +
    '\n(replace each RATE by the rate of that month). To publish without that money, shown as held out: npm run build -- --accept-held-out.';
};

/**
 * Stops the run when some money has no rate, unless the user accepts it held out; then returns
 * the message for a warning. Nothing to say: undefined.
 */
export const checkMissingRates = async (
  db: Database, options: { reporting: string; exportsDir: string; accept: boolean },
): Promise<string | undefined> => {
  const missing = await missingRates(db);
  if (missing.length === 0) return undefined;
  const message = missingRatesMessage(missing, options.reporting, options.exportsDir);
  if (!options.accept) throw new HeldOutError(message);
  return message;
};
