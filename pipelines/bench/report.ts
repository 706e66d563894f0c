/**
 * The benchmark's tables: printed to stdout, and written into BENCHMARKS.md between markers
 * (one block per preset and input format, so a small run does not erase the large one's figures;
 * the hand-written text around the markers is left alone).
 */
import fs from 'node:fs';
import { formatTable } from '../progress.js';
import type { Dataset, InputFormat } from './dataset.js';
import type { Machine } from './machine.js';
import type { Preset } from './presets.js';
import { STAGE_LABELS, STAGES, type BaselineResult, type EngineSettings, type OursResult, type RunMeasure, type StageName } from './types.js';

export interface BenchRecord {
  preset: Preset;
  format: InputFormat;
  command: string;
  /** Commit of the code measured (absent in results recorded before it was kept). */
  code?: string;
  finishedAt: string;
  machine: Machine;
  settings: EngineSettings;
  dataset: Omit<Dataset, 'dir'>;
  ours: OursResult;
  baseline?: BaselineResult;
  /** The small preset's run, the yardstick of the report steps (absent on the small run itself). */
  small?: { preset: Preset; ours: OursResult; dataset: Omit<Dataset, 'dir'> };
}

const TARGETS: Partial<Record<StageName, string>> = { load: '≤ 1.3×', staging: '≤ 1.3×', later_models: '≤ 1.3×', sources: 'flat', site: 'flat' };
const REPORT_STAGES = new Set<StageName>(['sources', 'site']);

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const secs = (s: number | undefined) => (s === undefined ? '—' : s < 10 ? s.toFixed(2) : s.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? '—' : `${(a / b).toFixed(2)}×`);
const count = (n: number) => n.toLocaleString('en');

/** One row per stage: ours, the baseline (or the small preset for the report steps), their ratio. */
export const stageRows = (r: BenchRecord) => {
  const ours = r.ours.full.stages;
  const base = r.baseline?.run.stages ?? {};
  const small = r.small?.ours.full.stages ?? {};
  const rows = STAGES.filter((s) => ours[s]).map((stage) => {
    const report = REPORT_STAGES.has(stage);
    const against = report ? small[stage] : base[stage];
    return {
      stage: STAGE_LABELS[stage],
      'ours (s)': secs(ours[stage]?.seconds),
      'compared with': report ? (r.small ? `small preset: ${secs(against?.seconds)} s` : 'itself (small preset)') : against ? `DuckDB alone: ${secs(against.seconds)} s` : '—',
      ratio: report ? (r.small ? ratio(ours[stage]?.seconds, against?.seconds) : '1.00×') : ratio(ours[stage]?.seconds, against?.seconds),
      target: TARGETS[stage] ?? '—',
      'peak RSS ours': ours[stage] ? gb(ours[stage]!.peakRssBytes) : '—',
      'peak RSS baseline': !report && against ? gb(against.peakRssBytes) : '—',
    };
  });
  const oursTotal = STAGES.filter((s) => !REPORT_STAGES.has(s)).reduce((sum, s) => sum + (ours[s]?.seconds ?? 0), 0);
  const baseTotal = r.baseline ? STAGES.filter((s) => !REPORT_STAGES.has(s)).reduce((sum, s) => sum + (base[s]?.seconds ?? 0), 0) : undefined;
  rows.push({
    stage: 'database stages together (load → tests)',
    'ours (s)': secs(oursTotal),
    'compared with': baseTotal === undefined ? '—' : `DuckDB alone: ${secs(baseTotal)} s`,
    ratio: ratio(oursTotal, baseTotal),
    target: '—',
    'peak RSS ours': gb(Math.max(...STAGES.filter((s) => !REPORT_STAGES.has(s)).map((s) => ours[s]?.peakRssBytes ?? 0))),
    'peak RSS baseline': r.baseline ? gb(r.baseline.run.peakRssBytes) : '—',
  });
  return rows;
};

const describeRun = (run: RunMeasure | undefined) => {
  if (!run) return '—';
  const stages = STAGES.filter((s) => run.stages[s]).map((s) => `${s} ${secs(run.stages[s]!.seconds)} s`).join(', ');
  return `${run.upToDate ? 'up to date: ' : ''}${run.plan ?? ''}${stages ? ` (${stages})` : ''}`;
};

/** The full build and the rebuilds, each as a share of the full build measured in the same run. */
export const rebuildRows = (r: BenchRecord) => {
  const full = r.ours.full.seconds;
  const row = (run: string, m: RunMeasure, target: string) => ({
    run, seconds: secs(m.seconds), 'of the full build': ratio(m.seconds, full), target, 'peak RSS': gb(m.peakRssBytes), 'what runPipeline did': describeRun(m),
  });
  return [
    row('full build (--full)', r.ours.full, '—'),
    ...(r.ours.unchanged ? [row('rebuild, extracts unchanged', r.ours.unchanged, '≈ 0')] : []),
    ...(r.ours.changed ? [row('rebuild, one value of marketing_spend changed', r.ours.changed, '≤ 0.15×')] : []),
  ];
};

/** The report step against raw volume: small preset vs this run. */
export const volumeRows = (r: BenchRecord) => {
  const runs = r.small ? [{ name: `small (scale ${r.small.preset.scale})`, ours: r.small.ours, dataset: r.small.dataset }, { name: `${r.preset.name} (scale ${r.preset.scale})`, ours: r.ours, dataset: r.dataset }] : [{ name: `${r.preset.name} (scale ${r.preset.scale})`, ours: r.ours, dataset: r.dataset }];
  const line = (label: string, value: (x: (typeof runs)[number]) => number, show: (n: number) => string) => ({
    '': label,
    ...Object.fromEntries(runs.map((x) => [x.name, show(value(x))])),
    ...(runs.length === 2 ? { [`${r.preset.name} / small`]: ratio(value(runs[1]!), value(runs[0]!)) } : {}),
  });
  return [
    line('input rows (all extracts)', (x) => Object.values(x.dataset.rows).reduce((a, b) => a + b, 0), count),
    line('input size', (x) => x.dataset.bytes, mb),
    line('report sources (s)', (x) => x.ours.full.stages.sources?.seconds ?? 0, secs),
    line('site build (s)', (x) => x.ours.full.stages.site?.seconds ?? 0, secs),
    line('built site', (x) => x.ours.siteBytes, mb),
    line('of which data/ (query results)', (x) => x.ours.siteDataBytes, mb),
  ];
};

/** How many of the slowest models the tables name. */
export const SLOWEST = 10;

/**
 * The slowest models of our full build (audit.model_runs' figures), with DuckDB alone running the
 * same SQL, and — when the small preset's run is attached — their time and rows there and the growth.
 */
export const slowestModelRows = (r: BenchRecord): Record<string, string>[] => {
  const runs = r.ours.modelRuns;
  if (!runs?.length) return [];
  const alone = r.baseline?.modelSeconds;
  const small = new Map((r.small?.ours.modelRuns ?? []).map((m) => [m.model, m]));
  // CPU seconds: in results recorded since the runner keeps them.
  const cpu = runs.some((m) => m.cpuSeconds !== undefined);
  return [...runs].sort((a, b) => b.seconds - a.seconds).slice(0, SLOWEST).map((m) => {
    const before = small.get(m.model);
    return {
      model: m.model,
      rows: count(m.rows),
      'ours (s)': secs(m.seconds),
      ...(cpu ? { 'ours (CPU s)': secs(m.cpuSeconds) } : {}),
      ...(alone ? { 'DuckDB alone (s)': secs(alone[m.model]), ratio: ratio(m.seconds, alone[m.model]) } : {}),
      'peak RSS': m.peakRssBytes ? gb(m.peakRssBytes) : '—',
      ...(r.small ? {
        'small: rows': before ? count(before.rows) : '—',
        'small (s)': before ? secs(before.seconds) : '—',
        'growth of time': before ? ratio(m.seconds, before.seconds) : '—',
        'growth of rows': before ? ratio(m.rows, before.rows) : '—',
      } : {}),
    };
  });
};

const mdTable = (rows: Record<string, string>[]) => {
  if (!rows.length) return '';
  const headers = Object.keys(rows[0]!);
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${headers.map((h) => row[h] ?? '').join(' | ')} |`),
  ].join('\n');
};

const inputLine = (r: BenchRecord) => {
  const rows = r.dataset.rows;
  return `sample company at scale ${r.preset.scale}, seed ${r.preset.seed}, ${r.format.toUpperCase()}: ${count(rows.opportunities ?? 0)} opportunities, `
    + `${count(rows.activities ?? 0)} activities, ${count(rows.invoice_lines ?? 0)} invoice lines, `
    + `${count(Object.values(rows).reduce((a, b) => a + b, 0))} rows in all, ${gb(r.dataset.bytes)} on disk`
    + (r.dataset.generatedSeconds ? ` (generated in ${secs(r.dataset.generatedSeconds)} s)` : ' (cached)');
};

const machineLine = (m: Machine) =>
  `${m.cpu}, ${m.cores} cores, ${gb(m.ramBytes)} RAM; ${m.os}; Node ${m.node}; DuckDB ${m.duckdb} via @duckdb/node-api ${m.duckdbNodeApi}; `
  + `load average ${m.loadAverage.toFixed(1)} when the run started (other work on the machine)`;

const settingsLine = (s: EngineSettings) =>
  `memory_limit ${s.memoryLimit ?? 'DuckDB default (80 % of RAM)'}, threads ${s.threads ?? 'all cores'}, reference day ${s.asOf}`;

const memoryLine = (r: BenchRecord) => {
  const peak = Math.max(r.ours.full.peakRssBytes, r.ours.unchanged?.peakRssBytes ?? 0, r.ours.changed?.peakRssBytes ?? 0);
  return `Peak RSS of our runs (Node + DuckDB + Evidence's processes): ${gb(peak)}`
    + (r.settings.memoryLimit ? ` with memory_limit ${r.settings.memoryLimit} (DuckDB's buffer pool; Node, Evidence and DuckDB's allocations outside the pool come on top).` : '.');
};

export const renderMarkdown = (r: BenchRecord): string => [
  `### ${r.preset.name} preset, ${r.format.toUpperCase()} input`,
  '',
  `- Run: ${r.finishedAt}, \`${r.command}\`${r.code ? `, code ${r.code}` : ''}`,
  `- Input: ${inputLine(r)}`,
  `- Machine: ${machineLine(r.machine)}`,
  `- Engine: ${settingsLine(r.settings)}`,
  `- Loaded: ${count(Object.values(r.ours.rowsLoaded).reduce((a, b) => a + b, 0))} rows (${count(r.ours.rowsRejected)} rejected), ${r.ours.models} models; database ${gb(r.ours.databaseBytes)}`,
  ...(r.baseline?.failures.length ? [`- Baseline problems (DuckDB alone, auto-detected types): ${r.baseline.failures.join('; ')}`] : []),
  '',
  mdTable(stageRows(r)),
  '',
  mdTable(rebuildRows(r)),
  '',
  mdTable(volumeRows(r)),
  '',
  ...(r.ours.modelRuns ? [`Slowest ${SLOWEST} models of the full build (audit.model_runs)${r.baseline?.modelSeconds ? ', beside DuckDB alone running the same SQL' : ''}:`, '', mdTable(slowestModelRows(r)), ''] : []),
  memoryLine(r),
].join('\n');

export const renderText = (r: BenchRecord): string => [
  `${r.preset.name} preset, ${r.format.toUpperCase()} — ${inputLine(r)}`,
  `machine: ${machineLine(r.machine)}`,
  `engine: ${settingsLine(r.settings)}`,
  '',
  formatTable(stageRows(r)),
  '',
  formatTable(rebuildRows(r)),
  '',
  formatTable(volumeRows(r)),
  '',
  ...(r.ours.modelRuns ? [`slowest ${SLOWEST} models of the full build (audit.model_runs):`, formatTable(slowestModelRows(r)), ''] : []),
  memoryLine(r),
].join('\n');

const START = '<!-- bench:results:start (generated by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';
const ORDER = ['sample-csv', 'sample-parquet', 'small-csv', 'small-parquet', 'medium-csv', 'medium-parquet', 'large-csv', 'large-parquet'];
const blockMarkers = (key: string) => [`<!-- bench:${key}:start -->`, `<!-- bench:${key}:end -->`] as const;

/** Replaces this run's block in the generated section of BENCHMARKS.md, keeping the others and the hand-written text. */
export const writeBenchmarksFile = (file: string, record: BenchRecord) => {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  const [head, generated, tail] = from >= 0 && to > from
    ? [text.slice(0, from), text.slice(from + START.length, to), text.slice(to + END.length)]
    : [`${text.trimEnd()}\n\n`, '', '\n'];
  const blocks = new Map<string, string>();
  for (const key of ORDER) {
    const [open, close] = blockMarkers(key);
    const a = generated.indexOf(open);
    const b = generated.indexOf(close);
    if (a >= 0 && b > a) blocks.set(key, generated.slice(a + open.length, b).trim());
  }
  blocks.set(`${record.preset.name}-${record.format}`, renderMarkdown(record));
  const body = ORDER.filter((k) => blocks.has(k)).map((k) => `${blockMarkers(k)[0]}\n${blocks.get(k)}\n${blockMarkers(k)[1]}`).join('\n\n');
  fs.writeFileSync(file, `${head}${START}\n${body}\n${END}${tail}`);
};
