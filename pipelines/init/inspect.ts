/**
 * `npm run init`'s look at a folder: what it holds, the date orders, currencies, first and last
 * dates and the fiscal year the objectives suggest, and from them what to write (only what the
 * data proves) and what to ask (everything it cannot tell). Printing and writing are cli.ts's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/duckdb.js';
import { readExtractsConfig } from '../load/extracts-config.js';
import { loadMappings } from '../mapping/load-mapping.js';
import { readOverrides } from '../mapping/overrides.js';
import type { Findings } from './findings.js';
import { inspectContract } from './inspect-contract.js';
import { inspectVendor } from './inspect-vendor.js';
import { findLayout } from './layout.js';

export type { Findings } from './findings.js';

export const inspectFolder = async (dir: string, { mapping }: { mapping?: string } = {}): Promise<Findings> => {
  const resolved = path.resolve(dir);
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isDirectory()) throw new Error(`--extracts ${dir}: no such folder.`);
  const config = readExtractsConfig(resolved);
  const overrides = readOverrides(resolved);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bi-init-'));
  const db = await openDatabase(':memory:');
  try {
    const { layout, unrecognised } = await findLayout(db, resolved, config, scratch, mapping ? loadMappings(mapping) : undefined);
    const findings: Findings = {
      dir: resolved, layout: layout.kind, mappings: layout.kind === 'vendor' ? layout.mappings.map((m) => m.mapping.name) : [],
      recognised: [], unrecognised, dates: [], currencies: [],
      reporting: (layout.kind === 'vendor' ? overrides?.currency : undefined) ?? config.currency.reporting,
      fiscalYear: { strength: 'none', because: 'no objectives in the data' },
      extractsYaml: [], overrides: [], questions: [], notes: [],
    };
    if (layout.kind === 'contract') await inspectContract(db, findings, resolved, config, layout.located, scratch);
    if (layout.kind === 'vendor') await inspectVendor(db, findings, resolved, layout.mappings, scratch);
    return findings;
  } finally {
    db.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
};
