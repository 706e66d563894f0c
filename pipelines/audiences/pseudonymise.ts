/**
 * The database a pseudonymised site is built from: a copy of the marts in which no seller can be
 * singled out. A pseudonym alone is not enough: with the seller's id, or with a team and role only
 * one seller holds (every team has one manager), anyone who knows the organisation names them.
 *
 * So, in the copy:
 * - every seller id (`seller_id`, `manager_id`, `top_seller_id`, `owner_seller_id`…) becomes the
 *   seller's pseudonymous key (`vendeur-07`, which also names the seller's page) and every seller
 *   name the pseudonym ("Vendeur 07");
 * - each seller is given a team and role label shared by at least `minGroupSize` sellers: the real
 *   team and role when enough sellers share them, else the role across teams ("Autres équipes"),
 *   else neither ("Autres équipes", "Autres rôles"); seller-level rows carry that label;
 * - in the other rows, a team with fewer sellers than that becomes "Autres équipes" and a role
 *   "Autres rôles"; a seller named next to a team (a team's manager, its top seller) is named only
 *   when that is the team of the seller's own label, otherwise left blank, so the pairing cannot
 *   undo the grouping;
 * - in text (an alert's subject and message), the row's own seller is replaced like the columns;
 *   a text naming any other seller, by id or name, is left blank.
 *
 * The copy is made table by table from the column names, so a new mart is covered without edits
 * here. The published database keeps the real data: only the site reads the copy.
 */
import fs from 'node:fs';
import { ident, literal, openDatabase, type Database } from '../db/duckdb.js';

export const OTHER_TEAMS = 'Autres équipes';
export const OTHER_ROLES = 'Autres rôles';

/**
 * The pseudonym's number, stable for a seller id (order of the id's hash), zero-padded to the
 * width of the seller count (lpad truncates: never pad to fewer digits than the count has).
 */
export const pseudonymNumberSql = (sellers = 'staging.stg_sellers') =>
  `lpad(CAST(row_number() OVER (ORDER BY hash(seller_id), seller_id) AS VARCHAR), CAST(greatest(2, length(CAST((SELECT count(*) FROM ${sellers}) AS VARCHAR))) AS INTEGER), '0')`;

/** Columns holding a seller's id: the seller of the row, a manager, a top seller, an owner. */
export const isSellerKey = (column: string) => /(^|_)seller_id$/.test(column) || column === 'manager_id';
/** Columns holding a seller's name; named after their id column (`seller_name` ↔ `seller_id`). */
export const isSellerName = (column: string) => /(^|_)seller_name$/.test(column) || column === 'manager_name';
export const idColumnOf = (nameColumn: string) => nameColumn.replace(/name$/, 'id');

export class PseudonymisationError extends Error {
  override name = 'PseudonymisationError';
}

export interface PseudonymiseResult {
  sellers: number;
  /** Sizes of the team × role labels seller rows carry, smallest first. */
  groups: { team: string; role: string; sellers: number }[];
  /** How far the labels had to be generalised to reach the minimum group size. */
  level: 'team and role where possible' | 'small groups pooled' | 'no team or role';
}

/** For the build's log: how many sellers, and how far their labels were generalised. */
export const describePseudonymised = (result: PseudonymiseResult, k: number) =>
  `${result.sellers} seller(s) pseudonymised; team × role labels hold at least ${k} sellers (${result.level}, smallest ${result.groups[0]?.sellers ?? 0})`;

/**
 * Seller → (pseudonymous key, pseudonym, team label, role label) in temp table `seller_map`, with
 * the labels generalised only as far as needed for every label to hold at least k sellers.
 */
const buildSellerMap = async (db: Database, k: number): Promise<PseudonymiseResult> => {
  const levels: { level: PseudonymiseResult['level']; team: string; role: string }[] = [
    {
      level: 'team and role where possible',
      team: `CASE WHEN keeps_both THEN team_label ELSE ${literal(OTHER_TEAMS)} END`,
      role: `CASE WHEN keeps_both OR keeps_role THEN role ELSE ${literal(OTHER_ROLES)} END`,
    },
    {
      level: 'small groups pooled',
      team: `CASE WHEN keeps_both THEN team_label ELSE ${literal(OTHER_TEAMS)} END`,
      role: `CASE WHEN keeps_both THEN role ELSE ${literal(OTHER_ROLES)} END`,
    },
    { level: 'no team or role', team: literal(OTHER_TEAMS), role: literal(OTHER_ROLES) },
  ];
  for (const { level, team, role } of levels) {
    await db.exec(`CREATE OR REPLACE TEMP TABLE seller_map AS
      WITH teamed AS (
        SELECT seller_id, seller_name, team, role,
               CASE WHEN count(*) OVER (PARTITION BY team) >= ${k} THEN team ELSE ${literal(OTHER_TEAMS)} END AS team_label
        FROM src.staging.stg_sellers
      ), kept AS (
        SELECT *, count(*) OVER (PARTITION BY team_label, role) >= ${k} AS keeps_both FROM teamed
      ), pooled AS (
        SELECT *, NOT keeps_both AND sum(CASE WHEN keeps_both THEN 0 ELSE 1 END) OVER (PARTITION BY role) >= ${k} AS keeps_role FROM kept
      ), numbered AS (
        SELECT seller_id, seller_name, ${pseudonymNumberSql('src.staging.stg_sellers')} AS n, ${team} AS team_label, ${role} AS role_label FROM pooled
      )
      SELECT seller_id, seller_name, 'vendeur-' || n AS pseudo_key, 'Vendeur ' || n AS pseudo_label, team_label, role_label FROM numbered`);
    const groups = await db.query<{ team: string; role: string; sellers: number }>(
      'SELECT team_label AS team, role_label AS role, CAST(count(*) AS INTEGER) AS sellers FROM seller_map GROUP BY ALL ORDER BY sellers, team, role');
    const sellers = groups.reduce((n, g) => n + g.sellers, 0);
    if (sellers > 0 && sellers < k) {
      throw new PseudonymisationError(`Cannot pseudonymise ${sellers} seller(s): fewer than the minimum group size ${k}, any figure would single one out. Publish without --pseudonymise-sellers, or lower BI_PSEUDONYM_MIN_GROUP (--pseudonym-min-group).`);
    }
    if (groups.every((g) => g.sellers >= k)) return { sellers, groups, level };
  }
  throw new PseudonymisationError('unreachable: the last level groups every seller together');
};

/** Maps every team (role) to itself when at least k sellers have it, else to the generic label. */
const buildGroupMaps = async (db: Database, k: number) => {
  await db.exec(`CREATE OR REPLACE TEMP TABLE team_map AS
    SELECT team, CASE WHEN count(*) >= ${k} THEN team ELSE ${literal(OTHER_TEAMS)} END AS team_label FROM src.staging.stg_sellers GROUP BY team`);
  await db.exec(`CREATE OR REPLACE TEMP TABLE role_map AS
    SELECT role, CASE WHEN count(*) >= ${k} THEN role ELSE ${literal(OTHER_ROLES)} END AS role_label FROM src.staging.stg_sellers GROUP BY role`);
};

/** The SELECT copying one mart with its seller ids, names, teams and roles replaced. */
const pseudonymisedSelect = (table: string, columns: string[], textColumns: Set<string>) => {
  const has = new Set(columns);
  const joins: string[] = [];
  const replace: string[] = [];
  const sellerLevel = has.has('seller_id');
  if (sellerLevel) joins.push('LEFT JOIN seller_map own ON own.seller_id = t.seller_id');
  if (has.has('team')) joins.push('LEFT JOIN team_map tm ON tm.team = t.team');
  if (has.has('role')) joins.push('LEFT JOIN role_map rm ON rm.role = t.role');
  // The row's team as published: the seller's own label on seller rows, else the team's label.
  const teamExpr = !has.has('team')
    ? null
    : sellerLevel
      ? 'CASE WHEN own.seller_id IS NOT NULL THEN own.team_label ELSE coalesce(tm.team_label, t.team) END'
      : 'coalesce(tm.team_label, t.team)';
  if (teamExpr) replace.push(`${teamExpr} AS team`);
  if (has.has('role')) {
    replace.push(`${sellerLevel ? 'CASE WHEN own.seller_id IS NOT NULL THEN own.role_label ELSE coalesce(rm.role_label, t.role) END' : 'coalesce(rm.role_label, t.role)'} AS role`);
  }
  const keys = columns.filter(isSellerKey);
  keys.forEach((column, i) => {
    const m = column === 'seller_id' && sellerLevel ? 'own' : `k${i}`;
    if (m !== 'own') joins.push(`LEFT JOIN seller_map ${m} ON ${m}.seller_id = t.${ident(column)}`);
    // A seller named beside a team that is not their label's team (a manager next to the team they
    // lead, while managers are pooled across teams), or beside a pooled group (whose members
    // would be told apart by who manages them), would undo the grouping: leave them unnamed.
    const named = m === 'own' || !teamExpr
      ? `${m}.seller_id IS NOT NULL`
      : `${m}.seller_id IS NOT NULL AND ((${m}.team_label = ${teamExpr} AND ${m}.team_label <> ${literal(OTHER_TEAMS)}) OR t.team NOT IN (SELECT team FROM team_map))`;
    replace.push(`CASE WHEN ${named} THEN ${m}.pseudo_key WHEN ${m}.seller_id IS NOT NULL THEN NULL ELSE t.${ident(column)} END AS ${ident(column)}`);
    const nameColumn = columns.find((c) => isSellerName(c) && idColumnOf(c) === column);
    if (nameColumn) replace.push(`CASE WHEN ${named} THEN ${m}.pseudo_label ELSE NULL END AS ${ident(nameColumn)}`);
  });
  // Text (an alert's subject and message) may name sellers. The row's own seller, on a seller-level
  // row: name and id replaced by the pseudonym and its key, like the columns holding them. Any
  // other seller (a team's best seller in a team's alert, a manager in a seller's): the text is
  // blanked, whatever the table — a seller named in free text beside a team or another seller
  // cannot be checked against their label, so, as for the id columns above, they are not named.
  const handled = new Set([...keys, 'team', 'role', ...columns.filter(isSellerName)]);
  for (const column of columns.filter((c) => textColumns.has(c) && !handled.has(c))) {
    const text = `t.${ident(column)}`;
    const other = `EXISTS (SELECT 1 FROM seller_map m WHERE ${sellerLevel ? 'm.seller_id IS DISTINCT FROM own.seller_id AND ' : ''}(contains(${text}, m.seller_id) OR contains(${text}, m.seller_name)))`;
    const own = sellerLevel ? `WHEN own.seller_id IS NOT NULL THEN replace(replace(${text}, own.seller_name, own.pseudo_label), own.seller_id, own.pseudo_key) ` : '';
    replace.push(`CASE WHEN ${other} THEN NULL ${own}ELSE ${text} END AS ${ident(column)}`);
  }
  // A name column with no id column beside it cannot be mapped: dropped to NULL.
  for (const column of columns.filter((c) => isSellerName(c) && !keys.includes(idColumnOf(c)))) replace.push(`NULL AS ${ident(column)}`);
  const select = replace.length ? `t.* REPLACE (${replace.join(', ')})` : 't.*';
  return `SELECT ${select} FROM src.marts.${ident(table)} t ${joins.join(' ')}`;
};

/**
 * Writes `to`, a database holding a pseudonymised copy of every mart of `from` (read-only), and
 * `marts.seller_labels` keyed by pseudonymous key. Throws PseudonymisationError when the sellers
 * are too few to hide among.
 */
export const writePseudonymisedMarts = async (from: string, to: string, minGroupSize: number): Promise<PseudonymiseResult> => {
  fs.rmSync(to, { force: true });
  fs.rmSync(`${to}.wal`, { force: true });
  const db = await openDatabase(to);
  try {
    await db.exec(`ATTACH ${literal(from)} AS src (READ_ONLY)`);
    const result = await buildSellerMap(db, minGroupSize);
    await buildGroupMaps(db, minGroupSize);
    await db.exec('CREATE SCHEMA marts');
    const columns = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = 'src' AND schema_name = 'marts' ORDER BY table_name, column_index`);
    const tables = new Map<string, string[]>();
    for (const c of columns) tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), c.column_name]);
    const textColumns = new Set(columns.filter((c) => c.data_type === 'VARCHAR').map((c) => `${c.table_name}.${c.column_name}`));
    for (const [table, cols] of tables) {
      if (table === 'seller_labels') continue;
      const text = new Set(cols.filter((c) => textColumns.has(`${table}.${c}`)));
      await db.exec(`CREATE TABLE marts.${ident(table)} AS ${pseudonymisedSelect(table, cols, text)}`);
    }
    await db.exec('CREATE TABLE marts.seller_labels AS SELECT pseudo_key AS seller_id, pseudo_label AS seller_label FROM seller_map');
    await db.exec('DETACH src');
    await db.exec('CHECKPOINT');
    return result;
  } finally {
    db.close();
  }
};
