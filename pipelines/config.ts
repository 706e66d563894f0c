/**
 * Run-time settings: paths and engine limits, from the environment (and CLI flags layered on top
 * by the CLI), validated once here so the rest of the code never reads `process.env`.
 */
import path from 'node:path';
import { z } from 'zod';

const isoDate = z.iso.date();

/** The repository's root: models/ and site/ are found from here, not from the cwd. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

const MIN_GROUP_HINT = 'BI_PSEUDONYM_MIN_GROUP (--pseudonym-min-group) must be a whole number of sellers, 2 or more';

export const settingsSchema = z.object({
  /** Folder for the published database, run scratch space and the sample extracts. */
  dataDir: z.string().min(1).default('data'),
  /** Folder the static site is published to. */
  siteDir: z.string().min(1).default('build'),
  /** DuckDB memory_limit; above it DuckDB spills to disk instead of failing. */
  memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$/i, 'like "4GB" or "80%"').optional(),
  threads: z.coerce.number().int().positive().optional(),
  /**
   * The company as it stood at the end of this day (--as-of, BI_AS_OF): the loaded extracts are
   * rewound to it (pipelines/load/as-of.ts). Unset: as exported.
   */
  asOf: isoDate.optional(),
  /**
   * Reference day of "date in the future" rejects; defaults to today. Internal (BI_REFERENCE_DAY):
   * tests and the benchmark fix it so that fixed data stay valid whatever the day they run; unlike
   * --as-of it rewinds nothing, so a rebuild stays incremental.
   */
  referenceDay: isoDate.optional(),
  /** Seconds a build waits for another build of the same data folder to finish (default 600). */
  lockWait: z.coerce.number().min(0).optional(),
  /** Publish configuration (audiences, publish.yaml); default: publish.yaml in the extracts folder, if any. */
  publishConfig: z.string().min(1).optional(),
  /**
   * Pseudonymised sites: the fewest sellers a team × role label may hold (smaller groups are
   * merged); PSEUDONYM_MIN_GROUP when unset. Optional so that settings built in code need not say.
   */
  pseudonymMinGroup: z.coerce.number({ error: MIN_GROUP_HINT }).int(MIN_GROUP_HINT).min(2, `${MIN_GROUP_HINT}: a group of one names its seller`).optional(),
  /** Prerender workers a data-only refresh runs side by side (default 1: see BENCHMARKS.md). */
  prerenderWorkers: z.coerce.number({ error: 'BI_PRERENDER_WORKERS (--prerender-workers) is a whole number, 1 or more' }).int().positive().optional(),
});

export type Settings = z.infer<typeof settingsSchema>;

/** Default smallest group of sellers a pseudonymised site may show a team × role for. */
export const PSEUDONYM_MIN_GROUP = 3;

/** Settings from BI_* environment variables. */
export const settingsFromEnv = (env: NodeJS.ProcessEnv = process.env): Settings => {
  const parsed = settingsSchema.safeParse({
    dataDir: env.BI_DATA_DIR || undefined,
    siteDir: env.BI_SITE_DIR || undefined,
    memoryLimit: env.BI_MEMORY_LIMIT || undefined,
    threads: env.BI_THREADS || undefined,
    asOf: env.BI_AS_OF || undefined,
    referenceDay: env.BI_REFERENCE_DAY || undefined,
    lockWait: env.BI_LOCK_WAIT || undefined,
    pseudonymMinGroup: env.BI_PSEUDONYM_MIN_GROUP || undefined,
    publishConfig: env.BI_PUBLISH_CONFIG || undefined,
    prerenderWorkers: env.BI_PRERENDER_WORKERS || undefined,
  });
  if (!parsed.success) throw new Error(`Invalid BI_* environment settings:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

export const today = () => new Date().toISOString().slice(0, 10);

/** Where the published database lives, and where a run builds its candidate beside it. */
export const databasePaths = (settings: Settings) => {
  const dir = path.resolve(settings.dataDir);
  return {
    published: path.join(dir, 'warehouse.duckdb'),
    candidate: path.join(dir, `warehouse.candidate-${process.pid}.duckdb`),
    spill: path.join(dir, 'spill'),
    scratch: path.join(dir, 'scratch'),
  };
};
