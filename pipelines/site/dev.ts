/**
 * `npm run dev [-- --port 3001] [--project DIR]`: the site's Evidence project (`site/`) served live by Evidence's
 * own dev server against the published database, as every Evidence author works — edit a page in
 * `site/pages/`, see it in the browser at once.
 *
 * Before the server starts, the report sources are run against the published database (Evidence's
 * `sources`) and their Arrow twins written (the patched browser client reads them: no Parquet
 * extension to download). Nothing is written to the database: it is opened read-only, and a build
 * may publish a new one meanwhile (run `npm run dev` again to read it).
 *
 * Environment: BI_DATA_DIR (where `npm run build` published the database; default data/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { databasePaths, PROJECT_ROOT, settingsFromEnv } from '../config.js';
import { spawnInGroup } from '../process/children.js';
import { evidence, evidenceEnv, QUERY_ERROR } from './evidence/cli.js';
import { SOURCE, TEMPLATE } from './evidence/compiled-app.js';
import { prepareEvidenceFolder } from './evidence/work-folder.js';
import { writeSourceTwins } from './finish/twins.js';
import { SITE_PROJECT } from './project.js';

const argsSchema = z.object({
  /** The Evidence project to serve (default site/; a copy of it in tests). */
  project: z.string().min(1).default(SITE_PROJECT).transform((p) => path.resolve(p)),
  port: z.coerce.number({ error: '--port is a port number, e.g. --port 3001' }).int().min(1).max(65535).default(3000),
  host: z.string().min(1).default('127.0.0.1'),
});

/** The environment of Evidence's dev server: ours, the source pointed at the published database. */
const devEnv = (project: string, database: string): NodeJS.ProcessEnv => ({
  ...evidenceEnv(),
  NODE_ENV: 'development',
  // Evidence's documented override of a source option (`EVIDENCE_SOURCE__<source>__<option>`); the
  // DuckDB driver reads the file name relative to the source's folder, absolute or not.
  [`EVIDENCE_SOURCE__${SOURCE}__filename`]: path.relative(path.join(project, 'sources', SOURCE), database),
});

const main = async () => {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { project: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
  const database = databasePaths(settingsFromEnv()).published;
  if (!fs.existsSync(database)) {
    throw new Error(`No published database at ${database}: run \`npm run build\` first (\`npm run build -- --no-site\` is enough for \`npm run dev\`), or set BI_DATA_DIR to the data folder of a build.`);
  }
  const { project, port, host } = parsed.data;
  if (!fs.existsSync(path.join(project, 'evidence.config.yaml'))) throw new Error(`${project} is not an Evidence project (no evidence.config.yaml)`);
  prepareEvidenceFolder(project);
  const env = devEnv(project, fs.realpathSync(database));
  console.log(`▸ report sources from ${path.relative(process.cwd(), database) || database}`);
  const stale = 'If a query names a column or table the database lacks, the database predates the models: run `npm run build` (or `npm run build -- --no-site`) to publish a current one.';
  const output = await evidence(project, ['sources', '--strict'], (line) => console.log(line), env).catch((error: Error) => {
    throw new Error(`${error.message}\n${stale}`);
  });
  if (QUERY_ERROR.test(output)) throw new Error(`A report source query failed against ${database}:\n${output.slice(-4000)}\n${stale}`);
  const twins = writeSourceTwins(path.join(project, TEMPLATE, 'static', 'data'));
  console.log(`  ${twins.sources} report source(s) ready`);
  console.log(`▸ Evidence dev server on http://${host}:${port}/ — edit ${path.relative(process.cwd(), path.join(project, 'pages')) || 'pages'}/*.md and the page reloads (Ctrl-C to stop)`);
  const server = spawnInGroup(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/@evidence-dev/evidence/cli.js'), 'dev', '--port', String(port), '--host', host], {
    cwd: project,
    env,
    stdio: 'inherit',
  });
  const stop = () => {
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
};

main().catch((error: Error) => {
  console.error(`npm run dev: ${error.message}`);
  process.exit(1);
});
