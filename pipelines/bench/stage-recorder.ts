/**
 * A Reporter (pipelines/progress.ts) that also records when each pipeline step started and
 * ended and when each detail line was written, so a run through `runPipeline` can be cut into
 * the benchmark's stages without touching the pipeline:
 *
 *   load extracts / load N changed extract(s)  → load
 *   build N models / rebuild N of M models     → staging + intermediate/marts, split with the
 *                                                per-model seconds runModels returns
 *   run N data tests                           → tests
 *   build site (Evidence, offline)             → report sources up to the site step's
 *                                                "N report source(s), K with no rows" line (written
 *                                                once Evidence's sources step ended), site after it
 */
import { createReporter, type Reporter } from '../progress.js';
import type { ModelResult } from '../models/run-models.js';
import type { RssSampler } from './memory.js';
import type { StageMeasure, StageName } from './types.js';

interface Window {
  name: string;
  from: number;
  to: number;
}

export interface StageRecorder {
  reporter: Reporter;
  /** Cuts what happened between `from` and `to` into stages. */
  stagesBetween(from: number, to: number, models: ModelResult[]): Partial<Record<StageName, StageMeasure>>;
}

export const createStageRecorder = (sampler: RssSampler, write: (line: string) => void): StageRecorder => {
  const inner = createReporter({ write });
  const windows: Window[] = [];
  const details: { at: number; message: string }[] = [];

  const reporter: Reporter = {
    get timings() {
      return inner.timings;
    },
    async step(name, work, options) {
      if (options?.quiet) return inner.step(name, work, options);
      const from = performance.now();
      sampler.sample();
      try {
        return await inner.step(name, work, options);
      } finally {
        sampler.sample();
        windows.push({ name, from, to: performance.now() });
      }
    },
    detail(message) {
      details.push({ at: performance.now(), message });
      inner.detail(message);
    },
    warn: (message) => inner.warn(message),
  };

  const measure = (from: number, to: number): StageMeasure => ({ seconds: (to - from) / 1000, peakRssBytes: sampler.peakBetween(from, to) });

  const stagesBetween = (from: number, to: number, models: ModelResult[]) => {
    const stages: Partial<Record<StageName, StageMeasure>> = {};
    const find = (pattern: RegExp) => windows.find((w) => w.from >= from && w.to <= to && pattern.test(w.name));
    const load = find(/^load /);
    if (load) stages.load = measure(load.from, load.to);
    const modelsStep = find(/models$/);
    if (modelsStep) {
      const whole = measure(modelsStep.from, modelsStep.to);
      const staging = models.filter((m) => m.model.startsWith('staging.') && !m.reused).reduce((s, m) => s + m.seconds, 0);
      stages.staging = { seconds: staging, peakRssBytes: whole.peakRssBytes };
      stages.later_models = { seconds: whole.seconds - staging, peakRssBytes: whole.peakRssBytes };
    }
    const tests = find(/data tests$/);
    if (tests) stages.tests = measure(tests.from, tests.to);
    const site = find(/^build site/);
    if (site) {
      const split = details.find((d) => d.at >= site.from && d.at <= site.to && /\d+ report source\(s\), \d+ with no rows/.test(d.message))?.at;
      if (split) {
        stages.sources = measure(site.from, split);
        stages.site = measure(split, site.to);
      } else {
        stages.site = measure(site.from, site.to);
      }
    }
    return stages;
  };

  return { reporter, stagesBetween };
};
