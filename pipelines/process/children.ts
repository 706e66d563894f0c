/**
 * Child processes that must not outlive the run. Each is spawned in its own process group
 * (`detached`), so ending the group also ends whatever it started (Evidence starts Vite, which
 * starts workers); the group is ended when the child exits, when the run fails, and on SIGINT or
 * SIGTERM (see `interrupt.ts`).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const running = new Set<ChildProcess>();

const endGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.pid === undefined) return;
  try {
    // A negative pid addresses the whole process group the child leads.
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
};

/** Spawns `command` as the leader of a new process group, tracked until the group is ended. */
export const spawnInGroup = (command: string, args: string[], options: SpawnOptions): ChildProcess => {
  const child = spawn(command, args, { ...options, detached: true });
  running.add(child);
  child.on('exit', () => {
    // Grandchildren left behind by a child that exited are ended with it.
    endGroup(child, 'SIGKILL');
    running.delete(child);
  });
  return child;
};

/** Ends every process group still running (a failed or interrupted run). Synchronous. */
export const endChildren = () => {
  for (const child of running) endGroup(child, 'SIGKILL');
  running.clear();
};

/**
 * Node processes left running in `dir` by a run that was killed outright (SIGKILL gives it no
 * chance to end its groups): ended before the folder is reused. Only the lock holder of the data
 * folder owning `dir` calls this, so any Node process working there is an orphan; other programs
 * (a shell someone opened there) are left alone. Linux only (/proc); elsewhere it does nothing.
 */
export const endOrphansIn = (dir: string): number[] => {
  if (!fs.existsSync('/proc/self/cwd') || !fs.existsSync(dir)) return [];
  const real = fs.realpathSync(dir);
  const ended: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cwd !== real && !cwd.startsWith(`${real}${path.sep}`)) continue;
      if (!/^node(js)?$/.test(path.basename(fs.readlinkSync(`/proc/${pid}/exe`)))) continue;
      process.kill(pid, 'SIGKILL');
      ended.push(pid);
    } catch {
      // Gone meanwhile, or not ours to inspect.
    }
  }
  return ended;
};
