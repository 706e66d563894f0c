/**
 * A folder built at most once per test run, whoever asks, and kept for later runs while its inputs
 * are unchanged (the caller names it by their fingerprint): the mechanics of the shared sample build
 * (`shared-build.ts`), apart so that they can be tested without building a site.
 *
 * - Test files in vitest's two workers ask at once: a lock in `root` (the project's build lock,
 *   `pipelines/publish/lock.ts`) lets one build while the others wait, then read what it made.
 * - `<root>/<name>/complete.json` marks a finished build (with what it printed): a folder without
 *   it is a build that was killed, made again.
 * - A failed build leaves `<root>/<name>.failed.json`: the other callers of the same run get its
 *   error without building again; the next run tries again.
 * - `fresh`: build again, once in this run, even if a finished build exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { acquireLock } from '../../pipelines/publish/lock.js';

export interface BuildOnceOptions {
  /** Folder of the builds and their lock. */
  root: string;
  /** The build's folder name in `root` (e.g. with the fingerprint of its inputs). */
  name: string;
  /** This test run (the same in every worker). */
  runId: string;
  /** Build again even if a finished build exists (once per run). */
  fresh?: boolean;
  /** Makes the build in `dir` (empty, created); returns what it printed. Throws on failure. */
  build: (dir: string) => Promise<string>;
  /** Up to how long to wait for another caller's build. */
  waitSeconds?: number;
  log?: (line: string) => void;
}

export interface BuiltOnce {
  dir: string;
  /** What the build printed. */
  output: string;
}

interface Complete {
  output: string;
  runId: string;
}

const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

export const buildOnce = async (options: BuildOnceOptions): Promise<BuiltOnce> => {
  const log = options.log ?? (() => {});
  const dir = path.join(options.root, options.name);
  const completeFile = path.join(dir, 'complete.json');
  const failedFile = path.join(options.root, `${options.name}.failed.json`);
  const lock = await acquireLock(options.root, {
    waitSeconds: options.waitSeconds ?? 1800,
    onWait: (message) => log(`waiting for another test's build of ${options.name} (${message})`),
  });
  try {
    const failed = readJson<{ runId: string; message: string }>(failedFile);
    if (failed?.runId === options.runId) throw new Error(failed.message);
    const complete = readJson<Complete>(completeFile);
    if (complete && !(options.fresh && complete.runId !== options.runId)) return { dir, output: complete.output };

    fs.rmSync(failedFile, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    let output: string;
    try {
      output = await options.build(dir);
    } catch (error) {
      fs.writeFileSync(failedFile, JSON.stringify({ runId: options.runId, message: (error as Error).message }));
      throw error;
    }
    fs.writeFileSync(completeFile, JSON.stringify({ output, runId: options.runId } satisfies Complete));
    return { dir, output };
  } finally {
    lock.release();
  }
};
