/**
 * One figure, one definition (issue 27, item 1): a KPI a mart header declares as a ratio (a KPI with a
 * numerator and a denominator: its other columns hold the ratio) is read from the mart's column, never
 * divided again in a page's SQL, and a figure two pages show comes from the same source query. The
 * scan reads every named SQL fence of every page under site/pages/ (Evidence's page queries), follows
 * `${query}` references between the queries of a page, and every source query under
 * site/sources/warehouse/ back to the marts it reads.
 *
 * Pages still dividing a KPI of their own are listed in STILL_DIVIDED_IN_PAGES: the list must equal what
 * the scan finds, so a new division of a KPI fails the test, and moving one into a mart column means
 * taking it off the list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { parseModelHeader } from '../pipelines/models/metadata.js';

const PAGES = path.join(PROJECT_ROOT, 'site', 'pages');
const SOURCES = path.join(PROJECT_ROOT, 'site', 'sources', 'warehouse');
const MARTS = path.join(PROJECT_ROOT, 'models', 'marts');

const filesUnder = (dir: string, ext: string) =>
  (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(ext)).sort();

/** Ratio columns of the marts' KPIs: a KPI's columns other than its numerator and denominator. */
const ratioColumns = (): Map<string, string[]> => {
  const byColumn = new Map<string, string[]>();
  for (const file of filesUnder(MARTS, '.sql')) {
    const header = parseModelHeader(fs.readFileSync(path.join(MARTS, file), 'utf8'), file);
    for (const kpi of header.kpis) {
      if (!kpi.numerator || !kpi.denominator) continue;
      for (const column of kpi.columns) {
        if (column === kpi.numerator || column === kpi.denominator) continue;
        byColumn.set(column, [...(byColumn.get(column) ?? []), `marts.${path.basename(file, '.sql')}`]);
      }
    }
  }
  return byColumn;
};

/** SQL with its comments and string literals blanked (same length, so positions still hold). */
const code = (sql: string) =>
  sql.replace(/--[^\n]*/g, (m) => ' '.repeat(m.length)).replace(/'(?:[^']|'')*'/g, (m) => `'${' '.repeat(m.length - 2)}'`);

const QUERY = /^```sql (\w+)[^\n]*\n([\s\S]*?)^```/gm;

interface PageQuery { page: string; name: string; line: number; sql: string }

const pageQueries = (): PageQuery[] =>
  filesUnder(PAGES, '.md').flatMap((page) => {
    const text = fs.readFileSync(path.join(PAGES, page), 'utf8');
    return [...text.matchAll(QUERY)].map((m) => ({ page, name: m[1]!, line: text.slice(0, m.index).split('\n').length + 1, sql: m[2]! }));
  });

/**
 * The select-list items `<expression> as <alias>` of a query whose expression divides: the
 * expression runs back from `as` to the comma or `select` that opens the item at its depth.
 */
export const dividedAliases = (sql: string): { alias: string; expression: string; offset: number }[] => {
  const blank = code(sql);
  const found: { alias: string; expression: string; offset: number }[] = [];
  for (const m of blank.matchAll(/\bas\s+([a-z_][a-z0-9_]*)\b/gi)) {
    let i = m.index! - 1;
    let depth = 0;
    for (; i >= 0; i--) {
      const ch = blank[i]!;
      if (ch === ')') depth++;
      else if (ch === '(') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (ch === ',' || /\bselect\s$/i.test(blank.slice(Math.max(0, i - 7), i + 1)))) break;
    }
    const expression = blank.slice(i + 1, m.index);
    if (expression.includes('/')) found.push({ alias: m[1]!.toLowerCase(), expression: expression.trim().replace(/\s+/g, ' '), offset: m.index! });
  }
  return found;
};

/** The warehouse source queries a page query reads, through the page's other queries it names. */
const sourcesRead = (query: PageQuery, all: PageQuery[], seen = new Set<string>()): Set<string> => {
  const read = new Set<string>();
  for (const m of code(query.sql).matchAll(/\bwarehouse\.(\w+)/g)) read.add(m[1]!);
  for (const m of query.sql.matchAll(/\$\{(\w+)\}/g)) {
    const other = all.find((q) => q.page === query.page && q.name === m[1]);
    if (!other || seen.has(other.name)) continue;
    seen.add(other.name);
    for (const s of sourcesRead(other, all, seen)) read.add(s);
  }
  return read;
};

/** KPIs some pages still divide in their SQL (page: alias), to be moved into mart columns. */
const STILL_DIVIDED_IN_PAGES = [
  'acquisition.md: cac', // CAC by seller pooled over the years chosen; no other page shows it
  'acquisition.md: revenue_per_euro',
  'acquisition.md: roi',
  'activity.md: advancing_rate',
  'activity.md: advancing_rate',
  'activity.md: advancing_rate',
  'activity.md: coverage_rate',
  'activity.md: emails_per_call',
  'activity.md: hours_per_new_customer',
  'activity.md: meetings_per_new_customer',
  'activity.md: no_show_rate',
  'activity.md: no_show_rate',
  'activity.md: no_show_rate',
  'activity.md: no_show_rate',
  'activity.md: non_selling_share',
  'activity.md: non_selling_share',
  'activity.md: non_selling_share',
  'activity.md: rebooked_rate',
  'activity.md: rebooked_rate',
  'activity.md: selling_share',
  'activity.md: under_covered_rate',
  'customers.md: churn_rate',
  'customers.md: cross_sell_rate',
  'customers.md: cross_sell_rate',
  'customers.md: referral_rate',
  'customers.md: referral_rate',
  'customers.md: revenue_churn_rate',
  'customers.md: second_sale_rate',
  'customers.md: second_sale_rate',
  'customers.md: upsell_rate',
  'customers.md: upsell_rate',
  'data-quality.md: reject_rate',
  // The deals page re-adds its sellers' rows: a team's site sees only its sellers', so its coverage
  // and win rate are its own rows' sums (marts.next_quarter_coverage and marts.win_loss_reasons).
  'deals.md: commit_coverage',
  'deals.md: coverage',
  'deals.md: win_rate',
  'funnel.md: avg_cycle_days',
  'funnel.md: avg_cycle_days',
  'funnel.md: avg_cycle_days',
  'funnel.md: conversations_per_won_deal',
  'funnel.md: lead_to_customer_rate',
  'funnel.md: lead_to_customer_rate',
  'funnel.md: never_closed_rate',
  'funnel.md: never_engaged_rate',
  'funnel.md: never_engaged_rate',
  'funnel.md: win_rate',
  'funnel.md: win_rate',
  'funnel.md: win_rate',
  'funnel.md: win_rate',
  'funnel.md: within_24h_rate',
  'funnel.md: within_24h_rate',
  'index.md: margin_rate',
  'revenue.md: margin_rate',
  'revenue.md: margin_rate',
  'revenue.md: margin_rate',
  'revenue.md: margin_rate',
  'revenue.md: margin_rate',
  'revenue.md: revenue_share',
  'revenue.md: revenue_share',
  'revenue.md: share_gap',
  'segments/[segment].md: avg_cycle_days',
  'segments/[segment].md: margin_rate',
  'segments/[segment].md: meetings_per_new_customer',
  'segments/[segment].md: no_show_rate',
  'segments/[segment].md: referral_rate',
  'segments/[segment].md: second_sale_rate',
  'segments/[segment].md: win_rate',
  'segments/index.md: revenue_share',
  'sellers/[seller].md: advancing_rate',
  'sellers/[seller].md: avg_cycle_days',
  'sellers/[seller].md: lead_to_customer_rate',
  'sellers/[seller].md: never_engaged_rate',
  'sellers/[seller].md: no_show_rate',
  'sellers/[seller].md: non_selling_share',
  'sellers/[seller].md: second_sale_rate',
  'sellers/[seller].md: win_rate',
];

/** The acquisition-cost KPIs this issue gave one definition: no page divides them, whatever the list says. */
const ONE_DEFINITION = ['cac', 'cac_to_margin_ratio', 'payback_months', 'avg_first_year_margin', 'blended_cac', 'cac_eats_margin'];

describe('pages: a KPI is read from its mart column, not divided again', () => {
  const ratios = ratioColumns();
  const queries = pageQueries();
  const divided = queries.flatMap((q) =>
    dividedAliases(q.sql).filter((d) => ratios.has(d.alias)).map((d) => ({ ...d, page: q.page, query: q.name, line: q.line + q.sql.slice(0, d.offset).split('\n').length - 1 })));

  it('finds the forms a page divides a KPI in, and not a column read as it is', () => {
    const found = (sql: string) => dividedAliases(sql).map((d) => d.alias);
    expect(found('select segment, sum(acquisition_cost) / nullif(sum(new_customers), 0) as cac, max(x) as y from t')).toEqual(['cac']);
    expect(found('select a.no_shows / nullif(a.planned_meetings, 0) as no_show_rate,\n  12 * sum(c) / sum(m) as payback_months from t')).toEqual(['no_show_rate', 'payback_months']);
    expect(found("select cac, cac_to_margin_ratio, cast(x as double) as x, 'a/b' as label, '/sellers/' || id as link -- a / b as c\nfrom t")).toEqual([]);
    // The scan reads every mart header: the KPIs it guards are there.
    for (const column of ONE_DEFINITION) expect(ratios.has(column), column).toBe(true);
  });

  it('no page divides an acquisition-cost KPI: CAC and CAC / first-year margin come from marts.cac_mature_cohorts or marts.cac_vs_value', () => {
    const cacDivided = divided.filter((d) => ONE_DEFINITION.includes(d.alias) && !(d.page === 'acquisition.md' && d.query === 'cac_seller'));
    expect(cacDivided.map((d) => `site/pages/${d.page}:${d.line} ${d.alias} = ${d.expression}`)).toEqual([]);
  });

  it('the KPIs still divided in pages are the known ones, and no new one', () => {
    expect(divided.map((d) => `${d.page}: ${d.alias}`).sort()).toEqual([...STILL_DIVIDED_IN_PAGES].sort());
  });

  it('a KPI shown as a headline figure on several pages is read from a mart column on each (CAC: from the same mart)', () => {
    // <BigValue data={query} value=column …>: the figure `column` of `query` of that page, divided in
    // the page when that query, or a page query it reads, divides it under that name.
    const dividedIn = (query: PageQuery, column: string, seen = new Set<string>()): boolean =>
      dividedAliases(query.sql).some((d) => d.alias === column) ||
      [...query.sql.matchAll(/\$\{(\w+)\}/g)].some(([, name]) => {
        const other = queries.find((q) => q.page === query.page && q.name === name);
        if (!other || seen.has(name!)) return false;
        seen.add(name!);
        return dividedIn(other, column, seen);
      });
    const shown = new Map<string, { page: string; sources: string[]; divided: boolean }[]>();
    for (const page of filesUnder(PAGES, '.md')) {
      const text = fs.readFileSync(path.join(PAGES, page), 'utf8');
      for (const m of text.matchAll(/<BigValue\s+data=\{(\w+)[^}]*\}\s+value=(\w+)/g)) {
        const [, name, column] = m;
        if (!ratios.has(column!)) continue;
        const query = queries.find((q) => q.page === page && q.name === name);
        expect(query, `site/pages/${page}: a BigValue reads query ${name}`).toBeDefined();
        shown.set(column!, [...(shown.get(column!) ?? []), { page, sources: [...sourcesRead(query!, queries)].sort(), divided: dividedIn(query!, column!) }]);
      }
    }
    const onSeveralPages = [...shown].filter(([, uses]) => new Set(uses.map((u) => u.page)).size > 1);
    // The CAC figures are among them (the scan is not passing over an empty set).
    expect(onSeveralPages.map(([column]) => column)).toEqual(expect.arrayContaining(['cac', 'cac_to_margin_ratio']));
    const dividedHeadlines = onSeveralPages.flatMap(([column, uses]) => uses.filter((u) => u.divided).map((u) => `${u.page}: ${column}`)).sort();
    // Still divided in the page, for the filters the reader chose (years, segment, team): to move next.
    expect(dividedHeadlines).toEqual(['revenue.md: margin_rate']);
    for (const column of ['cac', 'cac_to_margin_ratio']) {
      for (const use of shown.get(column)!) expect(use.sources, `${use.page}: ${column}`).toEqual(['cac_mature_cohorts']);
    }
  });

  it('the alerts read the same mart as the pages for the CAC / first-year margin alert', () => {
    const alerts = fs.readFileSync(path.join(MARTS, 'alerts', 'alerts.sql'), 'utf8');
    const block = alerts.slice(alerts.indexOf("SELECT 'cac_eats_margin'"));
    expect(block.slice(0, block.indexOf('UNION ALL'))).toMatch(/FROM marts\.cac_mature_cohorts v\b/);
    const source = fs.readFileSync(path.join(SOURCES, 'cac_mature_cohorts.sql'), 'utf8');
    expect(code(source)).toMatch(/from marts\.cac_mature_cohorts\b/);
  });
});
