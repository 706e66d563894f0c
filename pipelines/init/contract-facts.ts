/**
 * Facts about a folder of contract extracts, read the way the loader reads them (read.ts: the
 * same file finding, encodings, delimiters and decimal marks; nothing is copied into the
 * database): per extract its date columns' profiles and the order the loader would read slash
 * dates in, the currencies of its money, and the objectives relation for the fiscal year.
 */
import { columnsOf } from '../contract/derive.js';
import { extractByName } from '../contract/index.js';
import { ident, type Database } from '../db/duckdb.js';
import { orderOfFormats, type DateOrder } from '../load/date-order.js';
import { dialectFor, type ExtractsConfig } from '../load/extracts-config.js';
import { readExtract, withCsvFallback, type LocatedExtract } from '../load/read.js';
import { profileDates, type ColumnDates } from './date-profile.js';

export interface ExtractFacts {
  extract: string;
  files: string[];
  /** Profiles of the date and timestamp columns. */
  dates: ColumnDates[];
  /** The order the loader reads slash dates in, per column (from extracts.yaml or its defaults). */
  loaderOrder: Map<string, DateOrder | undefined>;
  /** extracts.yaml names the formats for this extract (else they are the defaults). */
  explicit: boolean;
  /** Rows per stated currency (null: none stated, i.e. the reporting currency). */
  currencies: { currency: string | null; rows: number }[];
  /** The extract's rows (all files) as a relation; `parallel` as withCsvFallback gives it. */
  relation: (parallel: boolean) => string;
  /** Runs a query over the extract's rows (all files), `rel` standing for them. */
  query: <T extends Record<string, unknown>>(sql: (rel: string) => string) => Promise<T[]>;
}

export const readContractFacts = async (
  db: Database, located: LocatedExtract[], config: ExtractsConfig, scratchDir: string,
): Promise<ExtractFacts[]> => {
  const out: ExtractFacts[] = [];
  for (const l of located) {
    const definition = extractByName(l.extract)!;
    const read = await readExtract(db, l, definition, config, scratchDir);
    const union = (parallel: boolean) => `(${read.files.map((f) => `SELECT * FROM ${f.relation(parallel)}`).join(' UNION ALL ')})`;
    const query = <T extends Record<string, unknown>>(sql: (rel: string) => string) =>
      withCsvFallback((parallel) => db.query<T>(sql(union(parallel))));
    const dateColumns = columnsOf(definition).filter((c) => c.duckdbType === 'DATE' || c.duckdbType.startsWith('TIMESTAMP'));
    const dialect = dialectFor(config, l.extract);
    const dates = await withCsvFallback((parallel) => profileDates(db, union(parallel), dateColumns.map((c) => c.name)));
    const currencyColumn = definition.currency?.column;
    const currencies = currencyColumn
      ? await query<{ currency: string | null; rows: number }>((rel) =>
        `SELECT nullif(upper(trim(CAST(${ident(currencyColumn)} AS VARCHAR))), '') AS currency, count(*) AS rows FROM ${rel} GROUP BY ALL ORDER BY rows DESC, currency`)
      : [];
    out.push({
      extract: l.extract,
      files: l.files,
      dates,
      loaderOrder: new Map(dateColumns.map((c) => [c.name, orderOfFormats(c.duckdbType === 'DATE' ? dialect.dateFormats : dialect.timestampFormats)])),
      explicit: config.explicitDateFormats === 'all' || config.explicitDateFormats.has(l.extract),
      currencies,
      relation: union,
      query,
    });
  }
  return out;
};
