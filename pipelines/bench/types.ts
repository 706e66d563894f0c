/**
 * What the benchmark measures, as plain data: the child processes send these back as JSON and
 * the report renders them.
 */

/** The stages of a build the benchmark times, in pipeline order. */
export const STAGES = ['load', 'staging', 'later_models', 'tests', 'sources', 'site'] as const;
export type StageName = (typeof STAGES)[number];

export const STAGE_LABELS: Record<StageName, string> = {
  load: 'load (read + validate)',
  staging: 'staging models',
  later_models: 'intermediate + marts models',
  tests: 'data tests',
  sources: 'report sources (Evidence sources)',
  site: 'site (Evidence build)',
};

export interface StageMeasure {
  seconds: number;
  /** Peak RSS of the process tree during the stage (models: during the whole models step). */
  peakRssBytes: number;
}

export interface RunMeasure {
  seconds: number;
  peakRssBytes: number;
  stages: Partial<Record<StageName, StageMeasure>>;
  /** runPipeline found nothing to do. */
  upToDate?: boolean;
  /** What the run did, as runPipeline's plan said it. */
  plan?: string;
}

export interface EngineSettings {
  memoryLimit?: string;
  threads?: number;
  asOf: string;
}

export interface OursJob {
  kind: 'ours';
  extractsDir: string;
  runDir: string;
  settings: EngineSettings;
  /** Build the Evidence site (report sources + site stages). */
  site: boolean;
  /** Time the two rebuilds too: unchanged extracts, then `changeExtract` with one value changed. */
  rebuilds: boolean;
  changeExtract: string;
}

/** One model's cost in our full build (from the runner's results, as kept in audit.model_runs). */
export interface ModelMeasure {
  model: string;
  layer: string;
  rows: number;
  seconds: number;
  cpuSeconds?: number;
  peakRssBytes?: number;
}

export interface OursResult {
  full: RunMeasure;
  /** Each model of the full build (absent in results recorded before it was kept). */
  modelRuns?: ModelMeasure[];
  unchanged?: RunMeasure;
  changed?: RunMeasure;
  rowsLoaded: Record<string, number>;
  rowsRejected: number;
  models: number;
  siteBytes: number;
  siteDataBytes: number;
  databaseBytes: number;
}

export interface BaselineJob {
  kind: 'baseline';
  extractsDir: string;
  runDir: string;
  settings: EngineSettings;
}

export interface BaselineResult {
  run: RunMeasure;
  rowsLoaded: Record<string, number>;
  models: number;
  /** Seconds of each model's CREATE OR REPLACE TABLE (absent in results recorded before it was kept). */
  modelSeconds?: Record<string, number>;
  /** Models or data tests DuckDB could not run on auto-detected types (should be none). */
  failures: string[];
  tests: number;
}

export type Job = OursJob | BaselineJob;
