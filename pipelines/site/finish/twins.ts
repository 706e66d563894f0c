/**
 * The Arrow IPC twins of the report sources' Parquet files: what the patched DuckDB-WASM clients
 * load (at build time and in the browser), so that no Parquet extension is downloaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Bool, type DataType, Field, Float64, Schema, Table, TimestampMillisecond, Utf8, tableToIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node/arrow1.js';
import { SiteError } from '../evidence/cli.js';

/** Evidence's column types, as the Arrow types of an empty twin. */
const EVIDENCE_TYPES: Record<string, () => DataType> = {
  number: () => new Float64(),
  string: () => new Utf8(),
  date: () => new TimestampMillisecond(),
  boolean: () => new Bool(),
};

/** An Arrow IPC stream with no rows and the columns Evidence recorded for a source. */
const emptyArrow = (schemaFile: string): Uint8Array => {
  const columns = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as { name: string; evidenceType: string }[];
  const fields = columns.map((c) => {
    const type = EVIDENCE_TYPES[c.evidenceType];
    if (!type) throw new SiteError(`${schemaFile}: unknown Evidence type "${c.evidenceType}" for column ${c.name}`);
    return new Field(c.name, type(), true);
  });
  return tableToIPC(new Table(new Schema(fields)), 'stream');
};

/**
 * Before the build, beside every source's data file in Evidence's static folder, its Arrow IPC
 * twin: what the patched build-time client loads. A source with no rows has no Parquet file
 * (Evidence writes none), so its twin is an empty table with the source's columns: pages then show
 * "no data", not a crash.
 */
export const writeSourceTwins = (dataDir: string) => {
  if (!fs.existsSync(dataDir)) return { sources: 0, empty: [] as string[] };
  const schemas = fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.schema.json'));
  const empty: string[] = [];
  for (const entry of schemas) {
    const base = path.join(entry.parentPath, entry.name.slice(0, -'.schema.json'.length));
    const parquet = `${base}.parquet`;
    if (fs.existsSync(parquet)) {
      fs.writeFileSync(`${base}.arrow`, readParquet(fs.readFileSync(parquet)).intoIPCStream());
    } else {
      fs.writeFileSync(`${base}.arrow`, emptyArrow(path.join(entry.parentPath, entry.name)));
      empty.push(path.basename(base));
    }
  }
  return { sources: schemas.length, empty };
};

/**
 * After the build, the twins the browser loads: Evidence moves each Parquet file into a folder
 * named after its content hash, and the pages ask for the twin there. The twin written before the
 * build (`writeSourceTwins`, from that same file) is moved beside it, so the site ships each table
 * once; one missing is made again from the Parquet file. Empty sources keep the twin written before
 * the build (their manifest entry has no hash).
 */
export const placeBrowserTwins = (buildDataDir: string) => {
  if (!fs.existsSync(buildDataDir)) return;
  const parquets = fs.readdirSync(buildDataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.parquet'));
  for (const entry of parquets) {
    const file = path.join(entry.parentPath, entry.name);
    const twin = file.replace(/\.parquet$/, '.arrow');
    const before = path.join(path.dirname(entry.parentPath), path.basename(twin));
    if (fs.existsSync(before)) fs.renameSync(before, twin);
    else fs.writeFileSync(twin, readParquet(fs.readFileSync(file)).intoIPCStream());
  }
};

