/**
 * How a prerender answers the pages' queries (patches/@evidence-dev+universal-sql+3.0.1.patch), in
 * DuckDB-WASM as the site build runs it (EVIDENCE_IS_BUILDING):
 * - texts equal but for Evidence's random subquery aliases (`"inputQuery-xx"`) are one query, and
 *   each gets a table of its own: Evidence's `arrowTableToJSON` writes into the table it reads (a
 *   null date becomes 1970-01-01), so a shared table would reach the second reader, and its result
 *   file, changed;
 * - a result is written once, under the hash of its bytes;
 * - a page's list of queries is written when the prerender ends (kit's hook), as it then stands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Field, Float64, Schema, Table, TimestampMillisecond, makeData, tableFromIPC, tableToIPC, Vector } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/load.js';

type Client = {
  initDB: () => Promise<void>;
  setParquetURLs: (urls: Record<string, string[]>) => Promise<void>;
  query: (sql: string, options?: { route_hash: string; additional_hash: string; query_name: string; prerendering: boolean }) => Record<string, unknown>[];
};

const DAY = Date.UTC(2026, 0, 15);
let dir: string;
let client: Client;
const cwd = process.cwd();
const building = process.env.EVIDENCE_IS_BUILDING;

beforeAll(async () => {
  dir = tempDir('bi-usql-');
  process.chdir(dir); // the cache and the prerendered results are written under the working folder
  process.env.EVIDENCE_IS_BUILDING = 'true';
  // A source as the site build leaves it: its Arrow twin beside the Parquet name the manifest gives.
  const days = makeData({ type: new TimestampMillisecond(), length: 2, nullCount: 1, data: new BigInt64Array([0n, BigInt(DAY)]), nullBitmap: new Uint8Array([0b10]) });
  const table = new Table(new Schema([new Field('day', new TimestampMillisecond(), true), new Field('n', new Float64(), true)]), {
    day: new Vector([days]),
    n: new Vector([makeData({ type: new Float64(), length: 2, data: new Float64Array([1, 2]) })]),
  });
  fs.mkdirSync(path.join(dir, 'data', 'src', 't'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'src', 't', 't.arrow'), tableToIPC(table, 'stream'));
  client = (await import('@evidence-dev/universal-sql/client-duckdb')) as unknown as Client;
  await client.initDB();
  await client.setParquetURLs({ src: [path.join(dir, 'data', 'src', 't', 't.parquet')] });
}, 120_000);

afterAll(() => {
  process.chdir(cwd);
  if (building === undefined) delete process.env.EVIDENCE_IS_BUILDING;
  else process.env.EVIDENCE_IS_BUILDING = building;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const prerendered = () => path.join(dir, '.svelte-kit', 'output', 'prerendered', 'dependencies', 'api');
const options = (query_name: string) => ({ route_hash: 'route', additional_hash: 'params', query_name, prerendering: true });
const sql = (alias: string) => `SELECT * FROM (select day, n from src.t order by n) AS "inputQuery-${alias}"`;

describe('queries answered while prerendering', () => {
  it('gives texts equal but for the random aliases the same answer, each a table of its own, written once', () => {
    const first = client.query(sql('ab'), options('first'));
    const second = client.query(sql('cd'), options('second'));
    expect(second).toEqual(first);
    expect(first.map((row) => row.n)).toEqual([1, 2]);
    const results = fs.readdirSync(path.join(prerendered(), 'prerendered_queries'));
    // One file: the second answer had the same bytes as the first (a null date still null).
    expect(results).toHaveLength(1);
    const written = tableFromIPC(fs.readFileSync(path.join(prerendered(), 'prerendered_queries', results[0]!)));
    expect(written.getChild('day')!.get(0)).toBeNull();
    expect(Number(written.getChild('day')!.get(1))).toBe(DAY);
  });

  it("writes a page's list of queries when the prerender ends, with every query it ran", async () => {
    const list = path.join(prerendered(), 'route', 'params', 'all-queries.json');
    client.query(sql('ef'), options('third'));
    expect(fs.existsSync(list)).toBe(false);
    for (const write of (globalThis as { __afterPrerender?: (() => void)[] }).__afterPrerender ?? []) await write();
    const names = JSON.parse(fs.readFileSync(list, 'utf8')) as Record<string, string>;
    expect(Object.keys(names)).toEqual(['first', 'second', 'third']);
    expect(new Set(Object.values(names)).size).toBe(1);
  });
});

describe('the build-time engine and the build machine', () => {
  it("cannot read or write the build machine's files, whatever a page query says, and cannot be turned back on", () => {
    const secret = path.join(dir, 'secret.txt');
    fs.writeFileSync(secret, 'not for pages');
    const stolen = path.join(dir, 'stolen.csv');
    expect(() => client.query(`SELECT content FROM read_text('${secret}')`)).toThrow(/external access|disabled|Permission/i);
    expect(() => client.query(`COPY (SELECT 42 AS x) TO '${stolen}'`)).toThrow(/external access|disabled|Permission/i);
    expect(fs.existsSync(stolen)).toBe(false);
    expect(() => client.query('SET enable_external_access = true')).toThrow();
    // The pages' data is still there: it is loaded from the Arrow twins in JavaScript.
    expect(client.query('SELECT count(*) AS n FROM src.t').map((r) => Number(r.n))).toEqual([2]);
  });
});
