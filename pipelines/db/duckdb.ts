/**
 * Opening DuckDB and reading results as plain JS values.
 *
 * Results come back in the shapes the contract's zod types promise: dates and timestamps as ISO
 * strings, integers and decimals as numbers (DuckDB hands BIGINT over as bigint and DECIMAL as an
 * object, which neither JSON nor zod expect).
 */
import {
  DuckDBConnection, DuckDBInstance, DuckDBTypeId, JSDuckDBValueConverter, doubleFromDecimalValue,
  stringFromValue, type DuckDBValueConverter, type JS,
} from '@duckdb/node-api';

export type Row = Record<string, unknown>;

const toRowValue: DuckDBValueConverter<unknown> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT: {
      const big = BigInt(String(value));
      return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
    }
    case DuckDBTypeId.DECIMAL:
      return doubleFromDecimalValue(value);
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return stringFromValue(value);
    default:
      return JSDuckDBValueConverter(value, type, converter as DuckDBValueConverter<JS>);
  }
};

export interface OpenOptions {
  readOnly?: boolean;
  /** DuckDB memory_limit, e.g. "4GB"; beyond it DuckDB spills to `tempDirectory`. */
  memoryLimit?: string;
  threads?: number;
  tempDirectory?: string;
}

export interface Database {
  readonly path: string;
  readonly connection: DuckDBConnection;
  /** Runs one or more statements, discarding results. */
  exec(sql: string): Promise<void>;
  /** Runs a query and returns its rows as plain objects. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): void;
}

export const openDatabase = async (path: string, options: OpenOptions = {}): Promise<Database> => {
  const settings: Record<string, string> = {};
  if (options.readOnly) settings.access_mode = 'READ_ONLY';
  if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
  if (options.threads) settings.threads = String(options.threads);
  if (options.tempDirectory) settings.temp_directory = options.tempDirectory;
  const instance = await DuckDBInstance.create(path, settings);
  const connection = await instance.connect();
  return {
    path,
    connection,
    async exec(sql) {
      await connection.run(sql);
    },
    async query<T extends Row = Row>(sql: string, params?: unknown[]) {
      const reader = await connection.runAndReadAll(sql, params as never);
      return reader.convertRowObjects(toRowValue) as T[];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
};

/** Quotes an identifier for DuckDB. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Quotes a string literal for DuckDB. */
export const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
