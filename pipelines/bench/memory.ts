/**
 * Peak memory of a benchmark run, sampled rather than asked for: DuckDB runs inside our process
 * (its memory shows in our RSS, not in V8's heap) and Evidence runs in child processes, so the
 * sampler adds up the resident memory of this process and all its descendants (read from
 * /proc on Linux; elsewhere only this process's `process.memoryUsage().rss`). Each benchmark job
 * runs in its own child process (see child.ts), so one job's freed-but-kept memory does not
 * inflate the next job's peaks.
 */
import fs from 'node:fs';

const PAGE_BYTES = 4096;

interface ProcStat {
  pid: number;
  ppid: number;
  rssBytes: number;
}

/** pid, parent pid and resident bytes of every process, from /proc/<pid>/stat. */
const readProcesses = (): ProcStat[] => {
  const stats: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // the process ended between readdir and read
    }
    // Fields after the command name (which may hold spaces and parentheses): state ppid … rss is the 22nd.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    stats.push({ pid: Number(name), ppid: Number(fields[1]), rssBytes: Number(fields[21]) * PAGE_BYTES });
  }
  return stats;
};

/** Resident bytes of a process and all its descendants. */
export const treeRssBytes = (root = process.pid): number => {
  if (process.platform !== 'linux') return process.memoryUsage().rss;
  const processes = readProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let total = processes.find((p) => p.pid === root)?.rssBytes ?? process.memoryUsage().rss;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    total += p.rssBytes;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return total;
};

export interface RssSample {
  /** performance.now() of the sample. */
  at: number;
  bytes: number;
}

/** Samples the process tree's RSS every `intervalMs` and answers "what was the peak between t0 and t1". */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 100) {}

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  sample(): number {
    const bytes = treeRssBytes();
    this.samples.push({ at: performance.now(), bytes });
    return bytes;
  }

  peakBetween(from: number, to: number): number {
    let peak = 0;
    for (const s of this.samples) if (s.at >= from && s.at <= to && s.bytes > peak) peak = s.bytes;
    return peak;
  }
}
