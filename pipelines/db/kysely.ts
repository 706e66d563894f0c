/**
 * A small Kysely dialect over @duckdb/node-api. DuckDB speaks PostgreSQL's SQL dialect closely
 * enough ($1 parameters, double-quoted identifiers) that Kysely's Postgres adapter and query
 * compiler serve as they are; only the driver is ours.
 */
import {
  CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type QueryResult,
} from 'kysely';
import type { Database } from './duckdb.js';

class DuckDBKyselyConnection implements DatabaseConnection {
  constructor(private readonly db: Database) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const rows = await this.db.query(compiled.sql, [...compiled.parameters]);
    return { rows: rows as R[] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by the DuckDB Kysely driver: aggregate in SQL instead.');
  }
}

class DuckDBDriver implements Driver {
  // DuckDB runs one statement at a time per connection, while Kysely may ask for several
  // connections at once: hand them out one after the other.
  private tail: Promise<void> = Promise.resolve();
  private readonly releases = new WeakMap<DatabaseConnection, () => void>();

  constructor(private readonly db: Database) {}

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const connection = new DuckDBKyselyConnection(this.db);
    this.releases.set(connection, release);
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('BEGIN TRANSACTION'));
  }

  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(connection: DatabaseConnection) {
    this.releases.get(connection)?.();
    this.releases.delete(connection);
  }

  async destroy() {}
}

export const duckdbDialect = (db: Database): Dialect => ({
  createAdapter: () => new PostgresAdapter(),
  createDriver: () => new DuckDBDriver(db),
  createIntrospector: (kysely) => new PostgresIntrospector(kysely),
  createQueryCompiler: () => new PostgresQueryCompiler(),
});

/** A typed Kysely instance over an open database; `DB` maps "schema.table" to row types. */
export const kyselyFor = <DB>(db: Database) => new Kysely<DB>({ dialect: duckdbDialect(db) });
