/**
 * What a run undoes when it is interrupted (SIGINT from Ctrl-C, SIGTERM from a scheduler): child
 * process groups are ended, then the cleanups registered by the steps running (remove the
 * candidate database and the unpublished release, release the lock). The published release is
 * never among them: it is only replaced by the single atomic switch.
 */
import { endChildren } from './children.js';

const cleanups = new Set<() => void>();

/** Registers a synchronous cleanup for an interruption; returns its removal. */
export const onInterrupt = (cleanup: () => void): (() => void) => {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
};

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

/** Installs the handlers (CLI only): undo, print `message`, exit with 128 + the signal number. */
export const exitCleanlyOnSignals = (message: (signal: NodeJS.Signals) => string) => {
  for (const [signal, number] of Object.entries(SIGNALS) as [NodeJS.Signals, number][]) {
    process.once(signal, () => {
      endChildren();
      for (const cleanup of [...cleanups].reverse()) {
        try {
          cleanup();
        } catch {
          // Best effort: the next run removes what is left (stale candidate, release, lock).
        }
      }
      process.stderr.write(`${message(signal)}\n`);
      process.exit(128 + number);
    });
  }
};
