/**
 * The pseudonymised copy of the marts a site is built from, on hand-made sellers: ids and names
 * replaced, every team × role label held by at least k sellers, generalised only as far as
 * needed, managers not paired with the team they lead, and too few sellers refused.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from '../pipelines/config.js';
import { literal, openDatabase } from '../pipelines/db/duckdb.js';
import { OTHER_ROLES, OTHER_TEAMS, writePseudonymisedMarts } from '../pipelines/audiences/pseudonymise.js';
import { tempDir } from './helpers/load.js';

type Seller = [id: string, name: string, team: string, role: string, manager: string | null];

/** A database with `staging.stg_sellers` and three marts shaped like the real ones. */
const warehouse = async (sellers: Seller[]) => {
  const file = path.join(tempDir('bi-pseudo-'), 'w.duckdb');
  const db = await openDatabase(file);
  const values = sellers.map((s) => `(${s.map((v) => (v === null ? 'NULL' : literal(v))).join(', ')})`).join(', ');
  await db.exec(`CREATE SCHEMA staging; CREATE SCHEMA marts;
    CREATE TABLE staging.stg_sellers (seller_id VARCHAR, seller_name VARCHAR, team VARCHAR, role VARCHAR, manager_id VARCHAR);
    INSERT INTO staging.stg_sellers VALUES ${values};
    CREATE TABLE marts.seller_revenue AS SELECT seller_id, seller_name, team, role, manager_id, 100.0 AS revenue FROM staging.stg_sellers;
    CREATE TABLE marts.seller_concentration AS
      SELECT team, arg_max(seller_id, seller_id) AS top_seller_id, count(*) AS sellers FROM staging.stg_sellers GROUP BY team
      UNION ALL SELECT 'Toutes les équipes', max(seller_id), count(*) FROM staging.stg_sellers;
    CREATE TABLE marts.team_flash AS SELECT team, count(*) AS sellers FROM staging.stg_sellers GROUP BY team;
    CREATE TABLE marts.seller_labels AS SELECT seller_id, seller_name AS seller_label FROM staging.stg_sellers;`);
  db.close();
  return file;
};

const read = async <T extends Record<string, unknown>>(file: string, sql: string) => {
  const db = await openDatabase(file, { readOnly: true });
  try {
    return await db.query<T>(sql);
  } finally {
    db.close();
  }
};

/** Two teams like the sample's: one manager and one SDR each, account executives. */
const twoTeams = (aesNord: number, aesSud: number): Seller[] => [
  ['M1', 'Marie Nord', 'Nord & Est', 'manager', null],
  ['D1', 'Denis Nord', 'Nord & Est', 'sdr', 'M1'],
  ...Array.from({ length: aesNord }, (_, i): Seller => [`AN${i}`, `Anne Nord ${i}`, 'Nord & Est', 'account_executive', 'M1']),
  ['M2', 'Marc Sud', 'Sud', 'manager', null],
  ['D2', 'Dora Sud', 'Sud', 'sdr', 'M2'],
  ...Array.from({ length: aesSud }, (_, i): Seller => [`AS${i}`, `Alain Sud ${i}`, 'Sud', 'account_executive', 'M2']),
];

describe('writePseudonymisedMarts', () => {
  it('replaces ids and names, keeps groups of k, pools the lone managers and SDRs, and never pairs a manager with their team', async () => {
    const from = await warehouse([...twoTeams(4, 3), ['M3', 'Mia Ouest', 'Ouest', 'manager', null], ['AO1', 'Al Ouest', 'Ouest', 'account_executive', 'M3']]);
    const to = path.join(path.dirname(from), 'site.duckdb');
    const result = await writePseudonymisedMarts(from, to, 3);
    expect(result.sellers).toBe(13);
    const rows = await read<{ seller_id: string; seller_name: string; team: string; role: string; manager_id: string | null }>(to, 'SELECT * FROM marts.seller_revenue ORDER BY seller_id');
    expect(rows.every((r) => /^vendeur-\d{2}$/.test(r.seller_id) && r.seller_name === `Vendeur ${r.seller_id.slice(-2)}`)).toBe(true);
    expect(new Set(rows.map((r) => r.seller_id)).size).toBe(13);
    // Every team × role a seller row shows is shared by 3 or more sellers.
    const groups = new Map<string, number>();
    for (const r of rows) groups.set(`${r.team}|${r.role}`, (groups.get(`${r.team}|${r.role}`) ?? 0) + 1);
    expect(Object.fromEntries(groups)).toEqual({
      'Nord & Est|account_executive': 4,
      'Sud|account_executive': 3,
      [`${OTHER_TEAMS}|manager`]: 3, // the three managers, across teams
      [`${OTHER_TEAMS}|${OTHER_ROLES}`]: 3, // two SDRs and the lone account executive of Ouest
    });
    expect(result.level).toBe('team and role where possible');
    // A manager named beside a team would say which team they lead: never.
    expect(rows.filter((r) => r.manager_id !== null)).toEqual([]);
    const concentration = await read<{ team: string; top_seller_id: string | null }>(to, 'SELECT team, top_seller_id FROM marts.seller_concentration ORDER BY team');
    const label = new Map(rows.map((r) => [r.seller_id, r.team]));
    for (const c of concentration) {
      if (c.top_seller_id !== null && c.team !== 'Toutes les équipes') expect(label.get(c.top_seller_id), c.team).toBe(c.team);
    }
    // Ouest has 2 sellers: its team figures are published under the generic label.
    expect((await read<{ team: string }>(to, 'SELECT team FROM marts.team_flash ORDER BY team')).map((r) => r.team)).toEqual(['Autres équipes', 'Nord & Est', 'Sud']);
    const labels = await read<{ seller_id: string; seller_label: string }>(to, 'SELECT seller_id, seller_label FROM marts.seller_labels');
    expect(labels).toHaveLength(13);
    for (const l of labels) expect(l.seller_label).toBe(`Vendeur ${l.seller_id.slice(-2)}`);
    const everything = await read<{ v: string }>(to, `SELECT string_agg(CAST(t AS VARCHAR), '\n') AS v FROM (
      SELECT CAST(r AS VARCHAR) AS t FROM marts.seller_revenue r UNION ALL SELECT CAST(c AS VARCHAR) FROM marts.seller_concentration c
      UNION ALL SELECT CAST(l AS VARCHAR) FROM marts.seller_labels l)`);
    for (const needle of ['M1', 'AN0', 'AS2', 'AO1', 'Marie Nord', 'Alain Sud 1', 'Mia Ouest']) expect(everything[0]!.v).not.toMatch(new RegExp(`\\b${needle}\\b`));
  });

  it('an alert\'s owner, sellers concerned and evidence link: the own seller by pseudonym and key, a manager left unnamed beside the team they lead', async () => {
    const from = await warehouse(twoTeams(4, 3));
    // As marts.alerts writes them (issue 27): Anne Nord 0's administrative-time alert, owned by her
    // manager Marie Nord (M1); her stalled deals, owned by herself; a company alert owned by M1 as
    // head of sales, naming two top sellers.
    const db = await openDatabase(from);
    await db.exec(`CREATE TABLE marts.alerts AS SELECT * FROM (VALUES
        ('non_selling_time', 'AN0', 'Nord & Est', 'AN0', 'M1', 'Marie Nord', 'Manager du commercial', 'Anne Nord 0', '/sellers/AN0#conversion-et-activité'),
        ('stalled_deals', 'AN0', 'Nord & Est', 'AN0', 'AN0', 'Anne Nord 0', 'Commercial concerné', 'Anne Nord 0', '/funnel#pipeline-ouvert'),
        ('concentration_risk', NULL, NULL, 'Entreprise', 'M1', 'Marie Nord', 'Direction commerciale', 'Anne Nord 1, Alain Sud 0', '/team#concentration-du-chiffre-daffaires')
      ) v(rule, seller_id, team, subject, owner_seller_id, owner_seller_name, owner_title, sellers_concerned, evidence_url);`);
    db.close();
    const to = path.join(path.dirname(from), 'site.duckdb');
    await writePseudonymisedMarts(from, to, 3);
    const rows = await read<Record<string, string | null>>(to, 'SELECT rule, seller_id, owner_seller_id, owner_seller_name, sellers_concerned, evidence_url FROM marts.alerts ORDER BY rule');
    const key = rows.find((r) => r.rule === 'stalled_deals')!.seller_id!;
    expect(key).toMatch(/^vendeur-\d\d$/);
    const pseudonym = `Vendeur ${key.slice(-2)}`;
    // By hand: the two managers, alone in their team × role, are pooled ("Autres équipes"), so M1 is
    // not named beside Anne's team (nor beside the company row, whose team is unknown); Anne is named
    // by her pseudonym in her own rows, her page linked by her key; the company row naming two other
    // sellers is blanked.
    expect(rows).toEqual([
      { rule: 'concentration_risk', seller_id: null, owner_seller_id: null, owner_seller_name: null, sellers_concerned: null, evidence_url: '/team#concentration-du-chiffre-daffaires' },
      { rule: 'non_selling_time', seller_id: key, owner_seller_id: null, owner_seller_name: null, sellers_concerned: pseudonym, evidence_url: `/sellers/${key}#conversion-et-activité` },
      { rule: 'stalled_deals', seller_id: key, owner_seller_id: key, owner_seller_name: pseudonym, sellers_concerned: pseudonym, evidence_url: '/funnel#pipeline-ouvert' },
    ]);
  });

  it('replaces the own seller in a seller row\'s text, and blanks any text naming another seller, in any table', async () => {
    const from = await warehouse(twoTeams(4, 3));
    // Alerts as marts.alerts writes them (subject: the seller's id, or the team; message naming
    // them), one of them also naming the seller's manager, and a team-level table with no seller
    // column whose comment names a team's best seller.
    const db = await openDatabase(from);
    await db.exec(`CREATE TABLE marts.alerts AS SELECT * FROM (VALUES
        ('AN0', 'Nord & Est', 'AN0', 'Anne Nord 0 : 43,3 % de ses heures en tâches administratives.'),
        ('AS1', 'Sud', 'AS1', 'Alain Sud 1 : sous l''équipe sur la gamme Or (à voir avec Marc Sud).'),
        (NULL, 'Nord & Est', 'Nord & Est', 'Les 2 meilleurs commerciaux portent 36,5 % du CA.'),
        (NULL, 'Sud', 'Sud', 'Le meilleur commercial (AS0) porte 41 % du CA.')
      ) v(seller_id, team, subject, message);
      CREATE TABLE marts.team_notes AS SELECT * FROM (VALUES
        ('Nord & Est', 'Dépend de Anne Nord 2.'), ('Sud', 'Aucune dépendance.')) v(team, note);`);
    db.close();
    const to = path.join(path.dirname(from), 'site.duckdb');
    await writePseudonymisedMarts(from, to, 3);
    const alerts = await read<{ seller_id: string | null; subject: string; message: string | null }>(to, 'SELECT seller_id, subject, message FROM marts.alerts ORDER BY subject');
    // By hand: the Nord account executive's own alert keeps its text with the pseudonym and key in
    // place of name and id; the Sud one names its manager too, so its message is blanked (its
    // subject, naming only its own seller, is kept as the key); the team alert naming no seller is
    // kept; the one naming AS0 (a seller, not the row's) is blanked.
    const own = alerts.find((a) => a.seller_id !== null && a.message !== null)!;
    expect(own.subject).toBe(own.seller_id);
    expect(own.message).toBe(`Vendeur ${own.seller_id!.slice(-2)} : 43,3 % de ses heures en tâches administratives.`);
    const withManager = alerts.find((a) => a.seller_id !== null && a !== own)!;
    expect(withManager.subject).toBe(withManager.seller_id);
    expect(withManager.message).toBeNull();
    expect(alerts.filter((a) => a.seller_id === null)).toEqual([
      { seller_id: null, subject: 'Nord & Est', message: 'Les 2 meilleurs commerciaux portent 36,5 % du CA.' },
      { seller_id: null, subject: 'Sud', message: null },
    ]);
    expect(await read(to, 'SELECT team, note FROM marts.team_notes ORDER BY team')).toEqual([
      { team: 'Nord & Est', note: null },
      { team: 'Sud', note: 'Aucune dépendance.' },
    ]);
  });

  it('generalises further when the first grouping leaves a group under k, and refuses fewer sellers than k', async () => {
    // One manager + one SDR + 3 AEs in one team: the manager and SDR pool to 2 < 3 under any
    // label but the team's; the only safe labelling is no team or role, or the pooled residue.
    const from = await warehouse([
      ['M1', 'Marie', 'Nord', 'manager', null], ['D1', 'Denis', 'Nord', 'sdr', 'M1'],
      ['A1', 'Anne', 'Nord', 'account_executive', 'M1'], ['A2', 'Alex', 'Nord', 'account_executive', 'M1'], ['A3', 'Ali', 'Nord', 'account_executive', 'M1'],
    ]);
    const to = path.join(path.dirname(from), 'site.duckdb');
    const result = await writePseudonymisedMarts(from, to, 3);
    expect(result.groups.every((g) => g.sellers >= 3)).toBe(true);
    expect(result.level).toBe('no team or role');
    expect(result.groups).toEqual([{ team: OTHER_TEAMS, role: OTHER_ROLES, sellers: 5 }]);
    // With k = 2 the manager and SDR pool together and the account executives keep team and role.
    const k2 = await writePseudonymisedMarts(from, to, 2);
    expect(k2.groups).toEqual([{ team: OTHER_TEAMS, role: OTHER_ROLES, sellers: 2 }, { team: 'Nord', role: 'account_executive', sellers: 3 }]);
    await expect(writePseudonymisedMarts(from, to, 6)).rejects.toThrow(/Cannot pseudonymise 5 seller\(s\): fewer than the minimum group size 6/);
  });
});

describe('BI_PSEUDONYM_MIN_GROUP', () => {
  it('is a whole number of 2 or more, unset by default', () => {
    expect(settingsFromEnv({}).pseudonymMinGroup).toBeUndefined();
    expect(settingsFromEnv({ BI_PSEUDONYM_MIN_GROUP: '5' }).pseudonymMinGroup).toBe(5);
    expect(() => settingsFromEnv({ BI_PSEUDONYM_MIN_GROUP: '1' })).toThrow(/BI_PSEUDONYM_MIN_GROUP \(--pseudonym-min-group\) must be a whole number of sellers, 2 or more: a group of one names its seller/);
    expect(() => settingsFromEnv({ BI_PSEUDONYM_MIN_GROUP: 'three' })).toThrow(/BI_PSEUDONYM_MIN_GROUP/);
    expect(() => settingsFromEnv({ BI_PSEUDONYM_MIN_GROUP: '2.5' })).toThrow(/whole number/);
  });
});
