/** Loads a folder of extracts into a fresh in-memory database, as the build does. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../pipelines/db/duckdb.js';
import { loadExtracts, type LoadSummary } from '../../pipelines/load/load-extracts.js';
import { silentReporter } from '../../pipelines/progress.js';

export const AS_OF = '2026-09-30';

export const tempDir = (prefix = 'bi-test-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

export interface Loaded {
  db: Database;
  loads: LoadSummary[];
  summary: (extract: string) => LoadSummary;
  rejects: (extract?: string) => Promise<Issue[]>;
  /** Rows loaded with a value replaced by an explicit unknown. */
  flags: (extract?: string) => Promise<Issue[]>;
}

export interface Issue { extract: string; row_number: number; line_number: number | null; column_name: string; value: string | null; reason: string }

const issues = (db: Database, table: string, extract?: string) => db.query<Issue & Record<string, unknown>>(
  `SELECT extract, row_number, line_number, column_name, value, reason FROM ${table}
   ${extract ? `WHERE extract = '${extract}'` : ''} ORDER BY extract, row_number, column_name, reason`,
);

export const loadFolder = async (dir: string, configFile?: string): Promise<Loaded> => {
  const db = await openDatabase(':memory:');
  const loads = await loadExtracts(db, { extractsDir: dir, configFile, asOf: AS_OF, scratchDir: path.join(dir, '.scratch'), reporter: silentReporter() });
  return {
    db,
    loads,
    summary: (extract) => loads.find((l) => l.extract === extract)!,
    rejects: (extract) => issues(db, 'audit.rejects', extract),
    flags: (extract) => issues(db, 'audit.flags', extract),
  };
};
