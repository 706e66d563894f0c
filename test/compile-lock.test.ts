/**
 * One Vite compile of the same app at a time (pipelines/site/evidence/compile-lock.ts): builds that
 * find no app to reuse take turns per key; the one that waited reuses what the first shared, and
 * compiles only when nothing was shared (the first failed) or the wait ran out.
 */
import { describe, expect, it } from 'vitest';
import { compileTurn } from '../pipelines/site/evidence/compile-lock.js';
import { tempDir } from './helpers/load.js';

/** A stand-in for the shared apps: which keys have one. */
const sharedApps = () => {
  const shared = new Set<string>();
  return { share: (key: string) => shared.add(key), adopt: (key: string) => () => shared.has(key) };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('compile turns per compiled-app key', () => {
  it('a second build waits for the first one compiling the same app, then reuses its app', async () => {
    const locksDir = tempDir('bi-compile-lock-');
    const apps = sharedApps();
    const told: string[] = [];
    const first = await compileTurn('k1', apps.adopt('k1'), () => {}, { locksDir });
    expect(first.adopted).toBe(false);
    let secondDone = false;
    const second = compileTurn('k1', apps.adopt('k1'), (line) => told.push(line), { locksDir }).then((turn) => {
      secondDone = true;
      return turn;
    });
    await sleep(600);
    // The first is still compiling: the second has not gone ahead.
    expect(secondDone).toBe(false);
    expect(told).toEqual(['  another build is compiling the same pages: waiting for its app instead of compiling it again']);
    apps.share('k1');
    first.release();
    expect((await second).adopted).toBe(true);
  });

  it('builds of different apps do not wait for each other', async () => {
    const locksDir = tempDir('bi-compile-lock-');
    const apps = sharedApps();
    const a = await compileTurn('a', apps.adopt('a'), () => {}, { locksDir });
    const started = Date.now();
    const b = await compileTurn('b', apps.adopt('b'), () => {}, { locksDir });
    expect(Date.now() - started).toBeLessThan(500);
    expect([a.adopted, b.adopted]).toEqual([false, false]);
    a.release();
    b.release();
  });

  it('when the first build fails (nothing shared), the one that waited compiles, holding the key', async () => {
    const locksDir = tempDir('bi-compile-lock-');
    const apps = sharedApps();
    const first = await compileTurn('k', apps.adopt('k'), () => {}, { locksDir });
    const second = compileTurn('k', apps.adopt('k'), () => {}, { locksDir });
    await sleep(300);
    first.release();
    const turn = await second;
    expect(turn.adopted).toBe(false);
    // It holds the key now: a third waits for it in turn.
    let thirdDone = false;
    const third = compileTurn('k', apps.adopt('k'), () => {}, { locksDir }).then((t) => {
      thirdDone = true;
      return t;
    });
    await sleep(500);
    expect(thirdDone).toBe(false);
    apps.share('k');
    turn.release();
    expect((await third).adopted).toBe(true);
  });

  it('a wait that runs out compiles anyway, saying so, rather than failing the build', async () => {
    const locksDir = tempDir('bi-compile-lock-');
    const apps = sharedApps();
    const told: string[] = [];
    const stuck = await compileTurn('k', apps.adopt('k'), () => {}, { locksDir });
    const turn = await compileTurn('k', apps.adopt('k'), (line) => told.push(line), { locksDir, waitSeconds: 0.4 });
    expect(turn.adopted).toBe(false);
    expect(told.at(-1)).toBe("  waited 0.4 s for another build's compile of the same pages: compiling here too");
    stuck.release();
  });
});
