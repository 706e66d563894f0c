/**
 * A page's queries run in Node's DuckDB against a built warehouse, as Evidence runs them in the
 * browser: each report source query of site/sources/warehouse/ becomes a table `warehouse.<name>`, a
 * page query's `${other}` is the page's query of that name (a subquery), and its parameters and
 * inputs are given as values, quoted with the project's literal() as sql() of site/components/sql.js
 * quotes them. Lets a test compare the figure two pages show without building the site.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../pipelines/config.js';
import { ident, literal, type Database, type Row } from '../../pipelines/db/duckdb.js';

const PAGES = path.join(PROJECT_ROOT, 'site', 'pages');
const SOURCES = path.join(PROJECT_ROOT, 'site', 'sources', 'warehouse');
const QUERY = /^```sql (\w+)[^\n]*\n([\s\S]*?)^```/gm;

/** Creates schema `warehouse` with one table per report source query, read from the marts of `db`. */
export const publishSources = async (db: Database) => {
  await db.exec('CREATE SCHEMA IF NOT EXISTS warehouse');
  for (const file of fs.readdirSync(SOURCES).filter((f) => f.endsWith('.sql')).sort()) {
    const sql = fs.readFileSync(path.join(SOURCES, file), 'utf8').trim().replace(/;$/, '');
    await db.exec(`CREATE OR REPLACE TABLE warehouse.${ident(path.basename(file, '.sql'))} AS ${sql}`);
  }
};

export interface PageValues {
  params?: Record<string, string>;
  inputs?: Record<string, string>;
}

/** The SQL of query `name` of `page` (a path under site/pages/), its references and values resolved. */
export const pageQuerySql = (page: string, name: string, values: PageValues = {}): string => {
  const text = fs.readFileSync(path.join(PAGES, page), 'utf8');
  const queries = new Map([...text.matchAll(QUERY)].map((m) => [m[1]!, m[2]!]));
  const resolve = (query: string, seen: string[]): string => {
    const sql = queries.get(query);
    if (sql === undefined) throw new Error(`site/pages/${page} has no query ${query}`);
    return sql
      .replace(/\$\{\s*inputs\.(\w+)\s*,\s*sql\(\s*inputs\.\1(?:\.value)?\s*\)\s*\}/g, (_, input: string) => {
        const value = values.inputs?.[input];
        if (value === undefined) throw new Error(`site/pages/${page}: query ${query} reads input ${input}: give its value`);
        return literal(value);
      })
      .replace(/\$\{\s*sql\(\s*params\.(\w+)\s*\)\s*\}/g, (_, param: string) => {
        const value = values.params?.[param];
        if (value === undefined) throw new Error(`site/pages/${page}: query ${query} reads parameter ${param}: give its value`);
        return literal(value);
      })
      .replace(/\$\{(\w+)\}/g, (_, other: string) => {
        if (seen.includes(other)) throw new Error(`site/pages/${page}: queries ${[...seen, other].join(' → ')} read each other`);
        return `(${resolve(other, [...seen, other])})`;
      });
  };
  return resolve(name, [name]);
};

/** The rows query `name` of `page` returns on `db` (published with publishSources). */
export const runPageQuery = <T extends Row = Row>(db: Database, page: string, name: string, values: PageValues = {}) =>
  db.query<T>(pageQuerySql(page, name, values));
