/**
 * One site per audience, without building a site: the publish configuration's schema and its
 * errors (file and line), the expansion of `each`, the page globs, and the rows each filter keeps
 * on a hand-made warehouse of three sellers in two teams, and on the deal marts built from the deals
 * fixture (test/helpers/deals-company.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { AudienceConfigError, distinctSlugs, expandAudiences, findPublishConfig, matchesGlob, readPublishConfig, slug } from '../pipelines/audiences/audiences-config.js';
import { writeAudienceMarts } from '../pipelines/audiences/audience-data.js';
import { tempDir } from './helpers/load.js';
import { buildModelsOn } from './helpers/models.js';
import { dealsCompany, opp } from './helpers/deals-company.js';
import { literal } from '../pipelines/db/duckdb.js';

const configFile = (text: string) => {
  const file = path.join(tempDir('bi-publish-'), 'publish.yaml');
  fs.writeFileSync(file, text);
  return file;
};

describe('publish configuration', () => {
  it('reads the shipped example for the sample company', () => {
    const config = readPublishConfig(path.resolve('pipelines/publish/publish.sample.yaml'));
    expect(config.entries.map((e) => e.name)).toEqual(['direction', 'finance', 'managers-{team}', 'seller-{seller}', 'direction-pseudo']);
  });

  it('names the file and the line of each mistake, and what to write', () => {
    const file = configFile(['audiences:', '  - name: direction', '    pages: ["/"]', '  - name: Finance', '    pages: ["revenue"]', '    pseudonymise: "yes"', ''].join('\n'));
    let message = '';
    try {
      readPublishConfig(file);
    } catch (error) {
      expect(error).toBeInstanceOf(AudienceConfigError);
      message = (error as Error).message;
    }
    // Line 4: the name in capitals; line 5: a page glob without "/"; line 6: "yes" is no boolean.
    expect(message).toContain(`${file}:4: audiences.1.name: lower-case letters`);
    expect(message).toContain(`${file}:5: audiences.1.pages.0: a route glob starting with "/"`);
    expect(message).toContain(`${file}:6: audiences.1.pseudonymise: pseudonymise is true or false`);
  });

  it('refuses a filter with each, two filters, pseudonyms on a filtered audience, and bad YAML', () => {
    const problem = (text: string) => {
      try {
        readPublishConfig(configFile(text));
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(problem('audiences:\n  - name: m-{team}\n    each: team\n    filter: { team: A }\n    pages: ["/"]\n')).toMatch(/:4: audiences\.0\.filter: each: team already filters/);
    expect(problem('audiences:\n  - name: m\n    filter: { team: A, seller: S1 }\n    pages: ["/"]\n')).toMatch(/:3: .*exactly one of team or seller/);
    expect(problem('audiences:\n  - name: m\n    filter: { team: A }\n    pseudonymise: true\n    pages: ["/"]\n')).toMatch(/:4: .*pseudonymise applies to audiences without filter/);
    expect(problem('audiences:\n  - name: m\n    pages: ["/"\n')).toMatch(/publish\.yaml:\d+: not valid YAML/);
    expect(problem('audiences:\n  - name: seller\n    each: seller\n    pages: ["/"]\n')).toMatch(/must hold \{seller\}/);
  });

  it('is found beside the extracts, or given explicitly; absent, none', () => {
    const dir = tempDir('bi-publish-find-');
    expect(findPublishConfig(undefined, dir)).toBeUndefined();
    expect(findPublishConfig(undefined, undefined)).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'publish.yaml'), 'audiences: []\n');
    expect(findPublishConfig(undefined, dir)).toBe(path.join(dir, 'publish.yaml'));
    expect(findPublishConfig('other.yaml', dir)).toBe(path.resolve('other.yaml'));
  });

  it('expands each team and each seller, with {seller} in the pages, and checks filters against the data', () => {
    const sellers = [{ seller_id: 'S1', team: 'Île-de-France' }, { seller_id: 'S2', team: 'Nord & Est' }];
    const config = readPublishConfig(configFile([
      'audiences:',
      '  - { name: "managers-{team}", each: team, pages: ["/team"] }',
      '  - { name: "seller-{seller}", each: seller, pages: ["/sellers/{seller}"] }',
      '  - { name: one, filter: { seller: S2 }, pages: ["/sellers/{seller}"] }',
    ].join('\n')));
    expect(expandAudiences(config, sellers)).toEqual([
      { name: 'managers-ile-de-france', pages: ['/team'], filter: { team: 'Île-de-France' }, pseudonymise: false },
      { name: 'managers-nord-est', pages: ['/team'], filter: { team: 'Nord & Est' }, pseudonymise: false },
      { name: 'seller-s1', pages: ['/sellers/S1'], filter: { seller: 'S1' }, pseudonymise: false },
      { name: 'seller-s2', pages: ['/sellers/S2'], filter: { seller: 'S2' }, pseudonymise: false },
      { name: 'one', pages: ['/sellers/S2'], filter: { seller: 'S2' }, pseudonymise: false },
    ]);
    const unknown = readPublishConfig(configFile('audiences:\n  - { name: lyon, filter: { team: Lyon }, pages: ["/"] }\n'));
    expect(() => expandAudiences(unknown, sellers)).toThrow(/filter team "Lyon" is not a team of the data \(teams: Île-de-France, Nord & Est\)/);
    const twice = readPublishConfig(configFile('audiences:\n  - { name: a, pages: ["/"] }\n  - { name: a, pages: ["/team"] }\n'));
    // A pseudonymised site's seller pages are named by pseudonym: a page naming a seller id is refused, a glob taking them all is not.
    const named = readPublishConfig(configFile('audiences:\n  - { name: board, pages: ["/team", "/sellers/S2"], pseudonymise: true }\n'));
    expect(() => expandAudiences(named, sellers)).toThrow(/audiences\[0\] \(board\): pages \/sellers\/S2 name\(s\) a seller by id, but a pseudonymised site shows no seller id.*e\.g\. "\/sellers\/\*"/);
    const all = readPublishConfig(configFile('audiences:\n  - { name: board, pages: ["/team", "/sellers/*", "/sellers"], pseudonymise: true }\n'));
    expect(expandAudiences(all, sellers)).toEqual([{ name: 'board', pages: ['/team', '/sellers/*', '/sellers'], pseudonymise: true }]);
    expect(() => expandAudiences(twice, sellers)).toThrow(/two audiences are named "a"/);
    expect(slug('Nord & Est')).toBe('nord-est');
  });

  it('names audiences from any script: transliterated where it can, a short hash otherwise, never twice the same', () => {
    expect(slug('Provence-Alpes-Côte d\'Azur')).toBe('provence-alpes-cote-d-azur');
    expect(slug('Œuvre Straße Łódź')).toBe('oeuvre-strasse-lodz');
    // No Latin letter left: a stable hash of the name, distinct for 東京 and 大阪 (sha1, 6 hex digits).
    expect(slug('東京')).toMatch(/^h-[0-9a-f]{6}$/);
    expect(slug('東京')).toBe(slug('東京'));
    expect(slug('東京')).not.toBe(slug('大阪'));
    // Two names sharing a slug each get their own hash: collisions are impossible.
    const slugs = distinctSlugs(['Nord & Est', 'Nord-Est', 'Sud']);
    expect(slugs.get('Sud')).toBe('sud');
    expect(slugs.get('Nord & Est')).toMatch(/^nord-est-[0-9a-f]{6}$/);
    expect(slugs.get('Nord-Est')).toMatch(/^nord-est-[0-9a-f]{6}$/);
    expect(slugs.get('Nord & Est')).not.toBe(slugs.get('Nord-Est'));
    // Teams with no Latin letters get a site each (they were both "managers-").
    const config = readPublishConfig(configFile('audiences:\n  - { name: "managers-{team}", each: team, pages: ["/team"] }\n'));
    const names = expandAudiences(config, [{ seller_id: 'S1', team: '東京' }, { seller_id: 'S2', team: '大阪' }]).map((a) => a.name);
    expect([...names].sort()).toEqual([`managers-${slug('大阪')}`, `managers-${slug('東京')}`].sort());
    expect(new Set(names).size).toBe(2);
  });

  it('matches page globs segment by segment', () => {
    expect(matchesGlob('/', '/')).toBe(true);
    expect(matchesGlob('/', '/revenue/')).toBe(false);
    expect(matchesGlob('/revenue', '/revenue/')).toBe(true);
    expect(matchesGlob('/sellers/*', '/sellers/S003/')).toBe(true);
    expect(matchesGlob('/sellers/*', '/sellers/')).toBe(false);
    expect(matchesGlob('/sellers/*', '/sellers/S003/x/')).toBe(false);
    expect(matchesGlob('/sellers/S003', '/sellers/S0031/')).toBe(false);
    expect(matchesGlob('/segments/**', '/segments/Or/')).toBe(true);
    expect(matchesGlob('/**', '/')).toBe(true);
  });
});

/**
 * Three sellers: Ana (S1) and Ben (S2) in team A, Cléo (S3) in team B. Marts shaped like the real
 * ones: per-seller rows with team, company and team aggregates, a team's top seller, alert texts.
 */
const warehouse = async () => {
  const file = path.join(tempDir('bi-audience-'), 'w.duckdb');
  const db = await openDatabase(file);
  await db.exec(`CREATE SCHEMA staging; CREATE SCHEMA marts;
    CREATE TABLE staging.stg_sellers AS SELECT * FROM (VALUES ('S1', 'Ana Roy', 'A'), ('S2', 'Ben Lenoir', 'A'), ('S3', 'Cléo Vidal', 'B')) v(seller_id, seller_name, team);
    CREATE TABLE marts.seller_revenue AS SELECT * FROM (VALUES
      ('S1', 'Ana Roy', 'A', 100), ('S2', 'Ben Lenoir', 'A', 200), ('S3', 'Cléo Vidal', 'B', 300),
      (NULL, NULL, 'Toutes les équipes', 600), (NULL, NULL, 'A', 300), (NULL, NULL, 'B', 300)) v(seller_id, seller_name, team, revenue);
    CREATE TABLE marts.seller_concentration AS SELECT * FROM (VALUES ('A', 'S2', 0.67), ('B', 'S3', 1.0)) v(team, top_seller_id, top_seller_share);
    CREATE TABLE marts.alerts AS SELECT * FROM (VALUES ('S1', 'Ana Roy est en retard'), (NULL, 'Ben Lenoir porte 67 % de l''équipe A'), (NULL, 'Tout va bien')) v(seller_id, message);
    CREATE TABLE marts.unread AS SELECT 1 AS x;
    CREATE TABLE marts.seller_labels AS SELECT seller_id, seller_name, seller_name AS seller_label FROM staging.stg_sellers;`);
  db.close();
  return file;
};

const rows = async (file: string, sql: string) => {
  const db = await openDatabase(file, { readOnly: true });
  try {
    return await db.query<Record<string, unknown>>(sql);
  } finally {
    db.close();
  }
};

const MARTS = ['marts.seller_revenue', 'marts.seller_concentration', 'marts.alerts'];

describe('filtered marts per audience', () => {
  it('a seller pack: own rows, own team and company aggregates, nobody else named', async () => {
    const from = await warehouse();
    const to = path.join(tempDir('bi-audience-out-'), 'a.duckdb');
    await writeAudienceMarts(from, to, MARTS, { seller: 'S1' });
    // S2 and S3 rows dropped (hidden sellers), team B's aggregate dropped (hidden team): 100, 600, 300 left.
    expect(await rows(to, 'SELECT seller_id, team, revenue FROM marts.seller_revenue ORDER BY revenue')).toEqual([
      { seller_id: 'S1', team: 'A', revenue: 100 }, { seller_id: null, team: 'A', revenue: 300 }, { seller_id: null, team: 'Toutes les équipes', revenue: 600 }]);
    // Team A's top seller is Ben (S2): the aggregate stays, his id goes.
    expect(await rows(to, 'SELECT * FROM marts.seller_concentration')).toEqual([{ team: 'A', top_seller_id: null, top_seller_share: 0.67 }]);
    // The company alert naming Ben keeps its row but not its text.
    expect(await rows(to, 'SELECT seller_id, message FROM marts.alerts ORDER BY message NULLS FIRST')).toEqual([
      { seller_id: null, message: null }, { seller_id: 'S1', message: 'Ana Roy est en retard' }, { seller_id: null, message: 'Tout va bien' }]);
    expect(await rows(to, 'SELECT seller_id FROM marts.seller_labels')).toEqual([{ seller_id: 'S1' }]);
    // Only the marts asked for (and the labels) are copied.
    expect((await rows(to, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1")).map((r) => r.table_name))
      .toEqual(['alerts', 'seller_concentration', 'seller_labels', 'seller_revenue']);
  });

  it('a team: its sellers\' rows, its own and the company\'s aggregates', async () => {
    const from = await warehouse();
    const to = path.join(tempDir('bi-audience-out-'), 'a.duckdb');
    await writeAudienceMarts(from, to, MARTS, { team: 'A' });
    // 100 + 200 (Ana, Ben) + 600 (company) + 300 (team A) = 1200; Cléo and team B gone.
    expect(await rows(to, 'SELECT CAST(sum(revenue) AS INTEGER) AS total, CAST(count(*) AS INTEGER) AS n FROM marts.seller_revenue')).toEqual([{ total: 1200, n: 4 }]);
    expect(await rows(to, 'SELECT * FROM marts.seller_concentration')).toEqual([{ team: 'A', top_seller_id: 'S2', top_seller_share: 0.67 }]);
    expect(await rows(to, 'SELECT count(message)::INTEGER AS texts FROM marts.alerts')).toEqual([{ texts: 3 }]);
    expect(await rows(to, 'SELECT seller_id FROM marts.seller_labels ORDER BY 1')).toEqual([{ seller_id: 'S1' }, { seller_id: 'S2' }]);
  });

  it('no filter: every row; a mart the sources read but the database lacks is named', async () => {
    const from = await warehouse();
    const to = path.join(tempDir('bi-audience-out-'), 'a.duckdb');
    await writeAudienceMarts(from, to, MARTS);
    expect(await rows(to, 'SELECT count(*)::INTEGER AS n FROM marts.seller_revenue')).toEqual([{ n: 6 }]);
    expect(await rows(to, 'SELECT count(message)::INTEGER AS n FROM marts.alerts')).toEqual([{ n: 3 }]);
    await expect(writeAudienceMarts(from, to, ['marts.nowhere'])).rejects.toThrow(/read marts\.nowhere, missing from/);
  });
});

/**
 * The deal marts built from the deals fixture (test/kpi-deals.test.ts) plus a seller of another team:
 * S1 (manager, Paris) owns P5; S2 (Paris) owns P1–P4, P6 and every closed deal; S3 (Lyon) owns P7.
 */
const DEAL_MARTS = ['marts.open_deals', 'marts.open_deals_by_close_quarter', 'marts.pipeline_by_forecast_category',
  'marts.deals_gone_quiet', 'marts.next_quarter_coverage', 'marts.win_loss_reasons'];

const dealsWarehouse = async () => {
  const c = dealsCompany();
  c.sellers!.push({ seller_id: 'S3', seller_name: 'Chloé Garnier', team: 'Lyon', manager_id: 'S1', role: 'account_executive', hourly_cost: 45, start_date: '2022-03-01', leave_date: null });
  c.opportunities!.push(opp('P7', 'A2', 'S3', 3000, '2024-03-20', null, 'qualified', { opportunity_name: 'Boulangeries Réunies — caisses' }));
  const built = await buildModelsOn(c);
  const file = path.join(tempDir('bi-audience-deals-'), 'w.duckdb');
  try {
    await built.db.exec(`ATTACH ${literal(file)} AS out; CREATE SCHEMA out.staging; CREATE SCHEMA out.marts;
      CREATE TABLE out.staging.stg_sellers AS SELECT * FROM staging.stg_sellers;
      ${[...DEAL_MARTS, 'marts.seller_labels'].map((t) => `CREATE TABLE out.${t} AS SELECT * FROM ${t};`).join('\n')}
      DETACH out;`);
  } finally {
    built.db.close();
  }
  return file;
};

const dealIds = (file: string, table: string) =>
  rows(file, `SELECT DISTINCT opportunity_id FROM marts.${table} ORDER BY 1`).then((r) => r.map((x) => x.opportunity_id));
const owners = (file: string, table: string) =>
  rows(file, `SELECT DISTINCT owner_seller_id FROM marts.${table} ORDER BY 1`).then((r) => r.map((x) => x.owner_seller_id));

describe('deal marts per audience', () => {
  let from: string;
  it('builds the deal marts of three sellers in two teams', async () => {
    from = await dealsWarehouse();
    expect(await dealIds(from, 'open_deals')).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']);
  }, 120_000);

  it('a seller pack holds only its seller\'s deals, in every deal mart', async () => {
    const to = path.join(tempDir('bi-audience-out-'), 'a.duckdb');
    await writeAudienceMarts(from, to, DEAL_MARTS, { seller: 'S2' });
    expect(await dealIds(to, 'open_deals')).toEqual(['P1', 'P2', 'P3', 'P4', 'P6']);
    expect(await dealIds(to, 'deals_gone_quiet')).toEqual(['P2', 'P6']);
    for (const mart of ['open_deals_by_close_quarter', 'pipeline_by_forecast_category', 'win_loss_reasons']) {
      expect(await owners(to, mart), mart).toEqual(['S2']);
    }
    // S1's coverage row (P5 next quarter) is S1's own: absent from S2's pack.
    expect(await rows(to, 'SELECT count(*)::INTEGER AS n FROM marts.next_quarter_coverage')).toEqual([{ n: 0 }]);
    // The figures left are S2's: 10 000 + 20 000 + 5 000 + 30 000 + 2 000.
    expect(await rows(to, 'SELECT sum(amount)::INTEGER AS amount FROM marts.open_deals_by_close_quarter')).toEqual([{ amount: 67000 }]);
    expect(await rows(to, 'SELECT seller_id FROM marts.seller_labels')).toEqual([{ seller_id: 'S2' }]);
  });

  it('a team\'s site holds its sellers\' deals only', async () => {
    const lyon = path.join(tempDir('bi-audience-out-'), 'lyon.duckdb');
    await writeAudienceMarts(from, lyon, DEAL_MARTS, { team: 'Lyon' });
    expect(await dealIds(lyon, 'open_deals')).toEqual(['P7']);
    expect(await owners(lyon, 'pipeline_by_forecast_category')).toEqual(['S3']);
    const paris = path.join(tempDir('bi-audience-out-'), 'paris.duckdb');
    await writeAudienceMarts(from, paris, DEAL_MARTS, { team: 'Paris' });
    expect(await dealIds(paris, 'open_deals')).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
    expect(await owners(paris, 'next_quarter_coverage')).toEqual(['S1']);
  });
});
