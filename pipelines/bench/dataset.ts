/**
 * The benchmark's extracts: the sample company at a preset's scale, in CSV or Parquet, generated
 * once under the data folder and reused by later runs (like `ensureSample` in pipelines/pipeline.ts,
 * but per format, and with the generator's memory capped: at the large preset its in-memory
 * database outgrows the machine's RAM and must spill).
 */
import fs from 'node:fs';
import path from 'node:path';
import { contentHash } from '../incremental/fingerprints.js';
import type { Preset } from './presets.js';
import { folderBytes } from './sizes.js';

export type InputFormat = 'csv' | 'parquet';

export interface Dataset {
  dir: string;
  /** Rows per extract, as the generator wrote them. */
  rows: Record<string, number>;
  bytes: number;
  /** Seconds spent generating in this run (0 when the cached copy was used). */
  generatedSeconds: number;
}

export const datasetDir = (dataDir: string, preset: Preset, format: InputFormat) =>
  path.resolve(dataDir, 'extracts', `${preset.name}-scale-${preset.scale}-seed-${preset.seed}-${format}`);

export interface DatasetOptions {
  dataDir: string;
  preset: Preset;
  format: InputFormat;
  threads?: number;
  memoryLimit?: string;
  log?: (line: string) => void;
}

export const ensureDataset = async (options: DatasetOptions): Promise<Dataset> => {
  const dir = datasetDir(options.dataDir, options.preset, options.format);
  const marker = path.join(dir, '.complete');
  const log = options.log ?? (() => {});
  // Cached extracts are reused only if the generator that wrote them is unchanged (see ensureSample).
  const generator = contentHash('pipelines/sample');
  const cached = fs.existsSync(marker) ? JSON.parse(fs.readFileSync(marker, 'utf8')) as { generator?: string; rows: Record<string, number> } : undefined;
  if (cached?.generator === generator) {
    log(`using the cached extracts in ${dir}`);
    const rows = cached.rows;
    return { dir, rows, bytes: folderBytes(dir) - fs.statSync(marker).size, generatedSeconds: 0 };
  }
  log(`generating the sample company (scale ${options.preset.scale}, seed ${options.preset.seed}, ${options.format}) into ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const spill = path.resolve(options.dataDir, 'generator-spill');
  const started = performance.now();
  const { generateSample } = await import('../sample/generate.js');
  try {
    const rows = await generateSample({
      outDir: dir,
      scale: options.preset.scale,
      seed: options.preset.seed,
      format: options.format,
      threads: options.threads,
      memoryLimit: options.memoryLimit,
      tempDirectory: spill,
      log: (message) => log(`  ${message}`),
    });
    fs.writeFileSync(marker, JSON.stringify({ generator, rows }));
    return { dir, rows, bytes: folderBytes(dir) - fs.statSync(marker).size, generatedSeconds: (performance.now() - started) / 1000 };
  } finally {
    fs.rmSync(spill, { recursive: true, force: true });
  }
};
