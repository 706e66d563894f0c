/**
 * The database one audience's site is built from: a copy of the marts its pages' report sources
 * read, holding only the rows the audience may see. Decided in SQL, table by table from the column
 * names (as `pseudonymise.ts` does), so a new mart is covered without edits here:
 *
 * - no filter: the marts as they are;
 * - a team (a manager's site): rows of that team's sellers, of that team, and the company's;
 * - a seller (a seller's pack): that seller's own rows, their team's and the company's aggregates.
 *
 * Concretely, with the "hidden" sellers being every seller outside the filter and the hidden teams
 * every team of the data but the filter's (a seller's: their own):
 * - a row whose own seller (`seller_id`, `owner_seller_id`) is hidden is dropped;
 * - a row whose `team` is a hidden team is dropped (company rows — "Toutes les équipes", NULL — stay);
 * - any other seller named in a kept row (a manager, a team's top seller) is blanked with their name;
 * - a text in a kept row that names a hidden seller (their id or name, e.g. an alert's message) is blanked;
 * - `marts.seller_labels` keeps the visible sellers only.
 * The site step then checks the files it built rather than trusting this (test/e2e-audiences).
 */
import fs from 'node:fs';
import { ident, literal, openDatabase, type Database } from '../db/duckdb.js';
import { idColumnOf, isSellerKey, isSellerName } from './pseudonymise.js';

export type RowFilter = { team: string } | { seller: string };

/** Columns naming the seller a row is about (the others name someone beside it: a manager, a top seller). */
const isRowSeller = (column: string) => column === 'seller_id' || column === 'owner_seller_id';

/**
 * The SELECT copying `src.marts.<table>` with only the rows and values the audience may see. Reads
 * temp tables `hidden_sellers (seller_id, seller_name)` and `hidden_teams (team)`.
 */
export const filteredSelect = (table: string, columns: { name: string; text: boolean }[]) => {
  const names = columns.map((c) => c.name);
  const where: string[] = [];
  const replace: string[] = [];
  const hidden = (expr: string) => `${expr} IN (SELECT seller_id FROM hidden_sellers)`;
  for (const column of names.filter(isSellerKey)) {
    if (isRowSeller(column)) where.push(`t.${ident(column)} IS NULL OR NOT ${hidden(`t.${ident(column)}`)}`);
    else {
      replace.push(`CASE WHEN ${hidden(`t.${ident(column)}`)} THEN NULL ELSE t.${ident(column)} END AS ${ident(column)}`);
      const nameColumn = names.find((n) => isSellerName(n) && idColumnOf(n) === column);
      if (nameColumn) replace.push(`CASE WHEN ${hidden(`t.${ident(column)}`)} THEN NULL ELSE t.${ident(nameColumn)} END AS ${ident(nameColumn)}`);
    }
  }
  if (names.includes('team')) where.push('t.team IS NULL OR t.team NOT IN (SELECT team FROM hidden_teams)');
  // A text naming a hidden seller — by id or by name — is blanked, whatever column holds it.
  const handled = new Set(names.filter((n) => isSellerKey(n) || isSellerName(n) || n === 'team'));
  for (const c of columns.filter((c) => c.text && !handled.has(c.name))) {
    replace.push(`CASE WHEN EXISTS (SELECT 1 FROM hidden_sellers h WHERE contains(t.${ident(c.name)}, h.seller_id) OR contains(t.${ident(c.name)}, h.seller_name)) THEN NULL ELSE t.${ident(c.name)} END AS ${ident(c.name)}`);
  }
  // A name column with no id beside it (`seller_name` on a row whose seller was kept is theirs) stays.
  const select = replace.length ? `t.* REPLACE (${replace.join(', ')})` : 't.*';
  return `SELECT ${select} FROM src.marts.${ident(table)} t${where.length ? ` WHERE ${where.map((w) => `(${w})`).join(' AND ')}` : ''}`;
};

/** Fills temp tables hidden_sellers and hidden_teams for a filter, from the sellers of `src`. */
const hideOutside = async (db: Database, filter: RowFilter | undefined, sellersTable: string) => {
  if (!filter) {
    await db.exec('CREATE OR REPLACE TEMP TABLE hidden_sellers (seller_id VARCHAR, seller_name VARCHAR); CREATE OR REPLACE TEMP TABLE hidden_teams (team VARCHAR)');
    return;
  }
  const team = 'team' in filter ? literal(filter.team) : `(SELECT team FROM ${sellersTable} WHERE seller_id = ${literal(filter.seller)})`;
  const visible = 'team' in filter ? `team = ${literal(filter.team)}` : `seller_id = ${literal(filter.seller)}`;
  await db.exec(`CREATE OR REPLACE TEMP TABLE hidden_sellers AS SELECT seller_id, seller_name FROM ${sellersTable} WHERE NOT (${visible})`);
  await db.exec(`CREATE OR REPLACE TEMP TABLE hidden_teams AS SELECT DISTINCT team FROM ${sellersTable} WHERE team IS DISTINCT FROM ${team}`);
};

/**
 * Writes `to`: the marts named (`marts.x`) copied from `from` with the filter applied, and the
 * visible sellers' labels. `sellersTable` (in `src`) gives every seller's id, name and team; a
 * filtered copy needs it (the pipeline's `staging.stg_sellers`).
 */
export const writeAudienceMarts = async (from: string, to: string, marts: string[], filter?: RowFilter, sellersTable = 'src.staging.stg_sellers') => {
  fs.rmSync(to, { force: true });
  fs.rmSync(`${to}.wal`, { force: true });
  const db = await openDatabase(to);
  try {
    await db.exec(`ATTACH ${literal(from)} AS src (READ_ONLY)`);
    await hideOutside(db, filter, sellersTable);
    await db.exec('CREATE SCHEMA marts');
    const wanted = [...new Set([...marts.map((m) => m.replace(/^marts\./, '')), 'seller_labels'])];
    const columns = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = 'src' AND schema_name = 'marts' AND table_name IN (${wanted.map(literal).join(', ')}) ORDER BY table_name, column_index`);
    const tables = new Map<string, { name: string; text: boolean }[]>();
    for (const c of columns) tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), { name: c.column_name, text: c.data_type === 'VARCHAR' }]);
    const missing = wanted.filter((m) => !tables.has(m));
    if (missing.length) throw new Error(`the report sources read ${missing.map((m) => `marts.${m}`).join(', ')}, missing from ${from}`);
    for (const [table, cols] of tables) await db.exec(`CREATE TABLE marts.${ident(table)} AS ${filteredSelect(table, cols)}`);
    const rows = await db.query<{ sellers: number }>('SELECT CAST(count(*) AS INTEGER) AS sellers FROM marts.seller_labels');
    await db.exec('DETACH src');
    await db.exec('CHECKPOINT');
    return { sellers: rows[0]!.sellers, hidden: (await db.query<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM hidden_sellers'))[0]!.n };
  } finally {
    db.close();
  }
};

/** Seller ids the audience's copy holds (the ids of its seller pages). */
export const visibleSellers = async (databasePath: string): Promise<string[]> => {
  const db = await openDatabase(databasePath, { readOnly: true });
  try {
    return (await db.query<{ seller_id: string }>('SELECT seller_id FROM marts.seller_labels ORDER BY seller_id')).map((r) => r.seller_id);
  } finally {
    db.close();
  }
};
