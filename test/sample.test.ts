/**
 * The sample generator: deterministic, shaped by the contract, valid against it, and showing the
 * headline patterns the KPI models are built to reveal.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { EXTRACTS, type Extract } from '../pipelines/contract/index.js';
import { SAMPLE_EXTRACTS, sampleColumnsOf } from '../pipelines/sample/generate.js';
import type { ColumnSpec } from '../pipelines/contract/derive.js';
import { generateSample, SAMPLE_END } from '../pipelines/sample/generate.js';

const TINY = 0.05;
let root: string;
let tinyA: string;
let tinyB: string;
let full: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;
const file = (dir: string, extract: Extract) => path.join(dir, `${extract.name}.csv`);

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const reader = await db.runAndReadAll(query);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}
async function scalar(query: string): Promise<number> {
  const [row] = await rows(query);
  return Number(Object.values(row ?? {})[0]);
}

/** Loads every extract of `dir` into schema `schema`, typed as the contract says. */
async function load(dir: string, schema: string) {
  await db.run(`CREATE SCHEMA ${schema}`);
  for (const extract of SAMPLE_EXTRACTS) {
    const columns = sampleColumnsOf(extract).map((c) => `${sql(c.name)}: ${sql(c.duckdbType)}`).join(', ');
    await db.run(`CREATE TABLE ${schema}.${extract.name} AS SELECT * FROM read_csv(${sql(file(dir, extract))},
      header = true, auto_detect = false, delim = ',', quote = '"', columns = {${columns}})`);
  }
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sample-test-'));
  [tinyA, tinyB, full] = ['tiny-a', 'tiny-b', 'full'].map((d) => path.join(root, d)) as [string, string, string];
  await generateSample({ outDir: tinyA, scale: TINY, seed: 7 });
  await generateSample({ outDir: tinyB, scale: TINY, seed: 7, threads: 1 });
  await generateSample({ outDir: full, scale: 1 });
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await load(full, 's1');
}, 120_000);

afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('sample generator', () => {
  it('writes byte-identical files for the same seed and scale (whatever the thread count)', async () => {
    for (const extract of SAMPLE_EXTRACTS) {
      const [a, b] = await Promise.all([readFile(file(tinyA, extract)), readFile(file(tinyB, extract))]);
      const digest = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');
      expect(digest(a), extract.name).toBe(digest(b));
      expect(a.toString().split('\n').length, `${extract.name} has rows`).toBeGreaterThan(2);
    }
  });

  it('writes exactly the contract columns, in order, for every extract', async () => {
    for (const extract of SAMPLE_EXTRACTS) {
      const header = (await readFile(file(tinyA, extract), 'utf8')).split('\n', 1)[0];
      expect(header?.split(','), extract.name).toEqual(sampleColumnsOf(extract).map((c) => c.name));
    }
  });

  it('writes rows that parse with each extract\'s zod schema', async () => {
    const toJs = (c: ColumnSpec, v: unknown) => {
      if (v === null || v === undefined) return null;
      const s = String(v);
      switch (c.duckdbType) {
        case 'TIMESTAMP': return s.replace(' ', 'T');
        case 'BOOLEAN': return s === 'true' ? true : s === 'false' ? false : s;
        case 'BIGINT': case 'DOUBLE': case 'DECIMAL(18,2)': return Number(s);
        default: return s;
      }
    };
    for (const extract of SAMPLE_EXTRACTS) {
      const specs = sampleColumnsOf(extract);
      const raw = await rows(`SELECT * FROM read_csv(${sql(file(tinyA, extract))}, header = true, all_varchar = true)`);
      for (const row of raw) {
        const value = Object.fromEntries(specs.map((c) => [c.name, toJs(c, row[c.name])]));
        const parsed = extract.schema.safeParse(value);
        if (!parsed.success) throw new Error(`${extract.name}: ${JSON.stringify(value)}\n${parsed.error.message}`);
      }
    }
  });

  it('satisfies the contract at scale 1: required, enums, bounds, keys, references, dates, row rules', async () => {
    const problems: string[] = [];
    const check = async (label: string, query: string) => {
      const n = await scalar(query);
      if (n !== 0) problems.push(`${label}: ${n}`);
    };
    for (const extract of SAMPLE_EXTRACTS) {
      const t = `s1.${extract.name}`;
      expect(await scalar(`SELECT count(*) FROM ${t}`), `${extract.name} rows`).toBeGreaterThan(0);
      for (const c of sampleColumnsOf(extract)) {
        const label = `${extract.name}.${c.name}`;
        if (c.required) await check(`${label} empty`, `SELECT count(*) FROM ${t} WHERE ${c.name} IS NULL`);
        if (c.enumValues) {
          await check(`${label} enum`, `SELECT count(*) FROM ${t} WHERE ${c.name} NOT IN (${c.enumValues.map(sql).join(', ')})`);
        }
        if (c.minimum !== undefined) await check(`${label} min`, `SELECT count(*) FROM ${t} WHERE ${c.name} < ${c.minimum}`);
        if (c.maximum !== undefined) await check(`${label} max`, `SELECT count(*) FROM ${t} WHERE ${c.name} > ${c.maximum}`);
        // An open deal's expected close is the one date the contract expects after the export day.
        if (c.duckdbType === 'DATE' && c.name !== 'expected_close_at') await check(`${label} future`, `SELECT count(*) FROM ${t} WHERE ${c.name} > DATE '${SAMPLE_END}'`);
        if (c.duckdbType === 'TIMESTAMP') {
          await check(`${label} future`, `SELECT count(*) FROM ${t} WHERE ${c.name} >= TIMESTAMP '${SAMPLE_END} 00:00:00'`);
        }
        if (c.references) {
          const target = EXTRACTS.find((e) => e.name === c.references?.extract);
          const column = c.references.column || target?.key[0];
          expect(target, `${label} references a known extract`).toBeDefined();
          await check(`${label} dangling reference`, `SELECT count(*) FROM ${t} WHERE ${c.name} IS NOT NULL
            AND ${c.name} NOT IN (SELECT ${column} FROM s1.${target?.name})`);
        }
      }
      const key = extract.key.join(', ');
      await check(`${extract.name} duplicate key`, `SELECT count(*) FROM (SELECT ${key} FROM ${t} GROUP BY ALL HAVING count(*) > 1)`);
      for (const rule of extract.rules ?? []) {
        await check(`${extract.name} rule ${rule.reason}`, `SELECT count(*) FROM ${t} WHERE (${rule.check}) = false`);
      }
      for (const rule of 'crossRules' in extract ? extract.crossRules ?? [] : []) {
        await check(`${extract.name} cross rule ${rule.reason}`,
          `SELECT count(*) FROM ${t} t JOIN s1.${rule.other} other ON ${rule.on} WHERE (${rule.check}) = false`);
      }
    }
    await check('net_amount formula', `SELECT count(*) FROM s1.invoice_lines
      WHERE net_amount <> round(quantity * unit_price * (1 - discount_rate), 2)`);
    await check('lead touched before created', `SELECT count(*) FROM s1.leads WHERE first_touch_at < created_at`);
    await check('first touch is the first activity', `SELECT count(*) FROM s1.leads l
      WHERE first_touch_at IS DISTINCT FROM (SELECT min(scheduled_at) FROM s1.activities a WHERE a.lead_id = l.lead_id)`);
    await check('rebooked activity is not a later activity', `SELECT count(*) FROM s1.activities a JOIN s1.activities r
      ON r.activity_id = a.rebooked_activity_id WHERE a.status <> 'no_show' OR r.scheduled_at <= a.scheduled_at`);
    await check('activity outside the seller\'s employment', `SELECT count(*) FROM s1.activities a JOIN s1.sellers s USING (seller_id)
      WHERE a.scheduled_at < s.start_date OR a.scheduled_at >= s.leave_date + 1`);
    await check('e-mail not at example.fr', `SELECT count(*) FROM s1.contacts WHERE email NOT LIKE '%@example.fr'`);
    await check('phone not French', `SELECT count(*) FROM s1.contacts WHERE phone NOT LIKE '+33 %'`);
    expect(problems).toEqual([]);
  });

  it('shows the headline patterns at scale 1', async () => {
    await db.run(`CREATE TEMP TABLE revenue AS
      SELECT l.net_amount, l.quantity, l.unit_cost, i.invoice_date, i.account_id, coalesce(o.owner_seller_id, a.owner_seller_id) AS seller_id
      FROM s1.invoice_lines l JOIN s1.invoices i USING (invoice_id) LEFT JOIN s1.opportunities o USING (opportunity_id)
      JOIN s1.accounts a ON a.account_id = i.account_id`);
    // 1. two star sellers carry 30–40 % of invoiced revenue
    const starShare = await scalar(`SELECT 100 * sum(r) / (SELECT sum(net_amount) FROM revenue)
      FROM (SELECT sum(net_amount) AS r FROM revenue GROUP BY seller_id ORDER BY r DESC LIMIT 2)`);
    expect(starShare).toBeGreaterThanOrEqual(30);
    expect(starShare).toBeLessThanOrEqual(40);
    // 4. ~20 % of meetings with prospects or customers are no-shows, about half rebooked
    const [noShow] = await rows(`SELECT 100 * count(*) FILTER (WHERE status = 'no_show') / count(*) AS rate,
        100 * count(rebooked_activity_id) / count(*) FILTER (WHERE status = 'no_show') AS rebooked
      FROM s1.activities WHERE type IN ('meeting', 'video', 'demo') AND counterpart <> 'internal'
        AND status IN ('held', 'no_show', 'cancelled')`);
    expect(Number(noShow?.rate)).toBeGreaterThanOrEqual(15);
    expect(Number(noShow?.rate)).toBeLessThanOrEqual(25);
    expect(Number(noShow?.rebooked)).toBeGreaterThanOrEqual(40);
    expect(Number(noShow?.rebooked)).toBeLessThanOrEqual(60);
    // 6. win rate on proposals
    const winRate = await scalar(`SELECT 100 * count(*) FILTER (WHERE stage = 'won') / count(*) FILTER (WHERE stage IN ('won', 'lost'))
      FROM s1.opportunities WHERE opportunity_id IN (SELECT opportunity_id FROM s1.opportunity_stage_history WHERE stage = 'proposal')`);
    expect(winRate).toBeGreaterThanOrEqual(24);
    expect(winRate).toBeLessThanOrEqual(32);
    // 5. leads never engaged in a two-way exchange
    const neverEngaged = await scalar(`SELECT 100 * count(*) FILTER (WHERE lead_id NOT IN (
        SELECT lead_id FROM s1.activities WHERE lead_id IS NOT NULL AND (direction = 'inbound'
          OR (status = 'held' AND type IN ('call', 'meeting', 'video', 'demo') AND coalesce(outcome, '') NOT IN ('voicemail', 'no_answer')))))
      / count(*) FROM s1.leads`);
    expect(neverEngaged).toBeGreaterThanOrEqual(20);
    expect(neverEngaged).toBeLessThanOrEqual(30);
    // 2. CAC (segment spend + prospect time) against first-year gross margin of the customers acquired
    const cac = await rows(`WITH acq AS (
        SELECT o.account_id, a.segment, min(o.closed_at) AS first_win FROM s1.opportunities o JOIN s1.accounts a USING (account_id)
        WHERE o.stage = 'won' AND o.account_id NOT IN (SELECT account_id FROM s1.subscriptions WHERE start_date < DATE '2023-10-01')
        GROUP BY ALL),
      fym AS (SELECT q.segment, sum(r.net_amount - r.quantity * r.unit_cost) AS m FROM acq q JOIN revenue r
        ON r.account_id = q.account_id AND r.invoice_date >= q.first_win AND r.invoice_date < q.first_win + 365 GROUP BY 1),
      spend AS (SELECT segment, sum(amount) AS s FROM s1.marketing_spend GROUP BY 1),
      tc AS (SELECT a.segment, sum(x.duration_minutes / 60 * s.hourly_cost) AS t FROM s1.activities x JOIN s1.accounts a USING (account_id)
        JOIN s1.sellers s USING (seller_id) WHERE x.counterpart = 'prospect' GROUP BY 1)
      SELECT segment, 100 * (s + t) / m AS ratio FROM fym JOIN spend USING (segment) JOIN tc USING (segment)`);
    const ratio = Object.fromEntries(cac.map((r) => [String(r.segment), Number(r.ratio)]));
    expect(ratio.Or).toBeGreaterThanOrEqual(80);
    expect(ratio.Or).toBeLessThanOrEqual(90);
    expect(ratio.Argent).toBeLessThan(50);
    expect(ratio.Bronze).toBeLessThan(50);
  });
});
