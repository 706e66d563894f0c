/**
 * The sample company built once and shared, read-only, by the end-to-end tests that need no data of
 * their own (test/e2e-site.test.ts, test/e2e-audiences.test.ts). One run of
 *
 *   npm run build -- --as-of 2026-11-22 --publish-config <AUDIENCES_CONFIG>
 *
 * makes both what e2e-site reads (the full site) and what e2e-audiences reads (the same full site
 * with one site per audience in its `audiences/` folder, prerendered from its compiled app): two
 * site builds of the same data had been made for them.
 *
 * Whichever test asks first builds it; the other waits on a lock (vitest's two workers never build
 * it twice at once). It lands in `.site-work/test-builds/sample-<fingerprint>/`, the fingerprint
 * covering what the build reads — pipelines/, models/, the site project, patches/, package-lock.json,
 * this file, the audiences, the flags and the day — so a later run with none of them changed reuses
 * it. `BI_TEST_FRESH_BUILD=1` forces a fresh one (once per run), as does removing the folder.
 *
 * A failed build is recorded for its run: every test that needs it fails with the build's own
 * error, instead of each building it again. (The lock, cache and failure mechanics: build-once.ts.)
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { PROJECT_ROOT, today } from '../../pipelines/config.js';
import { contentHash } from '../../pipelines/incremental/fingerprints.js';
import { AUDIENCES_FOLDER, linkTree } from '../../pipelines/audiences/audience-sites.js';
import { siteWorkDir } from '../../pipelines/site/build-site.js';
import { SITE_PROJECT_INPUTS } from '../../pipelines/site/project.js';
import { AUDIENCES_CONFIG } from './sample-audiences.js';
import { buildOnce } from './build-once.js';
import { tempDir } from './load.js';

const run = promisify(execFile);

/** Where shared builds live (inside the repository: Evidence's work folders must be, see work-folder.ts). */
const ROOT = path.join(PROJECT_ROOT, '.site-work', 'test-builds');
const AS_OF = '2026-11-22';
/** Up to how long a test waits for another worker's build (a site build with audiences: minutes). */
const LOCK_WAIT_SECONDS = 1800;

export interface SharedBuild {
  /** The data folder (BI_DATA_DIR): `warehouse.duckdb` and the releases. Read it, never write it. */
  dataDir: string;
  /** The published site (BI_SITE_DIR), `audiences/` inside it. Read it, never write it. */
  siteDir: string;
  /** What the build printed (stdout). */
  output: string;
}

/** The fingerprint of everything the shared build reads: a change to any of it means a new build. */
const fingerprint = (args: string[]) =>
  createHash('sha1').update(JSON.stringify({
    code: contentHash('pipelines', 'models', ...SITE_PROJECT_INPUTS, 'patches', 'package-lock.json',
      'test/helpers/shared-build.ts', 'test/helpers/build-once.ts', 'test/helpers/sample-audiences.ts'),
    args,
    // The run's "today" bounds what the load accepts as past: a build of another day is not reused.
    day: today(),
    node: process.version,
  })).digest('hex').slice(0, 12);

/** Evidence's work folders of a data folder (in `.site-work/`, outside it): only the site they made is kept. */
const removeWorkFolders = (dataDir: string) => {
  for (const dir of [siteWorkDir(dataDir), `${siteWorkDir(dataDir)}-audiences`]) fs.rmSync(dir, { recursive: true, force: true });
};

/** `npm run build` with `args` into the data folder `dataDir`; its stdout, or an error saying what failed with its last output. */
const runBuild = async (args: string[], dataDir: string) => {
  try {
    return (await run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/cli.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BI_DATA_DIR: dataDir, BI_SITE_DIR: path.join(dataDir, 'site') },
      maxBuffer: 64 * 1024 * 1024,
    })).stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`the shared sample build failed (npm run ${args.join(' ')}, BI_DATA_DIR=${dataDir}):\n${(error as Error).message}\n` +
      `--- its last output ---\n${`${stdout ?? ''}\n${stderr ?? ''}`.trim().slice(-6000)}`);
  } finally {
    removeWorkFolders(dataDir);
  }
};

let shared: Promise<SharedBuild> | undefined;

/** The shared sample build: made if no build of the same inputs exists (or a fresh one was asked for), else reused. */
export const sharedSampleBuild = (): Promise<SharedBuild> => (shared ??= buildOrReuse());

const buildOrReuse = async (): Promise<SharedBuild> => {
  fs.mkdirSync(ROOT, { recursive: true });
  const configFile = path.join(ROOT, 'publish.yaml');
  const args = ['build', '--as-of', AS_OF, '--publish-config', configFile];
  const name = `sample-${fingerprint(args)}`;
  const { dir, output } = await buildOnce({
    root: ROOT,
    name,
    runId: inject('testRunId'),
    fresh: process.env.BI_TEST_FRESH_BUILD === '1',
    waitSeconds: LOCK_WAIT_SECONDS,
    log: (line) => console.log(`shared sample build: ${line}`),
    build: (dataDir) => {
      // Only the newest build is kept: an older fingerprint's is of code that changed since.
      for (const other of fs.readdirSync(ROOT).filter((n) => n.startsWith('sample-') && !n.startsWith(name))) fs.rmSync(path.join(ROOT, other), { recursive: true, force: true });
      fs.writeFileSync(configFile, AUDIENCES_CONFIG);
      console.log(`shared sample build: npm run ${args.join(' ')} into ${path.relative(PROJECT_ROOT, dataDir)} (one build for every test that reads it)`);
      return runBuild(args, dataDir);
    },
  });
  return { dataDir: dir, siteDir: path.join(dir, 'site'), output };
};

/**
 * The shared build as a plain `npm run build --as-of` would have left it, for a test that must
 * write beside it (screenshots) or reads its whole site folder: a folder of its own holding the
 * database (a link to the shared one) and the full site without `audiences/` (hard links, made in
 * a moment: the tests read them and never write a file in place). Remove it after.
 */
export const sharedSampleWithoutAudiences = async (): Promise<SharedBuild> => {
  const build = await sharedSampleBuild();
  const dataDir = tempDir('bi-e2e-shared-view-');
  fs.symlinkSync(fs.realpathSync(path.join(build.dataDir, 'warehouse.duckdb')), path.join(dataDir, 'warehouse.duckdb'));
  const siteDir = path.join(dataDir, 'site');
  linkTree(fs.realpathSync(build.siteDir), siteDir, (relative) => relative === AUDIENCES_FOLDER);
  return { dataDir, siteDir, output: build.output };
};
