/**
 * The shared build's mechanics (test/helpers/build-once.ts), with a stand-in build that writes a
 * file and counts its calls: built once whoever asks and however many ask at once, reused by a later
 * run, made again when asked fresh or when a run was killed half-way, and a failure given to every
 * caller of its run without building again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOnce } from './helpers/build-once.js';
import { tempDir } from './helpers/load.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A build that takes a moment, writes `site.txt`, and counts its calls (or fails when told to). */
const standIn = (fail?: string) => {
  const calls: string[] = [];
  return {
    calls,
    build: async (dir: string) => {
      calls.push(dir);
      await sleep(300);
      if (fail) throw new Error(fail);
      fs.writeFileSync(path.join(dir, 'site.txt'), `built ${calls.length}`);
      return `output of build ${calls.length}`;
    },
  };
};

describe('a build made once per run and shared', () => {
  it('callers asking at once get one build: one builds, the others wait and read it', async () => {
    const root = tempDir('bi-build-once-');
    const b = standIn();
    const results = await Promise.all([1, 2, 3].map(() => buildOnce({ root, name: 'sample-x', runId: 'run-1', build: b.build })));
    expect(b.calls).toHaveLength(1);
    expect(results.map((r) => r.output)).toEqual(['output of build 1', 'output of build 1', 'output of build 1']);
    expect(fs.readFileSync(path.join(results[2]!.dir, 'site.txt'), 'utf8')).toBe('built 1');
  });

  it('a later run reuses it; asked fresh, it builds once more in that run only', async () => {
    const root = tempDir('bi-build-once-');
    const b = standIn();
    await buildOnce({ root, name: 'sample-x', runId: 'run-1', build: b.build });
    expect((await buildOnce({ root, name: 'sample-x', runId: 'run-2', build: b.build })).output).toBe('output of build 1');
    expect(b.calls).toHaveLength(1);
    const fresh = await buildOnce({ root, name: 'sample-x', runId: 'run-3', fresh: true, build: b.build });
    const again = await buildOnce({ root, name: 'sample-x', runId: 'run-3', fresh: true, build: b.build });
    expect([fresh.output, again.output]).toEqual(['output of build 2', 'output of build 2']);
    expect(b.calls).toHaveLength(2);
  });

  it('a build killed half-way (no completion mark) is made again, in an emptied folder', async () => {
    const root = tempDir('bi-build-once-');
    fs.mkdirSync(path.join(root, 'sample-x'));
    fs.writeFileSync(path.join(root, 'sample-x', 'half-written.txt'), '');
    const b = standIn();
    const { dir, output } = await buildOnce({ root, name: 'sample-x', runId: 'run-1', build: b.build });
    expect(output).toBe('output of build 1');
    expect(fs.readdirSync(dir).sort()).toEqual(['complete.json', 'site.txt']);
  });

  it("a failed build fails every caller of its run with the build's error, built once; the next run tries again", async () => {
    const root = tempDir('bi-build-once-');
    const failing = standIn('Evidence: 2 query error(s) in the report pages');
    const results = await Promise.allSettled([1, 2].map(() => buildOnce({ root, name: 'sample-x', runId: 'run-1', build: failing.build })));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'built'))).toEqual([
      'Evidence: 2 query error(s) in the report pages', 'Evidence: 2 query error(s) in the report pages']);
    expect(failing.calls).toHaveLength(1);
    await expect(buildOnce({ root, name: 'sample-x', runId: 'run-1', build: failing.build })).rejects.toThrow('Evidence: 2 query error(s)');
    expect(failing.calls).toHaveLength(1);
    const fixed = standIn();
    expect((await buildOnce({ root, name: 'sample-x', runId: 'run-2', build: fixed.build })).output).toBe('output of build 1');
    expect(fs.existsSync(path.join(root, 'sample-x.failed.json'))).toBe(false);
  });
});
