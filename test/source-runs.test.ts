/**
 * Which report sources a rebuild runs again (pipelines/site/evidence/source-runs.ts), on a small warehouse
 * written here: two marts, three sources (one reading each mart, one joining both). A change of one
 * mart's rows, their order or a column's type must make exactly the sources reading it run again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { recordedSourceInputs, recordSourceInputs, sourceInputDigests, sourcesToRun, tablesReadBySources } from '../pipelines/site/evidence/source-runs.js';
import { tempDir } from './helpers/load.js';

const project = async () => {
  const dir = tempDir('bi-source-runs-');
  const database = path.join(dir, 'warehouse.duckdb');
  const db = await openDatabase(database);
  await db.exec(`CREATE SCHEMA marts;
    CREATE TABLE marts.revenue AS SELECT * FROM (VALUES ('S1', 100.0), ('S2', 250.5)) v(seller_id, amount);
    CREATE TABLE marts.sellers AS SELECT * FROM (VALUES ('S1', 'Ana'), ('S2', 'Bo')) v(seller_id, seller_name);`);
  db.close();
  const sources = path.join(dir, 'sources', 'warehouse');
  fs.mkdirSync(sources, { recursive: true });
  fs.writeFileSync(path.join(sources, 'revenue.sql'), 'select * from marts.revenue');
  fs.writeFileSync(path.join(sources, 'sellers.sql'), 'select * from marts.sellers');
  fs.writeFileSync(path.join(sources, 'named_revenue.sql'), 'select s.seller_name, r.amount from marts.revenue r join marts.sellers s using (seller_id)');
  // Evidence's static data folder, as if every source had been written once.
  const data = path.join(dir, 'static', 'data');
  for (const q of ['revenue', 'sellers', 'named_revenue']) {
    fs.mkdirSync(path.join(data, 'warehouse', q), { recursive: true });
    fs.writeFileSync(path.join(data, 'warehouse', q, `${q}.schema.json`), '[]');
  }
  const change = async (sql: string) => {
    const w = await openDatabase(database);
    await w.exec(sql);
    w.close();
  };
  const digests = async () => {
    const read = await openDatabase(database, { readOnly: true });
    try {
      return await sourceInputDigests(read, sources, 'warehouse', await tablesReadBySources(read, sources, 'warehouse'));
    } finally {
      read.close();
    }
  };
  return { dir, database, sources, data, change, digests };
};

describe('report sources run again', () => {
  it('runs every source the first time, none when nothing changed', async () => {
    const p = await project();
    const first = await p.digests();
    expect(Object.keys(first).sort()).toEqual(['warehouse.named_revenue', 'warehouse.revenue', 'warehouse.sellers']);
    expect(sourcesToRun(undefined, first, p.data).sort()).toEqual(Object.keys(first).sort());
    // The same rows written again (a model rebuilt to the same result) change nothing.
    await p.change('CREATE OR REPLACE TABLE marts.revenue AS SELECT * FROM (VALUES (\'S1\', 100.0), (\'S2\', 250.5)) v(seller_id, amount)');
    expect(sourcesToRun(first, await p.digests(), p.data)).toEqual([]);
  });

  it('runs the sources reading a mart whose rows changed, and only those', async () => {
    const p = await project();
    const before = await p.digests();
    await p.change("UPDATE marts.revenue SET amount = 251.5 WHERE seller_id = 'S2'");
    expect(sourcesToRun(before, await p.digests(), p.data).sort()).toEqual(['warehouse.named_revenue', 'warehouse.revenue']);
  });

  it('counts the same rows in another order, or a column of another type, as a change', async () => {
    const p = await project();
    const before = await p.digests();
    await p.change("CREATE OR REPLACE TABLE marts.sellers AS SELECT * FROM (VALUES ('S2', 'Bo'), ('S1', 'Ana')) v(seller_id, seller_name)");
    const reordered = await p.digests();
    expect(sourcesToRun(before, reordered, p.data).sort()).toEqual(['warehouse.named_revenue', 'warehouse.sellers']);
    await p.change('CREATE OR REPLACE TABLE marts.revenue AS SELECT seller_id, amount::DOUBLE AS amount FROM marts.revenue');
    expect(sourcesToRun(reordered, await p.digests(), p.data).sort()).toEqual(['warehouse.named_revenue', 'warehouse.revenue']);
  });

  it('runs a source whose SQL changed, or whose data file is gone', async () => {
    const p = await project();
    const before = await p.digests();
    fs.writeFileSync(path.join(p.sources, 'sellers.sql'), 'select seller_id from marts.sellers');
    fs.rmSync(path.join(p.data, 'warehouse', 'revenue'), { recursive: true });
    expect(sourcesToRun(before, await p.digests(), p.data).sort()).toEqual(['warehouse.revenue', 'warehouse.sellers']);
  });

  it('keeps the record in the work folder, and forgets it while the files are rewritten', async () => {
    const p = await project();
    const digests = await p.digests();
    expect(recordedSourceInputs(p.dir)).toBeUndefined();
    recordSourceInputs(p.dir, digests);
    expect(recordedSourceInputs(p.dir)).toEqual(digests);
    recordSourceInputs(p.dir, undefined);
    expect(recordedSourceInputs(p.dir)).toBeUndefined();
  });
});
