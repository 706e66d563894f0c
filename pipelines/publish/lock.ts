/**
 * One build at a time per data folder: `build.lock` in the folder names the holder (pid, host,
 * since when). A second build waits for it (bounded, saying so) or stops naming the holder; the
 * lock of a process that no longer exists on this host is taken over.
 *
 * The lock is a file created with O_EXCL (`wx`), which only one process can win, and it works on
 * any local or network file system, unlike flock() on NFS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onInterrupt } from '../process/interrupt.js';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export class LockError extends Error {
  override name = 'LockError';
}

export interface BuildLock {
  file: string;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void;
}

export interface LockOptions {
  /** Seconds to wait for the holder to finish (0: stop at once). */
  waitSeconds: number;
  /** Told once when the run starts waiting, with who holds the lock. */
  onWait?: (message: string) => void;
  /** Poll interval in milliseconds. */
  pollMs?: number;
}

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readHolder = (file: string): { holder?: LockHolder; raw: string } | undefined => {
  try {
    const raw = fs.readFileSync(file, 'utf8');
    try {
      return { holder: JSON.parse(raw) as LockHolder, raw };
    } catch {
      return { raw };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/**
 * The holder as its lock file names it. The file is created, then written: one caught in between
 * is read again a moment later (up to 100 ms), so that a waiting run can say who holds the lock.
 */
const readHolderWritten = async (file: string) => {
  for (let attempt = 0; ; attempt++) {
    const seen = readHolder(file);
    if (!seen || seen.raw !== '' || attempt === 5) return seen;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A holder that is gone: its process died on this host, or its lock file was never written out. */
const isStale = (file: string, seen: { holder?: LockHolder; raw: string }) => {
  if (!seen.holder) {
    // Created but not yet written: only stale if it stayed empty for a while.
    try {
      return Date.now() - fs.statSync(file).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  return seen.holder.host === os.hostname() && !isAlive(seen.holder.pid);
};

/**
 * Removes a stale lock. rename() moves exactly one file away, so two runs taking over the same
 * stale lock cannot both succeed; if what was moved is not the stale lock we saw (another run took
 * it over in between), it is put back.
 */
const takeOver = (file: string, seenRaw: string) => {
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (fs.readFileSync(aside, 'utf8') !== seenRaw) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // Someone created a lock meanwhile: theirs stands.
    }
  }
  fs.rmSync(aside, { force: true });
};

export const describeHolder = (holder: LockHolder | undefined) =>
  holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'a process that has not written its name yet';

export const acquireLock = async (dataDir: string, options: LockOptions): Promise<BuildLock> => {
  fs.mkdirSync(path.resolve(dataDir), { recursive: true });
  const file = path.join(path.resolve(dataDir), 'build.lock');
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() } satisfies LockHolder);
  const deadline = Date.now() + options.waitSeconds * 1000;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        forget();
        if (readHolder(file)?.raw === mine) fs.rmSync(file, { force: true });
      };
      // An interrupted run frees the data folder at once rather than leaving a stale lock.
      const forget = onInterrupt(release);
      return { file, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = await readHolderWritten(file);
    if (!seen) continue;
    if (isStale(file, seen)) {
      options.onWait?.(`taking over the build lock of ${describeHolder(seen.holder)}: that process no longer runs`);
      takeOver(file, seen.raw);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockError(`Another build is using the data folder ${path.dirname(file)}: ${describeHolder(seen.holder)} (lock file ${file}). `
        + `Wait for it to finish${options.waitSeconds > 0 ? ` (waited ${options.waitSeconds} s; BI_LOCK_WAIT / --lock-wait sets how long)` : ''}, `
        + `or use another BI_DATA_DIR.`);
    }
    if (!told) {
      told = true;
      options.onWait?.(`another build holds the lock of ${path.dirname(file)} (${describeHolder(seen.holder)}): waiting up to ${options.waitSeconds} s for it to finish`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
};
