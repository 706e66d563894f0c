/**
 * What a run prints: one line per step with its time, DuckDB's own progress on long statements,
 * and the closing tables. Kept apart from the work so tests can run silently.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface StepTiming {
  step: string;
  seconds: number;
}

export interface Reporter {
  /** Runs `work` as a named step, timing it; `quiet` steps are timed but not announced. */
  step<T>(name: string, work: () => Promise<T>, options?: { quiet?: boolean }): Promise<T>;
  detail(message: string): void;
  warn(message: string): void;
  readonly timings: StepTiming[];
}

export interface ReporterOptions {
  write?: (line: string) => void;
  /** Connection whose running statement's progress is shown during long steps. */
  connection?: () => DuckDBConnection | undefined;
  /** Seconds before a running step starts showing progress. */
  progressAfter?: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const createReporter = (options: ReporterOptions = {}): Reporter => {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const timings: StepTiming[] = [];
  const after = (options.progressAfter ?? 3) * 1000;
  return {
    timings,
    async step(name, work, stepOptions = {}) {
      const started = performance.now();
      if (!stepOptions.quiet) write(`▸ ${name}…`);
      const ticker = setInterval(() => {
        const connection = options.connection?.();
        const progress = connection?.progress;
        const pct = progress && progress.percentage >= 0 ? ` — current statement ${progress.percentage.toFixed(0)} %` : '';
        write(`  … ${name}: ${seconds(performance.now() - started)} elapsed${pct}`);
      }, after);
      ticker.unref();
      try {
        const result = await work();
        const elapsed = performance.now() - started;
        // Quiet steps are details of a larger step, timed in their own tables.
        if (!stepOptions.quiet) timings.push({ step: name, seconds: elapsed / 1000 });
        write(`${stepOptions.quiet ? '  ' : ''}✓ ${name} (${seconds(elapsed)})`);
        return result;
      } catch (error) {
        write(`✗ ${name} failed after ${seconds(performance.now() - started)}`);
        throw error;
      } finally {
        clearInterval(ticker);
      }
    },
    detail: (message) => write(`  ${message}`),
    warn: (message) => write(`  ⚠ ${message}`),
  };
};

/** A reporter that records timings and prints nothing (tests). */
export const silentReporter = () => createReporter({ write: () => {} });

/** Renders rows as an aligned plain-text table; numbers are right-aligned. */
export const formatTable = (rows: Record<string, string | number>[]): string => {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0]!);
  const cell = (v: string | number) => (typeof v === 'number' ? v.toLocaleString('en', { maximumFractionDigits: 2 }) : v);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(cell(r[h] ?? '')).length)));
  const line = (values: (string | number)[]) =>
    values.map((v, i) => (typeof v === 'number' ? String(cell(v)).padStart(widths[i]!) : String(v).padEnd(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map((r) => line(headers.map((h) => r[h] ?? '')))].join('\n');
};
