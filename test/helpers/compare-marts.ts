/**
 * Comparing the tables of two published databases: exact on every column but floating-point ones,
 * which are compared at a relative tolerance (DuckDB sums doubles in a thread-dependent order, so
 * two builds of the same data differ in the last digits).
 */
import { openDatabase, type Database } from '../../pipelines/db/duckdb.js';

export interface TwoDatabases {
  db: Database;
  close: () => void;
}

/** One in-memory database with `a` and `b` attached read-only. */
export const attachBoth = async (a: string, b: string): Promise<TwoDatabases> => {
  const db = await openDatabase(':memory:');
  await db.exec(`ATTACH '${a.replaceAll("'", "''")}' AS a (READ_ONLY); ATTACH '${b.replaceAll("'", "''")}' AS b (READ_ONLY);`);
  return { db, close: () => db.close() };
};

const FLOAT = new Set(['DOUBLE', 'FLOAT', 'REAL']);

export interface TableDifference {
  table: string;
  rowsA: number;
  rowsB: number;
  /** First rows that differ (as text), at most 3. */
  examples: string[];
}

/**
 * Rows of `schema.table` in databases a and b, restricted by `where` (SQL over the table's columns)
 * and to `columns` (default all): undefined when equal, else what differs.
 */
export const compareTable = async (
  both: TwoDatabases, table: string, options: { where?: string; columns?: string[]; tolerance?: number } = {},
): Promise<TableDifference | undefined> => {
  const [schema, name] = table.split('.');
  const described = await both.db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'a' AND schema_name = '${schema}' AND table_name = '${name}' ORDER BY column_index`);
  const columns = described.filter((c) => !options.columns || options.columns.includes(c.column_name));
  const floats = columns.filter((c) => FLOAT.has(c.data_type)).map((c) => c.column_name);
  const exact = columns.filter((c) => !FLOAT.has(c.data_type)).map((c) => c.column_name);
  const select = (db: string) => `SELECT ${exact.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).concat(floats.map((c) => `"${c}"`)).join(', ')}
    FROM ${db}.${table} ${options.where ? `WHERE ${options.where}` : ''}
    ORDER BY ${[...exact.map((c) => `"${c}"`), ...floats.map((c) => `round("${c}", 6)`)].join(', ') || '1'}`;
  const rowsA = await both.db.query(select('a'));
  const rowsB = await both.db.query(select('b'));
  const tolerance = options.tolerance ?? 1e-9;
  const close = (x: unknown, y: unknown) => {
    if (x === null || y === null) return x === y;
    const [u, v] = [Number(x), Number(y)];
    if (Number.isNaN(u) || Number.isNaN(v)) return Number.isNaN(u) && Number.isNaN(v);
    return Math.abs(u - v) <= tolerance * Math.max(1, Math.abs(u), Math.abs(v));
  };
  const examples: string[] = [];
  for (let i = 0; i < Math.max(rowsA.length, rowsB.length) && examples.length < 3; i++) {
    const [x, y] = [rowsA[i], rowsB[i]];
    const same = x && y && exact.every((c) => x[c] === y[c]) && floats.every((c) => close(x[c], y[c]));
    if (!same) examples.push(`a: ${JSON.stringify(x)}\n     b: ${JSON.stringify(y)}`);
  }
  return examples.length ? { table, rowsA: rowsA.length, rowsB: rowsB.length, examples } : undefined;
};

/** Tables of a schema in database a. */
export const tablesOf = async (both: TwoDatabases, schema: string) =>
  (await both.db.query<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE database_name = 'a' AND schema_name = '${schema}' ORDER BY 1`))
    .map((r) => `${schema}.${r.t}`);
