/**
 * Which report sources Evidence must run again. A source's result can only change when its SQL or
 * the rows of a mart it reads change, so each source gets a digest of its SQL and of the marts it
 * reads, fingerprinted in DuckDB: column names and types, row count, and an order-sensitive sum of
 * row hashes (a source query returns a mart's rows in their stored order unless it sorts them, so
 * the same rows in another order are a change). A source whose digest is the one recorded when its
 * data file was last written, and whose file is still there, is not run again (`evidence sources
 * --queries`, which keeps the other sources' files and manifest entries).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Database, ident, literal } from '../../db/duckdb.js';
import { tablesRead } from '../../models/discover.js';

/** The tables each report source reads (`warehouse.<query>` → `schema.table`s), from DuckDB's parse of its SQL. */
export const tablesReadBySources = async (db: Database, sourcesDir: string, source: string) => {
  const read = new Map<string, string[]>();
  for (const file of fs.readdirSync(sourcesDir).filter((f) => f.endsWith('.sql')).sort()) {
    read.set(`${source}.${file.slice(0, -'.sql'.length)}`, await tablesRead(db, fs.readFileSync(path.join(sourcesDir, file), 'utf8'), `sources/${source}/${file}`));
  }
  return read;
};

/**
 * One fingerprint per table, computed in one query: what a reader of the table could see change.
 * The alias `"row*"` (the whole row as a struct) is no model's column name.
 */
const tableFingerprints = async (db: Database, tables: string[]) => {
  if (!tables.length) return new Map<string, string>();
  const parts = tables.map((table) => {
    const [schema, name] = table.split('.') as [string, string];
    return `SELECT ${literal(table)} AS t,
      (SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) FROM duckdb_columns()
        WHERE schema_name = ${literal(schema)} AND table_name = ${literal(name)}) AS columns,
      count(*) AS n, coalesce(sum(hash("row*")::HUGEINT * ("row*".rowid + 1)), 0)::VARCHAR AS h
      FROM ${ident(schema)}.${ident(name)} "row*"`;
  });
  const rows = await db.query<{ t: string; columns: string; n: bigint | number; h: string }>(parts.join('\nUNION ALL\n'));
  return new Map(rows.map((r) => [r.t, `${r.columns}|${r.n}|${r.h}`]));
};

/**
 * Digest of each report source's inputs, in the database the sources read: its SQL and the
 * fingerprints of the tables it reads (`read`, from `tablesReadBySources`).
 */
export const sourceInputDigests = async (db: Database, sourcesDir: string, source: string, read: Map<string, string[]>): Promise<Record<string, string>> => {
  const fingerprints = await tableFingerprints(db, [...new Set([...read.values()].flat())].sort());
  const digests: Record<string, string> = {};
  for (const [name, tables] of read) {
    const sql = fs.readFileSync(path.join(sourcesDir, `${name.slice(source.length + 1)}.sql`), 'utf8');
    digests[name] = createHash('sha1').update(sql).update(tables.map((t) => `\n${t}=${fingerprints.get(t)}`).join('')).digest('hex');
  }
  return digests;
};

/**
 * The sources to run: every one without a recorded digest, with another digest, or whose data
 * file is gone from Evidence's static data folder (`<source>/<query>/<query>.schema.json`, written
 * for every source, with rows or not).
 */
export const sourcesToRun = (recorded: Record<string, string> | undefined, current: Record<string, string>, staticDataDir: string) =>
  Object.keys(current).filter((name) => {
    const [source, query] = name.split('.') as [string, string];
    return recorded?.[name] !== current[name] || !fs.existsSync(path.join(staticDataDir, source, query, `${query}.schema.json`));
  });

const RECORD = 'sources-from.json';

/** The digests the sources' data files were last written from (undefined: unknown, run them all). */
export const recordedSourceInputs = (workDir: string): Record<string, string> | undefined => {
  try {
    return JSON.parse(fs.readFileSync(path.join(workDir, RECORD), 'utf8')) as Record<string, string>;
  } catch {
    return undefined;
  }
};

/** Records (or, with undefined, forgets while Evidence rewrites the files) what the data files were written from. */
export const recordSourceInputs = (workDir: string, digests: Record<string, string> | undefined) => {
  if (!digests) fs.rmSync(path.join(workDir, RECORD), { force: true });
  else fs.writeFileSync(path.join(workDir, RECORD), `${JSON.stringify(digests, null, 1)}\n`);
};
