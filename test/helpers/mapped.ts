/** Vendor export fixtures combined into one folder, and the reconciliation every mapped run must meet. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { MappingResult } from '../../pipelines/mapping/apply.js';
import { tempDir, type Loaded } from './load.js';

export const EXPORT_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/exports');

export type Mapped = Loaded & { result: MappingResult };

/** A folder holding copies of the given fixture folders (each under its own name). */
export const exportsFolder = (...fixtures: string[]) => {
  const dir = tempDir('bi-exports-');
  for (const f of fixtures) fs.cpSync(path.join(EXPORT_FIXTURES, f), path.join(dir, f), { recursive: true });
  return dir;
};

/** Every row read is loaded or rejected, and every row mapped is written, filtered, rejected or merged. */
export const expectReconciled = (m: Mapped) => {
  for (const e of m.result.extracts) {
    expect(e.rowsWritten + e.rowsFiltered + e.rowsRejected + e.rowsMerged, e.extract).toBe(e.rowsIn);
    const load = m.summary(e.extract);
    expect(load.rowsRead, e.extract).toBe(e.rowsWritten);
    expect(load.rowsLoaded + load.rowsRejected, e.extract).toBe(load.rowsRead);
  }
};
