/**
 * `npm run bench [-- --preset sample|small|medium|large] [--format csv|parquet] [--memory-limit 8GB] [--threads 2]
 *   [--data-dir DIR] [--no-baseline] [--no-rebuilds] [--no-site] [--out BENCHMARKS.md] [--report-only]`
 *
 * Why: the product promises that it stays close to DuckDB's own speed (load and models within
 * 1.3× of DuckDB doing the same work alone), that the published report does not grow with raw
 * volume, and that memory stays bounded by memory_limit. This command measures all three on the
 * sample company at a large size and records them, with the machine, in BENCHMARKS.md.
 *
 * Steps: extracts generated once per preset and format (cached under the data folder), our full
 * build and its two rebuilds in one child process, the native-DuckDB baseline in another, then the
 * tables (stdout and BENCHMARKS.md). The large preset is compared with the small one for the
 * report steps; the small run is made after it when its result is not in the data folder yet.
 * `--report-only` re-renders BENCHMARKS.md from the results stored in the data folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PROJECT_ROOT, settingsSchema } from '../config.js';
import { runJob } from './child.js';
import { ensureDataset } from './dataset.js';
import { codeVersion, describeMachine } from './machine.js';
import { presetNamed, PRESETS, type Preset } from './presets.js';
import { renderText, writeBenchmarksFile, type BenchRecord } from './report.js';
import type { EngineSettings } from './types.js';

const Args = z.object({
  preset: z.enum(['sample', 'small', 'medium', 'large']).default('large'),
  format: z.enum(['csv', 'parquet']).default('csv'),
  memoryLimit: settingsSchema.shape.memoryLimit,
  threads: settingsSchema.shape.threads,
  asOf: z.iso.date().default('2026-09-30'),
  dataDir: z.string().min(1).default(path.join(process.env.BI_DATA_DIR || path.join(PROJECT_ROOT, 'data'), 'bench')),
  out: z.string().min(1).default(path.join(PROJECT_ROOT, 'BENCHMARKS.md')),
  baseline: z.boolean().default(true),
  rebuilds: z.boolean().default(true),
  // --no-site: the database stages only (the model work), without Evidence's minutes.
  site: z.boolean().default(true),
  reportOnly: z.boolean().default(false),
});
type Args = z.infer<typeof Args>;

const usage = 'usage: npm run bench -- [--preset sample|small|medium|large] [--format csv|parquet] [--memory-limit 8GB] [--threads N] [--as-of YYYY-MM-DD] [--data-dir DIR] [--no-baseline] [--no-rebuilds] [--no-site] [--out FILE] [--report-only]';

const parse = (): Args => {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string' },
      format: { type: 'string' },
      'memory-limit': { type: 'string' },
      threads: { type: 'string' },
      'as-of': { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      'no-rebuilds': { type: 'boolean' },
      'no-site': { type: 'boolean' },
      'report-only': { type: 'boolean' },
    },
    strict: true,
  });
  const parsed = Args.safeParse({
    preset: values.preset,
    format: values.format,
    memoryLimit: values['memory-limit'],
    threads: values.threads,
    asOf: values['as-of'],
    dataDir: values['data-dir'],
    out: values.out,
    baseline: !values['no-baseline'],
    rebuilds: !values['no-rebuilds'],
    site: !values['no-site'],
    reportOnly: values['report-only'] ?? false,
  });
  if (!parsed.success) throw new Error(`${z.prettifyError(parsed.error)}\n${usage}`);
  return parsed.data;
};

/** The command that reproduces a run (the data folder only moves the scratch space). */
const commandFor = (args: Args, preset: Preset) =>
  ['npm run bench --', `--preset ${preset.name}`, `--format ${args.format}`,
    args.memoryLimit ? `--memory-limit ${args.memoryLimit}` : '', args.threads ? `--threads ${args.threads}` : '',
    args.baseline ? '' : '--no-baseline', args.rebuilds ? '' : '--no-rebuilds', args.site ? '' : '--no-site'].filter(Boolean).join(' ');

const resultFile = (args: Args, preset: Preset) => path.join(path.resolve(args.dataDir), 'results', `${preset.name}-${args.format}.json`);

const say = (line: string) => process.stdout.write(`${line}\n`);

const benchPreset = async (args: Args, preset: Preset): Promise<BenchRecord> => {
  const dataDir = path.resolve(args.dataDir);
  const machine = await describeMachine();
  const settings: EngineSettings = { memoryLimit: args.memoryLimit, threads: args.threads, asOf: args.asOf };
  say(`\n▸ benchmark: ${preset.name} preset (scale ${preset.scale}), ${args.format} — data folder ${dataDir}`);
  const { dir, ...dataset } = await ensureDataset({ dataDir, preset, format: args.format, threads: args.threads, memoryLimit: args.memoryLimit, log: say });
  const runsDir = path.join(dataDir, 'runs', `${preset.name}-${args.format}`);

  say('▸ our pipeline: full build, then the rebuilds');
  const ours = await runJob({ kind: 'ours', extractsDir: dir, runDir: path.join(runsDir, 'ours'), settings, site: args.site, rebuilds: args.rebuilds, changeExtract: 'marketing_spend' }, runsDir);
  let baseline;
  if (args.baseline) {
    say('▸ baseline: DuckDB alone on the same extracts and model SQL');
    baseline = await runJob({ kind: 'baseline', extractsDir: dir, runDir: path.join(runsDir, 'baseline'), settings }, runsDir);
  }
  const record: BenchRecord = {
    preset, format: args.format, command: commandFor(args, preset), code: codeVersion(), finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine, settings, dataset, ours, baseline,
  };
  fs.mkdirSync(path.dirname(resultFile(args, preset)), { recursive: true });
  fs.writeFileSync(resultFile(args, preset), JSON.stringify(record, null, 2));
  return record;
};

/** The small preset's result, the yardstick of the report steps: stored, or measured now. */
const smallRecord = async (args: Args): Promise<BenchRecord> => {
  const file = resultFile(args, PRESETS.small);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as BenchRecord;
  if (args.reportOnly) throw new Error(`no small-preset result in ${file}: run npm run bench -- --preset small first`);
  say(`no small-preset result in ${file}: running the small preset (the yardstick of the report steps)`);
  const small = await benchPreset(args, PRESETS.small);
  writeBenchmarksFile(args.out, small);
  return small;
};

const main = async () => {
  const args = parse();
  const preset = presetNamed(args.preset);
  let record: BenchRecord;
  if (args.reportOnly) {
    // Re-renders the tables from the stored result (after editing the report code or the file's text).
    const file = resultFile(args, preset);
    if (!fs.existsSync(file)) throw new Error(`no stored result in ${file}`);
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchRecord;
  } else {
    record = await benchPreset(args, preset);
  }
  // The larger presets are compared with the small one (report steps flat with volume, each
  // model's growth); the medium preset only when a small result is stored.
  if (preset.name === 'large' || (preset.name === 'medium' && fs.existsSync(resultFile(args, PRESETS.small)))) {
    const small = await smallRecord(args);
    record.small = { preset: small.preset, ours: small.ours, dataset: small.dataset };
  }
  writeBenchmarksFile(args.out, record);
  say(`\n${renderText(record)}\n\nWritten to ${path.relative(process.cwd(), args.out) || args.out}.`);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
