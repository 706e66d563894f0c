/**
 * `npm run init`: what it finds in a folder and what it writes beside it. Expected figures are
 * worked out from the files themselves (read independently here, or counted by hand in comments),
 * never from the code under test.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../pipelines/sample/generate.js';
import { runInit, type InitResult } from '../pipelines/init/cli.js';
import { kpiSettingsSchema } from '../pipelines/models/kpi-settings.js';
import { openDatabase, literal } from '../pipelines/db/duckdb.js';
import { applyMapping } from '../pipelines/mapping/apply.js';
import { checkDateOrders } from '../pipelines/load/date-order.js';
import { readExtract, locateExtract } from '../pipelines/load/read.js';
import { readExtractsConfig, dialectFor } from '../pipelines/load/extracts-config.js';
import { extractByName } from '../pipelines/contract/index.js';
import { columnsOf } from '../pipelines/contract/derive.js';
import { tempDir } from './helpers/load.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/exports');

const init = async (dir: string, options: { force?: boolean; mapping?: string } = {}) => {
  const lines: string[] = [];
  const result = await runInit({ extracts: dir, write: (l) => lines.push(l), ...options });
  return { ...result, output: lines.join('\n') };
};

const settingsOf = (dir: string) => {
  const text = fs.readFileSync(path.join(dir, 'kpi-settings.yaml'), 'utf8');
  const parsed = kpiSettingsSchema.safeParse(YAML.parse(text));
  return { text, parsed };
};

describe('the bundled sample company', () => {
  let dir: string;
  let run: InitResult & { output: string };
  beforeAll(async () => {
    dir = tempDir('bi-init-sample-');
    await generateSample({ outDir: dir, scale: 0.1, threads: 1 });
    // The sample's own settings, if the generator writes them, are what init must find out by itself.
    fs.rmSync(path.join(dir, 'kpi-settings.yaml'), { force: true });
    run = await init(dir);
  }, 120_000);

  it('has objectives flat per October fiscal year, not per calendar year (the premise, read independently)', async () => {
    const db = await openDatabase(':memory:');
    try {
      const [counts] = await db.query<{ fiscal: number; calendar: number; years: number }>(`
        WITH o AS (SELECT seller_id, CAST(period_start AS DATE) AS ps, (revenue_target, new_customers_target, meetings_target) AS t
                   FROM read_csv(${literal(path.join(dir, 'objectives.csv'))}))
        SELECT (SELECT count(*) FROM (SELECT seller_id FROM o GROUP BY seller_id, year(ps + INTERVAL 3 MONTH) HAVING count(DISTINCT t) > 1)) AS fiscal,
               (SELECT count(*) FROM (SELECT seller_id FROM o GROUP BY seller_id, year(ps) HAVING count(DISTINCT t) > 1)) AS calendar,
               (SELECT count(DISTINCT year(ps + INTERVAL 3 MONTH)) FROM o) AS years`);
      expect(counts!.fiscal).toBe(0);
      expect(counts!.calendar).toBeGreaterThan(0);
      expect(counts!.years).toBe(3);
    } finally {
      db.close();
    }
  });

  it('proposes an October fiscal year from the objectives, EUR, and writes a file the build accepts', async () => {
    expect(run.findings.layout).toBe('contract');
    expect(run.findings.fiscalYear).toMatchObject({ month: 10, strength: 'strong' });
    expect(run.output).toMatch(/Fiscal year: starts in October \(fiscalYearFirstMonth 10\), strong evidence/);
    expect(run.findings.reporting).toBe('EUR');
    expect(run.findings.questions).toEqual([]);
    const { text, parsed } = settingsOf(dir);
    expect(parsed.success).toBe(true);
    expect(parsed.data!.calendar.fiscalYearFirstMonth).toBe(10);
    expect(text).toMatch(/# Reporting currency: EUR/);
    expect(text).toMatch(/From the data: the fiscal year starts in October/);
    // The choices no data answers are neutral and marked.
    expect(parsed.data!.coveragePlan).toEqual({});
    expect(parsed.data!.segmentMixTarget).toEqual({});
    expect(parsed.data!.cac.sellerCostMultiplier).toBe(1);
    expect(text.match(/# TO DECIDE:/g)).toHaveLength(4);
    expect(run.buildCommand).toBe(`npm run build -- --extracts ${dir}`);
  });

  it('counts the marketing spend no segment carries, for the CAC choice', async () => {
    const db = await openDatabase(':memory:');
    try {
      const [spend] = await db.query<{ rows: number; unsegmented: number }>(`SELECT count(*) AS rows, count(*) FILTER (WHERE segment IS NULL) AS unsegmented
        FROM read_csv(${literal(path.join(dir, 'marketing_spend.csv'))}, all_varchar = true)`);
      expect(spend!.unsegmented).toBeGreaterThan(0);
      expect(run.findings.spend).toEqual(spend);
      // Comments are wrapped: read them as one text.
      expect(settingsOf(dir).text.replace(/\n\s*# /g, ' ')).toContain(`In this data, ${spend!.unsegmented} of ${spend!.rows} spend rows carry no segment.`);
    } finally {
      db.close();
    }
    expect(run.output).toContain(run.buildCommand);
  });
});

describe('the public Maven CRM sample, dropped in without settings', () => {
  let dir: string;
  let run: InitResult & { output: string };
  beforeAll(async () => {
    dir = tempDir('bi-init-maven-');
    // The fixture ships without settings, as the public sample comes.
    fs.cpSync(path.join(FIXTURES, 'maven-crm'), dir, { recursive: true });
    expect(fs.existsSync(path.join(dir, 'kpi-settings.yaml'))).toBe(false);
    run = await init(dir);
  }, 60_000);

  it('recognises the maven-crm layout and its four files', () => {
    expect(run.findings.layout).toBe('vendor');
    expect(run.findings.mappings).toEqual(['maven-crm']);
    expect(run.findings.recognised.map((r) => r.file).sort()).toEqual(['accounts.csv', 'products.csv', 'sales_pipeline.csv', 'sales_teams.csv']);
    expect(run.findings.unrecognised).toEqual([]);
    expect(run.buildCommand).toBe(`npm run build -- --extracts ${dir} --mapping maven-crm`);
  });

  it('has no objectives: calendar year, said as "no evidence" and left to decide', () => {
    expect(run.findings.fiscalYear.month).toBeUndefined();
    expect(run.output).toMatch(/Fiscal year: no evidence: calendar year assumed/);
    const { text, parsed } = settingsOf(dir);
    expect(parsed.success).toBe(true);
    expect(parsed.data!.calendar.fiscalYearFirstMonth).toBe(1);
    expect(text).toMatch(/# TO DECIDE: no evidence: calendar year assumed/);
  });

  it('gives the first and last dates of the files', () => {
    // Read here with a plain split (the file has no quotes): the only dates are engage_date and close_date.
    const [header, ...rows] = fs.readFileSync(path.join(dir, 'sales_pipeline.csv'), 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
    const dates = rows.flatMap((r) => [r[header!.indexOf('engage_date')], r[header!.indexOf('close_date')]]).filter((d): d is string => !!d).sort();
    expect(run.findings.first?.date).toBe(dates[0]);
    expect(run.findings.last?.date).toBe(dates.at(-1));
    expect(run.output).toContain(`First date ${dates[0]}`);
  });
});

const SELLERS_HEADER = 'seller_id,seller_name,team,manager_id,role,hourly_cost,start_date,leave_date';

describe('slash dates', () => {
  it('writes dateOrder: dmy for a French Salesforce export whose days over 12 prove it, and the mapping then reads it', async () => {
    const dir = tempDir('bi-init-sf-fr-');
    fs.cpSync(path.join(FIXTURES, 'salesforce-fr'), dir, { recursive: true });
    const run = await init(dir);
    expect(run.findings.mappings).toEqual(['salesforce']);
    // Days over 12, counted in the files: users' last logins 28/06, 29/06; closes 15/02, 20/03, 31/07;
    // opportunity created 15/01: 6; no value has a second number over 12.
    expect(run.findings.overrides).toEqual([expect.objectContaining({ path: ['dateOrder'], value: 'dmy' })]);
    expect(run.findings.overrides[0]!.because).toMatch(/^slash dates proven day-first: 6 value\(s\) only day-first reads .*, 0 only the other order reads; salesforce reads month-first/);
    expect(YAML.parse(fs.readFileSync(path.join(dir, 'mapping-overrides.yaml'), 'utf8'))).toEqual({ dateOrder: 'dmy' });
    expect(run.output).toMatch(/report1716812345603\.csv, Close Date: day-first, proven \(4 slash date\(s\): 3 with a day over 12/);
    // The mapping reads this export's proven dates by itself; the line pins the order for the
    // next exports, whose dates may all read both ways. With it, the mapping maps.
    const mapped = await applyMapping({ inputDir: dir, mapping: 'salesforce', outDir: path.join(tempDir('bi-init-sf-out-'), 'mapped') });
    expect(mapped.extracts.find((e) => e.extract === 'opportunities')?.rowsWritten).toBe(4);
  }, 60_000);

  it('writes month-first formats to extracts.yaml where the loader would read day-first, and the loader then accepts them', async () => {
    const dir = tempDir('bi-init-mdy-');
    // 01/15, 11/20 and 06/30 read only month-first; 03/04 reads both ways.
    fs.writeFileSync(path.join(dir, 'sellers.csv'), [SELLERS_HEADER,
      'S1,Ann,North,,manager,80,01/15/2023,', 'S2,Bob,North,S1,account_executive,50,03/04/2023,', 'S3,Cat,North,S1,account_executive,50,11/20/2023,06/30/2024'].join('\n'));
    const loaderCheck = async () => {
      const db = await openDatabase(':memory:');
      try {
        const config = readExtractsConfig(dir);
        const extract = extractByName('sellers')!;
        const read = await readExtract(db, locateExtract(dir, extract, config)!, extract, config, tempDir('bi-init-scratch-'));
        const dialect = dialectFor(config, 'sellers');
        return await checkDateOrders(db, {
          extract: 'sellers', file: read.files[0]!.file, relation: read.files[0]!.relation(false),
          columns: columnsOf(extract).filter((c) => c.duckdbType === 'DATE'),
          dateFormats: dialect.dateFormats, timestampFormats: dialect.timestampFormats,
          explicit: config.explicitDateFormats === 'all' || config.explicitDateFormats.has('sellers'),
        });
      } finally {
        db.close();
      }
    };
    // The company's own extracts.yaml keeps its keys and comments; the previous version is kept aside.
    const own = '# our settings\nheldOut: { maxShare: 0.01 }\n';
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), own);
    await expect(loaderCheck()).rejects.toThrow(/contradict the order used/);
    const run = await init(dir);
    expect(fs.readFileSync(path.join(dir, 'extracts.yaml.bak'), 'utf8')).toBe(own);
    expect(fs.readFileSync(path.join(dir, 'extracts.yaml'), 'utf8')).toMatch(/^# our settings\n/);
    expect(readExtractsConfig(dir).heldOut.maxShare).toBe(0.01);
    expect(run.findings.extractsYaml).toEqual([expect.objectContaining({ path: ['files', 'sellers'], value: expect.objectContaining({ dateFormats: ['%m/%d/%Y'] }) })]);
    expect(run.findings.extractsYaml[0]!.because).toMatch(/proven month-first: 3 value\(s\) only month-first reads .*, 0 only the other order reads; the defaults read day-first/);
    expect(run.findings.questions).toEqual([]);
    expect(await loaderCheck()).toEqual(['start_date: month/day', 'leave_date: month/day']);
    // Run again: the order is now the loader's, nothing more to write or ask.
    const again = await init(dir, { force: true });
    expect(again.findings.extractsYaml).toEqual([]);
    expect(again.findings.questions).toEqual([]);
  }, 60_000);

  it('asks, and writes nothing, when every slash date reads both ways', async () => {
    const dir = tempDir('bi-init-ambiguous-');
    fs.writeFileSync(path.join(dir, 'sellers.csv'), [SELLERS_HEADER,
      'S1,Ann,North,,manager,80,01/02/2023,', 'S2,Bob,North,S1,account_executive,50,03/04/2023,', 'S3,Cat,North,S1,account_executive,50,05/06/2023,'].join('\n'));
    const run = await init(dir);
    expect(run.findings.dates.find((d) => d.column === 'start_date')?.verdict).toMatch(/^ambiguous \(3 slash date\(s\): 0 with a day over 12, 0 with a month-position number over 12, 3 readable both ways\)/);
    expect(run.findings.questions).toHaveLength(1);
    expect(run.output).toMatch(/Questions the data cannot answer[^]*sellers\.csv: every slash date reads both ways[^]*files: \{ sellers: \{ dateFormats: \["%d\/%m\/%Y"\][^]*for day-first, or files: \{ sellers: \{ dateFormats: \["%m\/%d\/%Y"\]/);
    expect(fs.existsSync(path.join(dir, 'extracts.yaml'))).toBe(false);
    expect(run.findings.first).toBeUndefined(); // no order, so no day can be named
  }, 60_000);
});

describe('the fiscal year from objectives', () => {
  const iso = (y: number, m: number, d = 1) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const lastDay = (y: number, m: number) => iso(y, m, new Date(Date.UTC(y, m, 0)).getUTCDate());
  /** Periods of `months` months from January 2023, each seller's revenue target given by `target`. */
  const objectives = (months: number, count: number, target: (seller: number, start: Date) => number) => {
    const dir = tempDir('bi-init-objectives-');
    const rows = ['seller_id,period_start,period_end,revenue_target,new_customers_target,meetings_target'];
    for (const seller of [1, 2, 3]) {
      for (let i = 0; i < count; i++) {
        const start = new Date(Date.UTC(2023, i * months, 1));
        const end = new Date(Date.UTC(2023, (i + 1) * months, 0));
        rows.push(`S${seller},${iso(start.getUTCFullYear(), start.getUTCMonth() + 1)},${lastDay(end.getUTCFullYear(), end.getUTCMonth() + 1)},${target(seller, start)},2,8`);
      }
    }
    fs.writeFileSync(path.join(dir, 'objectives.csv'), rows.join('\n'));
    return dir;
  };

  it('reads a fiscal year from objectives set per year', async () => {
    // Yearly periods, from April: Apr 2023–Mar 2024 and Apr 2024–Mar 2025 for three sellers (6 starting in April).
    const dir = tempDir('bi-init-yearly-');
    fs.writeFileSync(path.join(dir, 'objectives.csv'), ['seller_id,period_start,period_end,revenue_target,new_customers_target,meetings_target',
      ...[1, 2, 3].flatMap((s) => [`S${s},2023-04-01,2024-03-31,100000,,`, `S${s},2024-04-01,2025-03-31,120000,,`])].join('\n'));
    const run = await init(dir);
    expect(run.findings.fiscalYear).toEqual({ month: 4, strength: 'strong', because: '6 of 6 yearly objectives start in April' });
    expect(settingsOf(dir).parsed.data!.calendar.fiscalYearFirstMonth).toBe(4);
  }, 60_000);

  it('proposes a month to check when most, not all, target changes fall in it', async () => {
    // 24 monthly periods from January 2023; targets change in April (2023 and 2024: 3 sellers x 2 = 6 changes),
    // and seller 1 changes once more in July 2023: 6 of 7 changes in April.
    const dir = objectives(1, 24, (seller, start) => {
      const fy = start.getUTCMonth() >= 3 ? start.getUTCFullYear() : start.getUTCFullYear() - 1;
      return 1000 * fy + seller + (seller === 1 && start >= new Date(Date.UTC(2023, 6, 1)) && fy === 2023 ? 500 : 0);
    });
    const run = await init(dir);
    expect(run.findings.fiscalYear).toMatchObject({ month: 4, strength: 'moderate' });
    expect(run.findings.fiscalYear.because).toMatch(/change from one period to the next 6 time\(s\) in April \(3 seller\(s\), of 6 successive periods starting that month\) and 1 time\(s\) in other months \(of 63 successive periods\)/);
    expect(settingsOf(dir).text).toMatch(/# From the data, to check: the fiscal year likely starts in April \(moderate evidence/);
  }, 60_000);

  it('assumes the calendar year, to decide, when targets change every quarter', async () => {
    // 8 quarters from January 2023, a new target each quarter: changes spread over four months.
    const dir = objectives(3, 8, (seller, start) => 1000 * start.getUTCMonth() + start.getUTCFullYear() + seller);
    const run = await init(dir);
    expect(run.findings.fiscalYear.month).toBeUndefined();
    expect(run.findings.fiscalYear.strength).toBe('weak');
    const { text, parsed } = settingsOf(dir);
    expect(parsed.data!.calendar.fiscalYearFirstMonth).toBe(1);
    expect(text).toMatch(/# TO DECIDE: weak evidence only: calendar year assumed \(quarterly objectives/);
  }, 60_000);
});

describe('files no mapping recognises', () => {
  it('lists them with the closest built-in mapping and the mapping:init command', async () => {
    const dir = tempDir('bi-init-unrecognised-');
    fs.cpSync(path.join(FIXTURES, 'hubspot'), dir, { recursive: true });
    // A deals export whose "Deal Stage" column was renamed: hubspot's deals source requires it.
    const deals = path.join(dir, 'hubspot-crm-exports-all-deals-2024-06-30.csv');
    fs.writeFileSync(deals, fs.readFileSync(deals, 'utf8').replace(/^Record ID,Deal Name,Pipeline,Deal Stage,/, 'Record ID,Deal Name,Pipeline,Stage of deal,'));
    const run = await init(dir);
    expect(run.findings.mappings).toEqual(['hubspot']);
    expect(run.findings.unrecognised).toEqual([{ file: 'hubspot-crm-exports-all-deals-2024-06-30.csv',
      closest: { mapping: 'hubspot', source: 'sources.deals', lacks: ['Deal Stage'], holds: '3 of 4' } }]);
    expect(run.output).toContain('hubspot-crm-exports-all-deals-2024-06-30.csv: closest: hubspot, sources.deals (it holds 3 of 4 of the columns needed; lacks "Deal Stage")');
    expect(run.output).toContain(`To read them, draft a mapping: npm run mapping:init -- --extracts ${dir}`);
  }, 60_000);
});

describe('currencies', () => {
  const spend = (rows: string[]) => {
    const dir = tempDir('bi-init-currency-');
    fs.writeFileSync(path.join(dir, 'marketing_spend.csv'), ['spend_date,campaign_id,segment,amount,currency', ...rows].join('\n'));
    return dir;
  };

  it('asks for the reporting currency when the money is in several, and writes none', async () => {
    const dir = spend(['2024-01-10,C1,Or,100,EUR', '2024-01-11,C1,Or,200,USD', '2024-01-12,C1,,300,USD']);
    const run = await init(dir);
    expect(run.output).toMatch(/  USD: 2 row\(s\) \(marketing_spend\)\n  EUR: 1 row\(s\) \(marketing_spend\)/);
    expect(run.findings.questions).toEqual([expect.stringMatching(/^Reporting currency: the money columns state USD \(2 row\(s\)\), EUR \(1 row\(s\)\);.*give rates for USD/)]);
    expect(fs.existsSync(path.join(dir, 'extracts.yaml'))).toBe(false);
    const { text, parsed } = settingsOf(dir);
    expect(parsed.success).toBe(true);
    expect(text).toMatch(/# TO DECIDE: the reporting currency\. The money columns state USD, EUR/);
  }, 60_000);

  it('writes the one currency every amount states when no rate says otherwise', async () => {
    const dir = spend(['2024-01-10,C1,Or,100,USD', '2024-01-11,C1,Or,200,usd']);
    const run = await init(dir);
    expect(run.findings.provenCurrency).toBe('USD');
    expect(readExtractsConfig(dir).currency.reporting).toBe('USD');
    expect(settingsOf(dir).text).toMatch(/# Reporting currency: USD \(every amount states it; written in extracts\.yaml\)/);
  }, 60_000);
});

describe('an existing kpi-settings.yaml', () => {
  it('is kept without --force, replaced with --force and a .bak', async () => {
    const dir = tempDir('bi-init-existing-');
    fs.cpSync(path.join(FIXTURES, 'maven-crm'), dir, { recursive: true });
    // The company's own file, calendar years said explicitly.
    const own = '# Our settings\ncalendar:\n  fiscalYearFirstMonth: 1\n';
    fs.writeFileSync(path.join(dir, 'kpi-settings.yaml'), own);
    const kept = await init(dir);
    expect(fs.readFileSync(path.join(dir, 'kpi-settings.yaml'), 'utf8')).toBe(own);
    expect(kept.output).toMatch(/Not written: .*kpi-settings\.yaml already exists: left as it is \(--force replaces it, keeping a \.bak\)/);
    const forced = await init(dir, { force: true });
    expect(forced.written[0]).toMatchObject({ written: true, backup: path.join(dir, 'kpi-settings.yaml.bak') });
    expect(fs.readFileSync(path.join(dir, 'kpi-settings.yaml.bak'), 'utf8')).toBe(own);
    expect(settingsOf(dir).text).toMatch(/^# KPI settings of the company/);
  }, 60_000);
});
