/**
 * Runs a benchmark job in a child process (`node --import tsx worker.ts`) and returns its result:
 * separate processes keep each job's peak RSS its own, and a crash in one job names the job.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.js';
import type { BaselineJob, BaselineResult, OursJob, OursResult } from './types.js';

const WORKER = path.join(import.meta.dirname, 'worker.ts');

export function runJob(job: OursJob, scratchDir: string): Promise<OursResult>;
export function runJob(job: BaselineJob, scratchDir: string): Promise<BaselineResult>;
export async function runJob(job: OursJob | BaselineJob, scratchDir: string): Promise<OursResult | BaselineResult> {
  fs.mkdirSync(scratchDir, { recursive: true });
  const jobFile = path.join(scratchDir, `${job.kind}-job.json`);
  const resultFile = path.join(scratchDir, `${job.kind}-result.json`);
  fs.rmSync(resultFile, { force: true });
  fs.writeFileSync(jobFile, JSON.stringify(job, null, 2));
  const code = await new Promise<number | null>((resolve, reject) => {
    // cwd: `--import tsx` resolves tsx from the project's node_modules.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, jobFile, resultFile], { stdio: 'inherit', cwd: PROJECT_ROOT });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0 || !fs.existsSync(resultFile)) throw new Error(`benchmark job "${job.kind}" failed (exit code ${code}); its output is above`);
  return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as OursResult | BaselineResult;
}
