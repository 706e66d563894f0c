/**
 * A folder of vendor exports through a built-in mapping, the loader and the models, for the
 * vendor tests. The databases opened are closed with `closeMapped()` (in afterAll).
 */
import path from 'node:path';
import type { Database } from '../../pipelines/db/duckdb.js';
import { applyMapping, type MappingResult } from '../../pipelines/mapping/apply.js';
import { runModels } from '../../pipelines/models/run-models.js';
import { silentReporter } from '../../pipelines/progress.js';
import { loadFolder, tempDir, type Loaded } from './load.js';
import { MODELS_DIR } from './models.js';

const open: Database[] = [];

export const mapAndLoad = async (inputDir: string, mapping: string): Promise<Loaded & { result: MappingResult }> => {
  const outDir = path.join(tempDir('bi-mapped-'), 'out');
  const result = await applyMapping({ inputDir, mapping, outDir });
  const loaded = await loadFolder(outDir);
  open.push(loaded.db);
  await runModels(loaded.db, { modelsDir: MODELS_DIR, reporter: silentReporter() });
  return { ...loaded, result };
};

export const closeMapped = () => open.splice(0).forEach((db) => db.close());
