/**
 * Child-process entry of the benchmark: runs one job (our pipeline, or the native baseline) read
 * from the JSON file named on the command line and writes its result as JSON beside it. Each job
 * gets a fresh process so its peak memory is its own (see memory.ts).
 */
import fs from 'node:fs';
import { runBaseline } from './baseline.js';
import { runOurs } from './ours.js';
import type { Job } from './types.js';

const [jobFile, resultFile] = process.argv.slice(2);
if (!jobFile || !resultFile) {
  console.error('usage: worker.ts JOB.json RESULT.json');
  process.exit(2);
}
const job = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as Job;
const result = job.kind === 'ours' ? await runOurs(job) : await runBaseline(job);
fs.writeFileSync(resultFile, JSON.stringify(result, null, 2));
