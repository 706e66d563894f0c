/**
 * No page splices a value into its SQL: every page parameter and input value reaches a query through
 * `sql()` of site/components/sql.js, in one of its two forms (see sql.js for why the input form starts with
 * `inputs.<name>,`). The scan reads every fenced block of every page under site/pages/ (Evidence runs
 * any fence that is not a known language as a query) and fails on any other mention of `params` or
 * `inputs`; then the helper itself: what DuckDB reads back from its literals, and an input not set
 * yet still holding its query back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { openDatabase, type Database } from '../pipelines/db/duckdb.js';

const REPORTS = path.join(PROJECT_ROOT, 'site', 'pages');

/** The only interpolations allowed to read a parameter or an input. */
const ALLOWED = [
  /\$\{\s*sql\(\s*params\.(\w+)\s*\)\s*\}/g,
  /\$\{\s*inputs\.(\w+)\s*,\s*sql\(\s*inputs\.\1(?:\.value)?\s*\)\s*\}/g,
];
const MENTION = /\b(?:params|inputs)\b/;
const FENCE = /^```[^\n]*\n([\s\S]*?)^```/gm;

/**
 * The lines of a page where a parameter or an input is mentioned in a query other than through an
 * allowed form (`'${params.seller}'`, `'${inputs.team.value}'`, `${inputs.grain}`, `${params['x']}`,
 * `${sql(inputs.team.value)}` that Evidence would not re-run as an input query, …).
 */
export const splicedValues = (page: string): { line: number; text: string }[] => {
  const found: { line: number; text: string }[] = [];
  for (const fence of page.matchAll(FENCE)) {
    const body = fence[1]!;
    const firstLine = page.slice(0, fence.index).split('\n').length + 1;
    const cleared = ALLOWED.reduce((text, form) => text.replace(form, (m) => ' '.repeat(m.length)), body);
    cleared.split('\n').forEach((text, i) => {
      if (MENTION.test(text)) found.push({ line: firstLine + i, text: body.split('\n')[i]!.trim() });
    });
  }
  return found;
};

const pages = () =>
  (fs.readdirSync(REPORTS, { recursive: true }) as string[]).filter((f) => f.endsWith('.md')).sort();

describe('pages: no value spliced into SQL', () => {
  it('finds the forms the pages used before (each one a splice)', () => {
    const before = [
      "where seller_id = '${params.seller}'",
      "and c.team = '${inputs.team.value}'",
      "where period_type = '${inputs.grain}' and team = 'Toutes les équipes'",
      "and (('${inputs.year.value}' = 'Dernière année complète' and is_last_complete_year) or label = '${inputs.year.value}')",
      'where team = ${inputs.team.value}',
      "where seller_id = ${params['seller']}",
      // Quoted by the helper, but not an input query for Evidence: prerendered empty.
      'where team = ${sql(inputs.team.value)}',
      // The comma form must quote the very input it names.
      'where team = ${inputs.team, sql(inputs.segment.value)}',
      'where team = ${inputs.team, inputs.team.value}',
    ];
    for (const line of before) expect(splicedValues('```sql q\n' + line + '\n```\n'), line).toHaveLength(1);
    expect(splicedValues('```sql q\nselect 1\nwhere a = ${sql(params.seller)}\n  and b = ${inputs.team, sql(inputs.team.value)} and c = ${inputs.grain, sql(inputs.grain)}\n```\n')).toEqual([]);
  });

  it('every parameter and input of every page goes through sql() of sql.js, imported', () => {
    const spliced: string[] = [];
    let uses = 0;
    for (const file of pages()) {
      const text = fs.readFileSync(path.join(REPORTS, file), 'utf8');
      for (const { line, text: t } of splicedValues(text)) spliced.push(`site/pages/${file}:${line}: ${t}`);
      const used = ALLOWED.reduce((n, form) => n + [...text.matchAll(form)].length, 0);
      uses += used;
      if (used > 0) {
        expect(text, `site/pages/${file} imports sql from the project's components`).toContain(`import { sql } from '$lib/sql.js';`);
      }
    }
    expect(spliced).toEqual([]);
    // The pages do read parameters and inputs (the scan is not passing over an empty set).
    expect(uses).toBeGreaterThan(100);
  });
});

// site/components/sql.js is the browser's module (plain JS, no types): loaded as the site loads it.
type Sql = (value: unknown) => unknown;
let sql: Sql;
let usql: { setTrackProxy: (defaults?: Record<string, string>) => Record<string, any>; hasUnsetValues: (s: TemplateStringsArray, ...a: unknown[]) => boolean };
let db: Database;

beforeAll(async () => {
  ({ sql } = (await import(path.join(PROJECT_ROOT, 'site', 'components', 'sql.js') as string)) as { sql: Sql });
  usql = (await import('@evidence-dev/sdk/usql' as string)) as typeof usql;
  db = await openDatabase(':memory:');
});
afterAll(() => db?.close());

describe('sql(): a SQL literal for any value', () => {
  const names = [
    "Anne D'Arcy",
    "Provence-Alpes-Côte d'Azur",
    "''",
    "x' OR '1'='1",
    "'; COPY (SELECT 1) TO '/tmp/pwned.csv'; --",
    'Dupont "le grand" & fils',
    'C:\\ventes\\nord\\',
    "back\\'slash",
    '東京',
    'Ελλάδα',
    'مبيعات',
    '🚀 Équipe 🇫🇷',
    'ligne\nsuivante',
    '',
  ];

  it('DuckDB reads each name back as the same text, one value, one row', async () => {
    for (const name of names) {
      const rows = await db.query<{ v: string; t: string }>(`SELECT ${sql(name) as string} AS v, typeof(${sql(name) as string}) AS t`);
      expect(rows, name).toEqual([{ v: name, t: 'VARCHAR' }]);
    }
  });

  it('compares equal to the column value it names', async () => {
    await db.exec(`CREATE TABLE teams AS SELECT * FROM (VALUES ('Provence-Alpes-Côte d''Azur', 3), ('Nord', 5)) t(team, n)`);
    const rows = await db.query<{ n: number }>(`SELECT n FROM teams WHERE team = ${sql("Provence-Alpes-Côte d'Azur") as string}`);
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('doubles the quotes and nothing else', () => {
    expect(sql("Anne D'Arcy")).toBe("'Anne D''Arcy'");
    expect(sql('a"b\\c')).toBe(`'a"b\\c'`);
    expect(sql('🚀')).toBe("'🚀'");
  });

  it('writes numbers, booleans and missing values as SQL', () => {
    expect(sql(2026)).toBe('2026');
    expect(sql(-1.5)).toBe('-1.5');
    expect(sql(Number.NaN)).toBe('NULL');
    expect(sql(true)).toBe('TRUE');
    expect(sql(null)).toBe('NULL');
    expect(sql(undefined)).toBe('NULL');
  });

  it('passes an input not set yet through untouched: Evidence still holds the query back', () => {
    // The inputs object as Evidence's layout creates it (template/src/pages/+layout.js).
    const inputs = usql.setTrackProxy({ label: '', value: '(SELECT NULL WHERE 0 /* An Input has not been set */)' });
    const unset = inputs.team.value;
    expect(sql(unset)).toBe(unset);
    expect(usql.hasUnsetValues`where team = ${(inputs.team, sql(inputs.team.value))}`).toBe(true);
    expect(usql.hasUnsetValues`where grain = ${(inputs.grain, sql(inputs.grain))}`).toBe(true);
    // Once the dropdown has set it (as Dropdown.svelte does), the value is quoted and the query runs.
    inputs.team = { label: "Provence-Alpes-Côte d'Azur", value: "Provence-Alpes-Côte d'Azur", rawValues: [] };
    inputs.grain = 'month';
    expect(usql.hasUnsetValues`where team = ${(inputs.team, sql(inputs.team.value))}`).toBe(false);
    expect(`where team = ${(inputs.team, sql(inputs.team.value)) as string}`).toBe("where team = 'Provence-Alpes-Côte d''Azur'");
    expect(`${(inputs.grain, sql(inputs.grain)) as string}`).toBe("'month'");
  });
});
