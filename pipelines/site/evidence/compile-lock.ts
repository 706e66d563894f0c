/**
 * One Vite compile of the same app at a time. Compiled apps are shared between work folders by key
 * (`compiled-app.ts`), but two builds that start before either has shared one — a real company's
 * beside the sample's, two end-to-end tests with their own data — both found nothing to reuse and
 * compiled the same app side by side on the same cores. Now the second waits for the first (a lock
 * per key, the build lock of `publish/lock.ts`) and then prerenders with the app it shared.
 *
 * The lock only saves work, it guards nothing: when the wait runs out (a compile longer than any
 * seen), the build compiles anyway, as it did before.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../../config.js';
import { acquireLock, LockError, type BuildLock } from '../../publish/lock.js';

const LOCKS = path.join(PROJECT_ROOT, '.site-work', 'compile-locks');
/** A Vite compile of the site takes 1–3 minutes on a loaded 2-core machine. */
const WAIT_SECONDS = 900;

export interface CompileTurn {
  /** The app was shared by the build this one waited for: reuse it, compile nothing. */
  adopted: boolean;
  /** Frees the key for the next build (after this one shared its app, or failed). Idempotent. */
  release(): void;
}

/**
 * Waits for any other build compiling the app `key`, then asks `adopt` whether an app is there now.
 * If not, the caller holds the key until it calls `release()`: it must share its app before.
 */
export const compileTurn = async (key: string, adopt: () => boolean, log: (line: string) => void,
  options: { waitSeconds?: number; locksDir?: string } = {}): Promise<CompileTurn> => {
  let lock: BuildLock | undefined;
  try {
    lock = await acquireLock(path.join(options.locksDir ?? LOCKS, key), {
      waitSeconds: options.waitSeconds ?? WAIT_SECONDS,
      onWait: () => log('  another build is compiling the same pages: waiting for its app instead of compiling it again'),
    });
  } catch (error) {
    if (!(error instanceof LockError)) throw error;
    log(`  waited ${options.waitSeconds ?? WAIT_SECONDS} s for another build's compile of the same pages: compiling here too`);
    return { adopted: adopt(), release: () => {} };
  }
  if (adopt()) {
    lock.release();
    return { adopted: true, release: () => {} };
  }
  return { adopted: false, release: lock.release };
};
