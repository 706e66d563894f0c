/**
 * Our pipeline, measured: a full build through `runPipeline` (exactly what `npm run build` runs),
 * then — with `rebuilds` — the same call again with unchanged extracts, and once more after one
 * value of one extract changed. Whatever `runPipeline` does on those rebuilds (today: incremental
 * reuse of the published database) is what gets timed; the benchmark has no rebuild logic.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config.js';
import { runPipeline, type PipelineResult } from '../pipeline.js';
import { RssSampler } from './memory.js';
import { folderBytes, fileBytes } from './sizes.js';
import { createStageRecorder } from './stage-recorder.js';
import type { OursJob, OursResult, RunMeasure } from './types.js';
import { changeOneValue, linkedExtracts } from './workspace.js';

const log = (line: string) => process.stdout.write(`  [ours] ${line}\n`);

export const runOurs = async (job: OursJob): Promise<OursResult> => {
  const sampler = new RssSampler().start();
  const recorder = createStageRecorder(sampler, log);
  fs.rmSync(job.runDir, { recursive: true, force: true });
  const extracts = linkedExtracts(job.extractsDir, path.join(job.runDir, 'extracts'), [job.changeExtract]);
  const settings: Settings = {
    dataDir: path.join(job.runDir, 'data'),
    siteDir: path.join(job.runDir, 'site'),
    memoryLimit: job.settings.memoryLimit,
    threads: job.settings.threads,
    referenceDay: job.settings.asOf,
  };

  const measured = async (full: boolean): Promise<{ run: RunMeasure; result: PipelineResult }> => {
    const from = performance.now();
    sampler.sample();
    const result = await runPipeline({ settings, reporter: recorder.reporter, extracts, full, site: job.site, write: log });
    sampler.sample();
    const to = performance.now();
    return {
      result,
      run: {
        seconds: (to - from) / 1000,
        peakRssBytes: sampler.peakBetween(from, to),
        stages: recorder.stagesBetween(from, to, result.models),
        upToDate: result.upToDate,
        plan: result.plan.reason,
      },
    };
  };

  try {
    log('full build');
    const full = await measured(true);
    const outcome: OursResult = {
      full: full.run,
      rowsLoaded: Object.fromEntries(full.result.loads.map((l) => [l.extract, l.rowsLoaded])),
      rowsRejected: full.result.loads.reduce((s, l) => s + l.rowsRejected, 0),
      models: full.result.models.length,
      modelRuns: full.result.models.map((m) => ({ model: m.model, layer: m.layer, rows: m.rows, seconds: m.seconds, cpuSeconds: m.cpuSeconds, peakRssBytes: m.peakRssBytes })),
      siteBytes: folderBytes(settings.siteDir),
      siteDataBytes: folderBytes(path.join(settings.siteDir, 'data')),
      databaseBytes: fileBytes(full.result.databasePath),
    };
    if (job.rebuilds) {
      log('rebuild with unchanged extracts');
      outcome.unchanged = (await measured(false)).run;
      const changed = await changeOneValue(extracts, job.changeExtract);
      log(`rebuild after changing one value of ${path.basename(changed)}`);
      outcome.changed = (await measured(false)).run;
    }
    return outcome;
  } finally {
    sampler.stop();
  }
};
