/**
 * The extracts folder a benchmark run builds from: hard links to the cached extracts (no copy of
 * gigabytes, and the loader sees ordinary files), except the extract the rebuild benchmark
 * changes, which is a real copy so that changing it never touches the cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const linkOrCopy = (from: string, to: string) => {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to); // another file system
  }
};

/** Mirrors `source` into `target` (files hard-linked, `copied` extracts copied). */
export const linkedExtracts = (source: string, target: string, copied: readonly string[]) => {
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source, { recursive: true, withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const from = path.join(entry.parentPath, entry.name);
    const to = path.join(target, path.relative(source, from));
    if (entry.isDirectory()) fs.mkdirSync(to, { recursive: true });
    else if (copied.some((name) => path.relative(source, from).split(path.sep)[0]!.replace(/\.(csv|csv\.gz|parquet)$/, '') === name)) fs.copyFileSync(from, to);
    else linkOrCopy(from, to);
  }
  return target;
};

/**
 * Changes one value of an extract, as a new export of it would: the first row's last numeric
 * column (`amount` for marketing_spend) gets one unit more. The file is rewritten, so its size or
 * content and its modification time change.
 */
export const changeOneValue = async (extractsDir: string, extract: string, column = 'amount') => {
  const csv = path.join(extractsDir, `${extract}.csv`);
  const parquet = path.join(extractsDir, `${extract}.parquet`);
  if (fs.existsSync(csv)) {
    const lines = fs.readFileSync(csv, 'utf8').split('\n');
    const header = lines[0]!.split(',');
    const index = header.indexOf(column);
    if (index < 0 || lines.length < 2) throw new Error(`${csv}: no column ${column} or no row to change`);
    const cells = lines[1]!.split(',');
    cells[index] = (Number(cells[index]) + 1).toFixed(2);
    lines[1] = cells.join(',');
    fs.writeFileSync(`${csv}.tmp`, lines.join('\n'));
    fs.renameSync(`${csv}.tmp`, csv);
    return csv;
  }
  if (fs.existsSync(parquet)) {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const file = parquet.replaceAll("'", "''");
      await connection.run(`COPY (SELECT * EXCLUDE (rn) REPLACE (CASE WHEN rn = 1 THEN ${column} + 1 ELSE ${column} END AS ${column})
        FROM (SELECT *, row_number() OVER () AS rn FROM read_parquet('${file}'))) TO '${file}.tmp' (FORMAT parquet)`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    fs.renameSync(`${parquet}.tmp`, parquet);
    return parquet;
  }
  throw new Error(`no ${extract}.csv or ${extract}.parquet in ${extractsDir}`);
};
