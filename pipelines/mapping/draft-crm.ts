/**
 * The CRM part of `mapping:init`: which file holds the deals, the sellers and the accounts, read
 * from the columns' VALUES as well as their names, and the opportunities mapped the way CRM
 * exports need (a deal's status words, the close date from the columns only closed deals fill,
 * the placeholder account for deals with no company, sellers from the deals' owners when no list
 * of people is given). Everything is measured in DuckDB over the files as read; what the values
 * cannot tell is left to decide, never guessed (stage labels the words do not name, roles).
 */
import { ident, literal, type Database } from '../db/duckdb.js';
import { numberSql } from '../text/numbers.js';

export const normHeader = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

export interface ColumnProfile {
  name: string;
  /** Non-empty values. */
  filled: number;
  distinct: number;
  /** Shares of the non-empty values that read as a number, a date, an e-mail address. */
  numeric: number;
  date: number;
  email: number;
  /** Each value and its rows, when the column has few distinct values (labels). */
  labels?: { value: string; rows: number }[];
}

export interface FileProfile { source: string; file: string; rows: number; columns: ColumnProfile[] }

const LABEL_LIMIT = 40;
const DATE_TEST = (v: string) => `coalesce(TRY_CAST(${v} AS TIMESTAMP), try_strptime(${v}, ['%d/%m/%Y', '%m/%d/%Y', '%d/%m/%Y %H:%M', '%m/%d/%Y %H:%M', '%m/%d/%Y, %I:%M %p', '%Y-%m-%dT%H:%M:%S.%gZ'])) IS NOT NULL`;

/** Every column of a source table profiled in DuckDB. */
export const profileSource = async (db: Database, table: string, source: string, file: string, columns: string[]): Promise<FileProfile> => {
  const [{ rows } = { rows: 0 }] = await db.query<{ rows: number }>(`SELECT count(*) AS rows FROM ${table}`);
  const profiles: ColumnProfile[] = [];
  for (const name of columns) {
    const v = 'v';
    const [p] = await db.query<{ filled: number; distinct: number; numeric: number | null; date: number | null; email: number | null }>(`
      SELECT count(v) AS filled, count(DISTINCT v) AS distinct,
             avg(CASE WHEN (${numberSql(v, '.', 'DOUBLE')}) IS NOT NULL OR (${numberSql(v, ',', 'DOUBLE')}) IS NOT NULL THEN 1 ELSE 0 END) FILTER (WHERE v IS NOT NULL) AS numeric,
             avg(CASE WHEN ${DATE_TEST(v)} AND NOT regexp_matches(v, '^[0-9.,]+$') THEN 1 ELSE 0 END) FILTER (WHERE v IS NOT NULL) AS date,
             avg(CASE WHEN regexp_matches(v, '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$', 'i') THEN 1 ELSE 0 END) FILTER (WHERE v IS NOT NULL) AS email
      FROM (SELECT nullif(trim(CAST(${ident(name)} AS VARCHAR)), '') AS v FROM ${table})`);
    const profile: ColumnProfile = { name, filled: Number(p!.filled), distinct: Number(p!.distinct), numeric: p!.numeric ?? 0, date: p!.date ?? 0, email: p!.email ?? 0 };
    if (profile.distinct > 0 && profile.distinct <= LABEL_LIMIT) {
      profile.labels = (await db.query<{ value: string; rows: number }>(`SELECT v AS value, count(*) AS rows FROM
        (SELECT nullif(trim(CAST(${ident(name)} AS VARCHAR)), '') AS v FROM ${table}) WHERE v IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1`))
        .map((l) => ({ value: l.value, rows: Number(l.rows) }));
    }
    profiles.push(profile);
  }
  return { source, file, rows: Number(rows), columns: profiles };
};

// A deal's outcome in the vendor's words (any case, accents and punctuation ignored).
const WON = /^(closed_)?(won|win|gagne|gagnee|signed|signe|ganado|gewonnen)(_|$)/;
const LOST = /^(closed_)?(lost|perdu|perdue|perdido|verloren)(_|$)/;
export const outcomeOf = (value: string): 'won' | 'lost' | undefined => {
  const n = normHeader(value);
  return WON.test(n) ? 'won' : LOST.test(n) ? 'lost' : undefined;
};
// An open stage's place in the funnel, read from its words only when they say it.
const STAGE_WORDS: [RegExp, 'qualified' | 'proposal' | 'negotiation'][] = [
  [/negoti|contract|contrat|closing|commit/, 'negotiation'],
  [/propos|quote|devis|offre|offer|pricing|price_quote/, 'proposal'],
  [/qualif|discovery|decouverte|lead_in|new|nouveau|contact/, 'qualified'],
];
const stageFromWords = (value: string) => STAGE_WORDS.find(([re]) => re.test(normHeader(value)))?.[1];
// A job title's role, read from its words only when they say it.
const ROLE_WORDS: [RegExp, 'manager' | 'sdr' | 'account_executive'][] = [
  [/manager|head|director|directeur|responsable|vp|lead$/, 'manager'],
  [/(^|_)(sdr|bdr)($|_)|development|prospect/, 'sdr'],
  [/account_exec|(^|_)ae($|_)|sales_rep|(^|_)rep($|_)|executive|commercial|vendeur|seller/, 'account_executive'],
];
const roleFromWords = (value: string) => ROLE_WORDS.find(([re]) => re.test(normHeader(value)))?.[1];

const words = (re: RegExp) => (c: ColumnProfile) => re.test(normHeader(c.name));
const MONEY = words(/amount|value|valeur|montant|revenue|price|prix|importe|betrag|deal_size/);
const NOT_MONEY = words(/weight|pondere|probab|expected_revenue|count|number|nombre|employee|effectif|(^|_)id$|rate|taux|currency|devise|date|time/);
const OWNER = words(/owner|proprietaire|assigned|(^|_)user|sales_?rep|salesperson|sales_person|sales_agent|vendeur|commercial|responsable|seller/);
// Close calls the company a lead ("lead_display_name"): a lead's name is the company there.
const COMPANY = words(/organi[sz]ation|company|account|compte|entreprise|societe|client|customer|lead_(display_)?name|^lead$/);
const STATUS = words(/status|statut|state|etat/);
const STAGE = words(/stage|etape|phase/);
const CURRENCY = words(/currency|devise|moneda|wahrung/);
const CREATED = words(/creat|add_time|added|ajout|cree|opened|open_date|date_entered/);
const ID = words(/(^|_)(id|record_id|deal_id|reference|ref|numero|number)$/);
const PIPELINE = words(/pipeline|product|produit|line/);
const LOSS_REASON = words(/lost_reason|loss_reason|raison|reason/);
const TEAM = words(/team|equipe|territor|group/);
const ROLE = words(/(^|_)role|job|title|poste|fonction/);
const NAME = words(/name|nom/);

const sqlStr = (header: string) => ident(header);
const trimmed = (header: string) => `nullif(trim(${sqlStr(header)}), '')`;

const roleSpec = (role: ColumnProfile) => ({
  column: role.name,
  values: Object.fromEntries(role.labels!.flatMap((l) => { const r = roleFromWords(l.value); return r ? [[l.value, r]] : []; })),
});

/** What the draft read from the values, said to the user (and written in the draft's header). */
export interface CrmDraft {
  opportunities: { from: string; columns: Record<string, unknown> };
  sellers?: { from: string; columns: Record<string, unknown>; join?: unknown[]; parts?: unknown[] };
  accounts?: { from: string; columns: Record<string, unknown>; join?: unknown[] };
  /** Derived sources the extracts need (sellers from owners, first deals). */
  sources: Record<string, { sql: string }>;
  /** File sources taken by a role. */
  roles: { opportunities: string; sellers?: string; accounts?: string };
  /** One line per reading made from the values. */
  readings: string[];
  /** Required columns still to decide. */
  todo: string[];
}

const best = <T>(items: T[], score: (t: T) => number): T | undefined => items.reduce<T | undefined>((b, t) => (b === undefined || score(t) > score(b) ? t : b), undefined);

/** Share of the distinct non-empty values of `col` in `from` that are values of `keyCol` in `other` (as written). */
const coverage = async (db: Database, schema: string, from: string, col: string, other: string, keyCol: string) => {
  const [row] = await db.query<{ share: number | null }>(`SELECT count(x.v) / count(*) AS share FROM
    (SELECT DISTINCT trim(${sqlStr(col)}) AS v FROM ${schema}.${ident(from)} WHERE nullif(trim(${sqlStr(col)}), '') IS NOT NULL) o
    LEFT JOIN (SELECT DISTINCT trim(${sqlStr(keyCol)}) AS v FROM ${schema}.${ident(other)}) x ON x.v = o.v`);
  return row?.share ?? 0;
};

/** Filled share of `col` among rows whose outcome is won / lost / open (by the status column's values). */
const filledByOutcome = async (db: Database, table: string, col: string, statusCol: string, outcomes: Map<string, 'won' | 'lost'>) => {
  const won = [...outcomes].filter(([, o]) => o === 'won').map(([v]) => literal(v));
  const lost = [...outcomes].filter(([, o]) => o === 'lost').map(([v]) => literal(v));
  const outcome = `CASE WHEN trim(${sqlStr(statusCol)}) IN (${won.join(', ') || 'NULL'}) THEN 'won' WHEN trim(${sqlStr(statusCol)}) IN (${lost.join(', ') || 'NULL'}) THEN 'lost' ELSE 'open' END`;
  const rows = await db.query<{ outcome: string; share: number }>(`SELECT ${outcome} AS outcome, avg(CASE WHEN ${trimmed(col)} IS NOT NULL THEN 1 ELSE 0 END) AS share FROM ${table} GROUP BY 1`);
  const get = (o: string) => rows.find((r) => r.outcome === o)?.share;
  return { won: get('won'), lost: get('lost'), open: get('open') };
};

/**
 * Finds the deals file and maps it, its sellers and its accounts from the values; undefined when
 * no file has amounts and won / lost statuses.
 */
export const draftCrm = async (db: Database, schema: string, profiles: FileProfile[]): Promise<CrmDraft | undefined> => {
  // The deals: a money column and a column whose labels say won or lost, the most closed rows wins.
  const dealCandidates = profiles.flatMap((p) => {
    const money = p.columns.filter((c) => MONEY(c) && !NOT_MONEY(c) && c.filled > 0 && c.numeric >= 0.9);
    const statuses = p.columns.filter((c) => c.labels?.some((l) => outcomeOf(l.value)));
    if (!money.length || !statuses.length) return [];
    const closedRows = (c: ColumnProfile) => c.labels!.filter((l) => outcomeOf(l.value)).reduce((s, l) => s + l.rows, 0) + (STATUS(c) ? 0.5 : 0);
    return [{ p, money, status: best(statuses, closedRows)! }];
  });
  const deals = best(dealCandidates, (d) => d.status.labels!.filter((l) => outcomeOf(l.value)).reduce((s, l) => s + l.rows, 0));
  if (!deals) return undefined;
  const { p } = deals;
  const table = `${schema}.${ident(p.source)}`;
  const readings: string[] = [];
  const todo: string[] = [];
  const cols = p.columns;
  const columns: Record<string, unknown> = {};
  const file = p.file;

  // Id: a column unique per row named like an id; else the row of the file.
  const idCol = best(cols.filter((c) => c.filled === p.rows && c.distinct === p.rows && ID(c)), (c) => -c.name.length);
  if (idCol) columns.opportunity_id = idCol.name;
  else {
    columns.opportunity_id = { sql: "'row-' || _row" };
    readings.push(`${file}: no column holds one id per deal: each deal is named by its row (row-1, row-2…)`);
  }

  // Amount: the money column named most plainly (not weighted, not a probability).
  const amount = best(deals.money, (c) => -c.name.length)!;
  columns.amount = amount.name;
  const currency = cols.find((c) => CURRENCY(c) && c.labels?.every((l) => /^[A-Za-z]{3}$/.test(l.value)));
  if (currency) {
    columns.currency = { sql: trimmed(currency.name) };
    readings.push(`${file}: amounts in "${amount.name}", currency in "${currency.name}" (${currency.labels!.map((l) => l.value).join(', ')})`);
  } else readings.push(`${file}: amounts in "${amount.name}", in the company's reporting currency (no currency column)`);

  // Status and stage: closed deals by the status words, open ones by their stage.
  const status = deals.status;
  const outcomes = new Map(status.labels!.flatMap((l) => { const o = outcomeOf(l.value); return o ? [[l.value, o] as const] : []; }));
  const stageCol = status.labels && STAGE(status) ? status : best(cols.filter((c) => c !== status && STAGE(c) && c.labels), (c) => c.filled);
  const openCol = stageCol && stageCol !== status ? stageCol : status;
  const values: Record<string, string> = {};
  for (const [v, o] of outcomes) values[v] = o;
  const guessed: string[] = [];
  const undecided: string[] = [];
  const openLabels = stageCol && stageCol !== status
    ? await db.query<{ value: string }>(`SELECT DISTINCT trim(${sqlStr(stageCol.name)}) AS value FROM ${table}
        WHERE trim(${sqlStr(status.name)}) NOT IN (${[...outcomes.keys()].map(literal).join(', ')}) AND ${trimmed(stageCol.name)} IS NOT NULL ORDER BY 1`)
    : status.labels!.filter((l) => !outcomes.has(l.value)).map((l) => ({ value: l.value }));
  for (const { value } of openLabels) {
    if (outcomes.has(value)) continue;
    const s = stageFromWords(value);
    if (s) { values[value] = s; guessed.push(`"${value}" → ${s}`); } else undecided.push(value);
  }
  columns.stage = stageCol && stageCol !== status
    ? { sql: `CASE WHEN trim(${sqlStr(status.name)}) IN (${[...outcomes.keys()].map(literal).join(', ')}) THEN trim(${sqlStr(status.name)}) ELSE trim(${sqlStr(stageCol.name)}) END`, values }
    : { column: status.name, values };
  readings.push(`${file}: "${status.name}" says won (${[...outcomes].filter(([, o]) => o === 'won').map(([v]) => v).join(', ') || 'none'}) and lost (${[...outcomes].filter(([, o]) => o === 'lost').map(([v]) => v).join(', ') || 'none'}); ` +
    `open deals by "${openCol.name}"${guessed.length ? `, read from the labels' words: ${guessed.join(', ')}` : ''}`);
  if (undecided.length) todo.push(`stage labels: ${undecided.map((u) => `"${u}"`).join(', ')}`);

  // Dates: the close date from the columns only closed deals fill; the creation date by its name.
  const dates = cols.filter((c) => c.filled > 0 && c.date >= 0.9);
  const fill = new Map<string, Awaited<ReturnType<typeof filledByOutcome>>>();
  for (const c of dates) fill.set(c.name, await filledByOutcome(db, table, c.name, status.name, outcomes));
  const full = (x: number | undefined) => x === undefined || x >= 0.9;
  const none = (x: number | undefined) => x === undefined || x <= 0.1;
  const forOutcome = (o: 'won' | 'lost') => best(dates.filter((c) => { const f = fill.get(c.name)!; return full(f[o]) && none(f.open) && (f[o] ?? 0) > 0; }), (c) => -(fill.get(c.name)![o === 'won' ? 'lost' : 'won'] ?? 0));
  let wonCol = forOutcome('won');
  let lostCol = forOutcome('lost');
  if (!wonCol || !lostCol) {
    // A close date filled for open deals too (an expected close date): read only for closed deals.
    const any = best(dates.filter((c) => { const f = fill.get(c.name)!; return full(f.won) && full(f.lost) && !CREATED(c); }), (c) => (/clos|won|gain|lost|perte|echec|signed/.test(normHeader(c.name)) ? 1 : 0));
    wonCol ??= any;
    lostCol ??= any;
  }
  if (wonCol && lostCol && wonCol === lostCol && none(fill.get(wonCol.name)!.open)) {
    columns.closed_at = wonCol.name;
    readings.push(`${file}: close date "${wonCol.name}", filled for closed deals only`);
  } else if (wonCol && lostCol) {
    const closed = (c: ColumnProfile) => `nullif(trim(${sqlStr(c.name)}), '')`;
    columns.closed_at = { sql: `CASE WHEN {{stage}} = 'won' THEN ${closed(wonCol)} WHEN {{stage}} = 'lost' THEN ${closed(lostCol)} END` };
    readings.push(wonCol === lostCol
      ? `${file}: close date "${wonCol.name}", read for won and lost deals only${none(fill.get(wonCol.name)!.open) ? '' : ' (open deals fill it with an expected date)'}`
      : `${file}: close date "${wonCol.name}" for won deals, "${lostCol.name}" for lost ones (each filled only for its deals)`);
  } else todo.push('closed_at: no date column is filled for every closed deal');
  const created = best(dates.filter((c) => CREATED(c) && full(c.filled / p.rows)), (c) => c.filled) ?? best(dates.filter((c) => c !== wonCol && c !== lostCol && c.filled === p.rows), (c) => -c.name.length);
  // Else the date column most deals fill: the deals without one are said by the check, with their money.
  const mostFilled = created ? undefined : best(dates.filter((c) => c !== wonCol && c !== lostCol), (c) => c.filled);
  if (created) columns.created_at = created.name;
  else if (mostFilled) {
    columns.created_at = mostFilled.name;
    readings.push(`${file}: creation date "${mostFilled.name}", the date most deals fill (${mostFilled.filled} of ${p.rows})`);
  } else todo.push('created_at: no date column is filled for the deals that are open');
  // The first deals (a seller's start, an account's creation) are read from it; without it, unknown.
  const createdHeader = created?.name ?? mostFilled?.name;
  const createdTs = createdHeader ? `TRY_CAST(${sqlStr(createdHeader)} AS TIMESTAMP)` : 'CAST(NULL AS TIMESTAMP)';

  // Owner and company: by name, then found in the other files by their values.
  const owner = best(cols.filter((c) => OWNER(c) && c.numeric < 0.5 && !/creat/.test(normHeader(c.name))), (c) => c.filled);
  // A company named (Pipedrive, Zoho) or by its id (HubSpot's "Associated Company IDs"): names first.
  const company = best(cols.filter((c) => COMPANY(c) && !OWNER(c) && !/contact|person/.test(normHeader(c.name))), (c) => c.filled - (c.numeric >= 0.5 ? p.rows : 0));
  const sources: CrmDraft['sources'] = {};
  const roles: CrmDraft['roles'] = { opportunities: p.source };
  let sellers: CrmDraft['sellers'];
  let accounts: CrmDraft['accounts'];
  const others = profiles.filter((o) => o !== p);
  /** A list of one row per value (a key) holding most values of the deals' column. */
  const listOf = async (col: ColumnProfile) => {
    let found: { o: FileProfile; key: ColumnProfile; share: number } | undefined;
    for (const o of others) {
      for (const key of o.columns.filter((c) => c.filled > 0 && c.distinct === c.filled && c.numeric < 0.5 === col.numeric < 0.5)) {
        const share = await coverage(db, schema, p.source, col.name, o.source, key.name);
        if (share >= 0.8 && (!found || share > found.share)) found = { o, key, share };
      }
    }
    return found;
  };
  sources.draft_export_start = { sql: `SELECT CAST(min(${createdTs}) AS DATE) AS first_deal FROM ${ident(p.source)}` };
  if (owner) {
    columns.owner_seller_id = { sql: trimmed(owner.name) };
    sources.draft_owner_start = { sql: `SELECT trim(${sqlStr(owner.name)}) AS owner, CAST(min(${createdTs}) AS DATE) AS first_deal FROM ${ident(p.source)} WHERE ${trimmed(owner.name)} IS NOT NULL GROUP BY 1` };
    const list = await listOf(owner);
    const startDate = { sql: 'coalesce(draft_owner_start.first_deal, draft_export_start.first_deal)' };
    if (list) {
      const o = list.o;
      roles.sellers = o.source;
      const team = o.columns.find((c) => TEAM(c));
      const role = o.columns.find((c) => ROLE(c) && c.labels);
      const name = o.columns.find((c) => c !== list.key && NAME(c) && c.distinct === c.filled) ?? list.key;
      sellers = {
        from: o.source,
        join: [
          { source: 'draft_owner_start', on: `draft_owner_start.owner = trim(${ident(o.source)}.${sqlStr(list.key.name)})` },
          { source: 'draft_export_start', on: 'true' },
        ],
        columns: {
          seller_id: list.key.name,
          seller_name: name.name,
          team: team ? team.name : { value: null },
          role: role ? roleSpec(role) : { value: null },
          hourly_cost: { value: null },
          start_date: startDate,
        },
      };
      const placed = role ? role.labels!.flatMap((l) => { const r = roleFromWords(l.value); return r ? [`"${l.value}" → ${r}`] : []; }) : [];
      readings.push(`${o.file}: the sellers (its "${list.key.name}" holds ${Math.round(list.share * 100)} % of the deals' "${owner.name}")` +
        `${role ? `; roles from "${role.name}"${placed.length ? `, read from the labels' words: ${placed.join(', ')}` : ''}` : ''}; start date: each seller's first deal`);
    } else {
      sellers = {
        from: 'draft_owner_start',
        join: [{ source: 'draft_export_start', on: 'true' }],
        columns: { seller_id: 'owner', seller_name: 'owner', team: { value: null }, role: { value: null }, hourly_cost: { value: null }, start_date: startDate },
      };
      readings.push(`sellers: no list of people holds the deals' owners: the sellers are the owners of "${owner.name}" (team, role and cost unknown), from their first deal`);
    }
  } else {
    columns.owner_seller_id = { value: null };
    todo.push('owner_seller_id: no column names the deal\'s owner');
  }

  if (company) {
    columns.account_id = { sql: trimmed(company.name) };
    const list = await listOf(company);
    const [{ missing } = { missing: 0 }] = await db.query<{ missing: number }>(`SELECT count(*) AS missing FROM ${table} WHERE ${trimmed(company.name)} IS NULL`);
    sources.draft_account_deals = { sql: `SELECT trim(${sqlStr(company.name)}) AS account, CAST(min(${createdTs}) AS DATE) AS first_deal,
      bool_or(trim(${sqlStr(status.name)}) IN (${[...outcomes].filter(([, o]) => o === 'won').map(([v]) => literal(v)).join(', ') || 'NULL'})) AS has_won
      FROM ${ident(p.source)} WHERE ${trimmed(company.name)} IS NOT NULL GROUP BY 1` };
    const status_ = { sql: "CASE WHEN draft_account_deals.has_won THEN 'customer' ELSE 'prospect' END" };
    if (list) {
      const o = list.o;
      roles.accounts = o.source;
      accounts = {
        from: o.source,
        join: [{ source: 'draft_account_deals', on: `draft_account_deals.account = trim(${ident(o.source)}.${sqlStr(list.key.name)})` }],
        columns: {
          account_id: list.key.name,
          account_name: list.key.name,
          segment: { value: null }, industry: { value: null }, size_band: { value: null }, region: { value: null },
          status: status_,
          created_at: { sql: 'draft_account_deals.first_deal' },
        },
      };
      readings.push(`${o.file}: the accounts (its "${list.key.name}" holds ${Math.round(list.share * 100)} % of the deals' "${company.name}"); status customer when the account has a won deal`);
    } else {
      accounts = {
        from: 'draft_account_deals',
        columns: { account_id: 'account', account_name: 'account', segment: { value: null }, industry: { value: null }, size_band: { value: null }, region: { value: null }, status: status_, created_at: 'first_deal' },
      };
      readings.push(`accounts: no list of companies holds the deals' "${company.name}": the accounts are its values`);
    }
    if (missing > 0) readings.push(`${file}: ${missing} deal(s) with no "${company.name}" load on the placeholder account "(non attribué)", flagged, with their money`);
  } else {
    columns.account_id = { value: null };
    todo.push(`accounts: no column of ${file} names the deal's company (${cols.filter((c) => c.numeric < 0.5 && c.date < 0.5).map((c) => c.name).join(', ')}): ` +
      'map account_id in opportunities and add an accounts extract (see "Map your CRM in ten minutes" in pipelines/mapping/README.md)');
  }

  const pipeline = cols.find((c) => PIPELINE(c) && c.labels && c !== status && c !== stageCol);
  columns.product_line = pipeline ? pipeline.name : { value: null };
  columns.origin = { value: null };
  const lossReason = cols.find((c) => LOSS_REASON(c));
  if (lossReason) columns.loss_reason = { sql: `CASE WHEN {{stage}} = 'lost' THEN ${trimmed(lossReason.name)} END` };
  return { opportunities: { from: p.source, columns }, sellers, accounts, sources, roles, readings, todo };
};
