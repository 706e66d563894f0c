/**
 * Evidence's CLI run offline, telemetry off, in its own process group, and its failures found:
 * Evidence alone exits 0 on a broken page query, so its output and prerendered pages are scanned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config.js';
import { spawnInGroup } from '../../process/children.js';

export class SiteError extends Error {
  override name = 'SiteError';
}

/** The environment Evidence runs in: ours, less any Evidence path override, telemetry off. */
export const evidenceEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', DO_NOT_TRACK: '1' };
  for (const key of Object.keys(env)) if (/^EVIDENCE_(DATA|BUILD)_/.test(key)) delete env[key];
  return env;
};

/**
 * Runs the Evidence CLI in the work folder with no telemetry; resolves with its output. Evidence
 * starts Vite and its workers: they run in their own process group, ended with the run.
 */
export const evidence = (workDir: string, args: string[], log: (line: string) => void, env: NodeJS.ProcessEnv = evidenceEnv()) =>
  runNode(workDir, [path.join(PROJECT_ROOT, 'node_modules/@evidence-dev/evidence/cli.js'), ...args], env, log);

export const runNode = (cwd: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void, signal?: AbortSignal) =>
  new Promise<string>((resolve, reject) => {
    const child = spawnInGroup(process.execPath, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal ? { signal } : {}),
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (/✔|Finished|Error|error|failed/i.test(line) && line.trim()) log(`    ${line.trim()}`);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new SiteError(`${args.map((a) => path.basename(a)).join(' ')} exited with ${code}:\n${output.slice(-4000)}`))));
  });

/** Evidence's own markers of a failed query, in its console output or in a prerendered page. */
export const QUERY_ERROR = /Error in Query|Error running query|Query failed|Catalog Error|Binder Error|Parser Error|Conversion Error/;

export const findQueryErrors = (output: string, buildDir: string): string[] => {
  const problems = output.split('\n').filter((line) => QUERY_ERROR.test(line)).map((line) => `build output: ${line.trim()}`);
  const pages = fs.readdirSync(buildDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name));
  for (const page of pages) {
    const html = fs.readFileSync(page, 'utf8');
    const match = QUERY_ERROR.exec(html);
    if (match) problems.push(`${path.relative(buildDir, page)}: ${html.slice(match.index, match.index + 200).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')}`);
  }
  return problems;
};

