/** A folder of vendor exports through a mapping, the loader and the models, as the build runs them. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { applyMapping, type MappingResult } from '../../pipelines/mapping/apply.js';
import { recordMappingAudit } from '../../pipelines/mapping/report.js';
import { runModels } from '../../pipelines/models/run-models.js';
import { silentReporter } from '../../pipelines/progress.js';
import { loadFolder, tempDir, type Loaded } from './load.js';
import { MODELS_DIR } from './models.js';

export const EXPORT_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/exports');

export interface Mapped extends Loaded {
  result: MappingResult;
}

export const mapLoadAndModel = async (inputDir: string, mapping: string): Promise<Mapped> => {
  const outDir = path.join(tempDir('bi-mapped-'), 'out');
  const result = await applyMapping({ inputDir, mapping, outDir });
  const loaded = await loadFolder(outDir);
  await recordMappingAudit(loaded.db, result);
  await runModels(loaded.db, { modelsDir: MODELS_DIR, reporter: silentReporter() });
  return { ...loaded, result };
};

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
