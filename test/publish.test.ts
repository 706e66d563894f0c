/**
 * Publishing as one: the database and the site of a build are one release made current in a
 * single step, whatever kills or fails the run; one build at a time per data folder; a published
 * database that cannot be read is rebuilt, not reused; Evidence does not outlive its run; a full
 * disk or a read-only folder is told in one line.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../pipelines/build.js';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { runModels } from '../pipelines/models/run-models.js';
import { runPipeline } from '../pipelines/pipeline.js';
import { createReporter, silentReporter } from '../pipelines/progress.js';
import { endOrphansIn } from '../pipelines/process/children.js';
import { acquireLock, isAlive } from '../pipelines/publish/lock.js';
import { siteWorkDir } from '../pipelines/site/build-site.js';
import { describeSystemFailure } from '../pipelines/system-errors.js';
import { writeCompany } from './helpers/csv.js';
import { AS_OF, tempDir } from './helpers/load.js';
import { company, MODELS_DIR } from './helpers/models.js';
import { published, sha, stubSite } from './helpers/publish.js';

const CLI = path.join(PROJECT_ROOT, 'pipelines/cli.ts');

const fixtureFolder = (accounts = 2) => {
  const dir = tempDir('bi-extracts-');
  const c = company();
  for (let i = 3; i <= accounts; i++) c.accounts!.push({ ...c.accounts![1]!, account_id: `A${i}` });
  writeCompany(dir, c);
  return dir;
};

const folders = () => {
  const dataDir = tempDir('bi-publish-');
  return { dataDir, siteDir: path.join(dataDir, 'www', 'site') };
};

/** A real build over the fixture company with a stand-in site step (Evidence is not the point here). */
const buildWithStubSite = (dirs: { dataDir: string; siteDir: string }, extractsDir: string, label: string, write: (line: string) => void = () => {}) =>
  build({
    settings: { ...dirs, referenceDay: AS_OF },
    extractsDir,
    reporter: createReporter({ write }),
    afterLoad: async (db) => { await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter() }); },
    beforePublish: async () => stubSite(label),
  });

const countAccounts = async (file: string) => {
  const db = await openDatabase(file, { readOnly: true });
  try {
    return (await db.query<{ n: number }>('SELECT count(*) AS n FROM raw.accounts'))[0]!.n;
  } finally {
    db.close();
  }
};

interface Ran { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Starts `node --import tsx <script> args` and collects its output. */
const start = (script: string, args: string[], env: Record<string, string>) => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
};

const cli = (args: string[], env: Record<string, string>) => start(CLI, ['build', '--as-of', AS_OF, ...args], env).done;

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 120_000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the database and the site publish as one release', () => {
  it('a run killed during the site step leaves the previous release whole, and the next run rebuilds', async () => {
    const dirs = folders();
    const first = await buildWithStubSite(dirs, fixtureFolder(2), 'site of build A');
    expect(first.databasePath).toBe(path.join(dirs.dataDir, 'warehouse.duckdb'));
    expect(fs.lstatSync(dirs.siteDir).isSymbolicLink()).toBe(true);
    const before = published(dirs.dataDir, dirs.siteDir);
    expect(before.site).toContain('site of build A');

    // Build B: new extracts; its database is built, then it is killed while its site is built.
    const extractsB = fixtureFolder(3);
    const marker = path.join(tempDir('bi-marker-'), 'site-step');
    const run = start(path.join(PROJECT_ROOT, 'test/helpers/publish-child.ts'), [extractsB], {
      BI_DATA_DIR: dirs.dataDir, BI_SITE_DIR: dirs.siteDir, BI_AS_OF: AS_OF, PUBLISH_CHILD_HANG: marker, PUBLISH_CHILD_LABEL: 'site of build B',
    });
    await waitFor(() => fs.existsSync(marker), 'the child to reach its site step');
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');

    // Readers still see A, database and site together; B's candidate and lock are left behind.
    expect(published(dirs.dataDir, dirs.siteDir)).toEqual(before);
    expect(await countAccounts(path.join(dirs.dataDir, 'warehouse.duckdb'))).toBe(2);
    expect(fs.existsSync(path.join(dirs.dataDir, `warehouse.candidate-${run.child.pid}.duckdb`))).toBe(true);
    expect(fs.existsSync(path.join(dirs.dataDir, 'build.lock'))).toBe(true);

    // The next run compares with what is published (A), so it rebuilds and publishes B whole.
    const output: string[] = [];
    const again = await buildWithStubSite(dirs, extractsB, 'site of build B', (l) => output.push(l));
    expect(again.upToDate).toBe(false);
    expect(again.plan.reason).toMatch(/^changed: .*accounts/);
    expect(output.join('\n')).toMatch(new RegExp(`taking over the build lock of pid ${run.child.pid}`));
    const after = published(dirs.dataDir, dirs.siteDir);
    expect(after.site).toContain('site of build B');
    expect(await countAccounts(path.join(dirs.dataDir, 'warehouse.duckdb'))).toBe(3);
    // The new release and the one it replaced; nothing of the killed run.
    expect(after.releases).toEqual([before.release, after.release].map((r) => path.basename(r)).sort());
    expect(fs.readdirSync(dirs.dataDir).filter((f) => /candidate|\.lock|\.tmp/.test(f))).toEqual([]);

    // And with nothing changed since, the run is up to date.
    expect((await buildWithStubSite(dirs, extractsB, 'site of build C')).upToDate).toBe(true);
    expect(published(dirs.dataDir, dirs.siteDir)).toEqual(after);
  }, 300_000);

  it('a site missing from the published release is rebuilt, not reported as up to date', async () => {
    const dirs = folders();
    const extracts = fixtureFolder(2);
    await buildWithStubSite(dirs, extracts, 'site one');
    fs.rmSync(path.join(dirs.siteDir, 'index.html'));
    const again = await buildWithStubSite(dirs, extracts, 'site two');
    expect(again.upToDate).toBe(false);
    expect(again.plan.reason).toMatch(/no site published with this database/);
    expect(published(dirs.dataDir, dirs.siteDir).site).toContain('site two');
  }, 300_000);

  it('--no-site publishes a release whose site says, in French, that no site was built', async () => {
    const dirs = folders();
    await buildWithStubSite(dirs, fixtureFolder(2), 'site with 2 accounts');
    const result = await runPipeline({ settings: { ...dirs, referenceDay: AS_OF }, reporter: silentReporter(), extracts: fixtureFolder(3), site: false });
    expect(result.upToDate).toBe(false);
    expect(await countAccounts(result.databasePath)).toBe(3);
    const site = published(dirs.dataDir, dirs.siteDir).site;
    expect(site).not.toContain('site with 2 accounts');
    expect(site).toContain('Rapports non publiés');
  }, 300_000);

  it('an older data folder (a real database file and site folder) is moved into a release once, then rebuilt in full', async () => {
    const dirs = folders();
    const extracts = fixtureFolder(2);
    await buildWithStubSite(dirs, extracts, 'old site');
    // What an older version left: real files at the stable paths, no releases.
    const database = path.join(dirs.dataDir, 'warehouse.duckdb');
    const realDatabase = fs.readFileSync(database);
    const realSite = fs.readFileSync(path.join(dirs.siteDir, 'index.html'));
    for (const p of [database, dirs.siteDir, path.join(dirs.dataDir, 'current')]) fs.rmSync(p);
    fs.rmSync(path.join(dirs.dataDir, 'releases'), { recursive: true });
    fs.writeFileSync(database, realDatabase);
    fs.mkdirSync(dirs.siteDir);
    fs.writeFileSync(path.join(dirs.siteDir, 'index.html'), realSite);

    const output: string[] = [];
    const again = await buildWithStubSite(dirs, extracts, 'new site', (l) => output.push(l));
    expect(output.join('\n')).toMatch(/moved the database and site published by an older version/);
    expect(again.plan.reusePublished).toBe(false);
    expect(again.plan.reason).toMatch(/older version/);
    expect(fs.lstatSync(database).isSymbolicLink()).toBe(true);
    expect(published(dirs.dataDir, dirs.siteDir).site).toContain('new site');
  }, 300_000);
});

describe('one build at a time per data folder', () => {
  it('two builds started together: the second waits for the first, then finds everything up to date', async () => {
    const dirs = folders();
    const extracts = fixtureFolder(2);
    const env = { BI_DATA_DIR: dirs.dataDir, BI_SITE_DIR: dirs.siteDir };
    const [a, b] = await Promise.all([cli(['--extracts', extracts, '--no-site'], env), cli(['--extracts', extracts, '--no-site'], env)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const [builder, waiter] = /Published/.test(a.stdout) ? [a, b] : [b, a];
    expect(builder.stdout).toMatch(/Published/);
    expect(waiter.stdout).toMatch(/another build holds the lock of .* \(pid \d+ on .*, since .*\): waiting up to 600 s/);
    expect(waiter.stdout).toMatch(/Nothing changed since the last build/);
    expect(fs.readdirSync(path.join(dirs.dataDir, 'releases'))).toHaveLength(1);
    expect(await countAccounts(path.join(dirs.dataDir, 'warehouse.duckdb'))).toBe(2);
  }, 300_000);

  it('a build that cannot wait says who holds the lock; a dead holder\'s lock is taken over', async () => {
    const dirs = folders();
    const extracts = fixtureFolder(2);
    const env = { BI_DATA_DIR: dirs.dataDir, BI_SITE_DIR: dirs.siteDir };
    const lock = await acquireLock(dirs.dataDir, { waitSeconds: 0 });
    try {
      const refused = await cli(['--extracts', extracts, '--no-site', '--lock-wait', '1'], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`Another build is using the data folder ${dirs.dataDir}: pid ${process.pid} on ${os.hostname()}, since \\d{4}-\\d\\d-\\d\\dT`));
      expect(refused.stderr).toMatch(/waited 1 s/);
      expect(fs.existsSync(path.join(dirs.dataDir, 'current'))).toBe(false);
    } finally {
      lock.release();
    }
    // A lock left by a process that is gone.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    fs.writeFileSync(path.join(dirs.dataDir, 'build.lock'), JSON.stringify({ pid: dead.pid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const ran = await cli(['--extracts', extracts, '--no-site', '--lock-wait', '0'], env);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(new RegExp(`taking over the build lock of pid ${dead.pid}.*no longer runs`));
    expect(fs.existsSync(path.join(dirs.dataDir, 'build.lock'))).toBe(false);
  }, 300_000);

  it('a lock file read between its creation and its write is read again: the waiting run names its holder', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'build.lock');
    // The holder has created its lock file and not written its name yet; it does 30 ms later.
    fs.writeFileSync(file, '');
    const writing = setTimeout(() => fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' })), 30);
    const told: string[] = [];
    try {
      await expect(acquireLock(dir, { waitSeconds: 0.3, onWait: (m) => told.push(m) })).rejects.toThrow(new RegExp(`pid ${process.pid} on ${os.hostname()}`));
      expect(told).toHaveLength(1);
      expect(told[0]).toMatch(new RegExp(`another build holds the lock of .* \\(pid ${process.pid} on ${os.hostname()}, since 2026-01-01T00:00:00.000Z\\): waiting up to 0.3 s`));
    } finally {
      clearTimeout(writing);
    }
  });
});

describe('an incremental run verifies the published database', () => {
  it('garbage in the published database: the run says so and rebuilds everything', async () => {
    const dirs = folders();
    const extracts = fixtureFolder(2);
    const settings = { ...dirs, referenceDay: AS_OF };
    await runPipeline({ settings, reporter: silentReporter(), extracts, site: false });
    const database = path.join(dirs.dataDir, 'warehouse.duckdb');
    fs.writeFileSync(database, Buffer.alloc(256 * 1024, 0x5a)); // through the link, into the release
    const output: string[] = [];
    const again = await runPipeline({ settings, reporter: createReporter({ write: (l) => output.push(l) }), extracts, site: false });
    expect(again.upToDate).toBe(false);
    expect(again.plan.reusePublished).toBe(false);
    expect(output.join('\n')).toMatch(/⚠ the published database .*warehouse\.duckdb cannot be read \(.*\): rebuilding everything/);
    expect(output.join('\n')).toMatch(/full build: the published database/);
    expect(await countAccounts(database)).toBe(2);
  }, 300_000);
});

/**
 * Makes a folder read-only for this process: a mode for a normal user; root ignores modes, so a
 * read-only bind mount. Returns the undo, or undefined when neither is possible here.
 */
const makeReadOnly = (dir: string): (() => void) | undefined => {
  if (process.getuid?.() !== 0) {
    fs.chmodSync(dir, 0o555);
    return () => fs.chmodSync(dir, 0o755);
  }
  try {
    execFileSync('mount', ['--bind', dir, dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'ignore' });
  } catch {
    execFileSync('umount', [dir]);
    return undefined;
  }
  return () => execFileSync('umount', [dir]);
};
const readOnlyPossible = (() => {
  const probe = tempDir('bi-ro-probe-');
  const undo = makeReadOnly(probe);
  undo?.();
  return undo !== undefined;
})();

describe('messages for people: full disk, read-only folder', () => {
  it.skipIf(!readOnlyPossible)('a read-only site folder or data folder: one line saying where and what to do, the release unchanged', async () => {
    const dirs = folders();
    await buildWithStubSite(dirs, fixtureFolder(2), 'site A');
    const before = published(dirs.dataDir, dirs.siteDir);

    const readOnly = tempDir('bi-readonly-site-');
    const undo = makeReadOnly(readOnly)!;
    try {
      const siteDir = path.join(readOnly, 'site');
      const ran = await cli(['--extracts', fixtureFolder(3)], { BI_DATA_DIR: dirs.dataDir, BI_SITE_DIR: siteDir });
      expect(ran.code).toBe(1);
      const lines = ran.stderr.trim().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^✗ Cannot write ${siteDir}: (the file system is read-only|permission denied)\\. Make ${readOnly} writable.*, or set BI_SITE_DIR to a writable folder, then rerun\\. \\(full error: ${dirs.dataDir}/logs/build-error-.*\\.log\\)$`));
      expect(lines.slice(1)).toEqual(['The previously published database and site were left untouched.']);
      const log = /full error: (.*)\)$/.exec(lines[0]!)![1]!;
      expect(fs.readFileSync(log, 'utf8')).toMatch(/at .*release\.ts/); // the stack is kept in the log
      expect(published(dirs.dataDir, dirs.siteDir)).toEqual(before);
    } finally {
      undo();
    }

    const undoData = makeReadOnly(dirs.dataDir)!;
    try {
      const ran = await cli(['--extracts', fixtureFolder(3)], { BI_DATA_DIR: dirs.dataDir, BI_SITE_DIR: dirs.siteDir });
      expect(ran.code).toBe(1);
      expect(ran.stderr.trim().split('\n')[0]).toMatch(new RegExp(`^✗ Cannot write ${dirs.dataDir}/build\\.lock: .*Make ${dirs.dataDir} writable.*, or set BI_DATA_DIR to a writable folder, then rerun\\. \\(full error: ${os.tmpdir()}/build-error-.*\\.log\\)$`));
    } finally {
      undoData();
    }
    expect(published(dirs.dataDir, dirs.siteDir)).toEqual(before);
  }, 300_000);

  it('a full disk, as Node and DuckDB report it, is told as such with the file and the free space', async () => {
    const settings = { dataDir: tempDir('bi-full-'), siteDir: 'build' };
    // /dev/full answers every write with ENOSPC, as a full disk does.
    let nodeError: unknown;
    try {
      fs.writeFileSync('/dev/full', 'x'.repeat(1024));
    } catch (error) {
      nodeError = error;
    }
    expect(describeSystemFailure(nodeError, settings)?.message).toMatch(/^Disk full: could not write in .*bi-full-.* \([\d,.]+ MB free there now\)\. Free space on that disk, or set BI_DATA_DIR/);

    const db = await openDatabase(':memory:');
    let duckdbError: unknown;
    try {
      await db.exec(`COPY (SELECT range FROM range(100000)) TO '/dev/full' (FORMAT csv)`);
    } catch (error) {
      duckdbError = error;
    } finally {
      db.close();
    }
    // Wrapped as the loader wraps a failed CSV read: still a full disk, not a dialect problem.
    const wrapped = new Error(`accounts.csv: cannot read as CSV (${(duckdbError as Error).message.split('\n')[0]}). Check the delimiter, quoting and encoding.`);
    const failure = describeSystemFailure(wrapped, settings);
    expect(failure?.kind).toBe('disk-full');
    expect(failure?.message).toMatch(/^Disk full: could not write \/dev\/full \(/);
    // Anything else is not mistaken for one.
    expect(describeSystemFailure(new Error('Binder Error: column "x" not found'), settings)).toBeUndefined();
  });
});

describe('Evidence does not outlive its run', () => {
  /** Processes whose working folder is inside `dir` (Evidence, Vite and its workers run in the site's work folder). */
  const processesIn = (dir: string) => fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).filter((pid) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
    } catch {
      return false;
    }
  });

  it.skipIf(!fs.existsSync('/proc/self/cwd'))('SIGTERM during the site step ends Evidence and its children, removes the unfinished files, publishes nothing', async () => {
    const dirs = folders();
    const workDir = siteWorkDir(dirs.dataDir);
    const run = start(CLI, ['build', '--as-of', AS_OF, '--extracts', fixtureFolder(2)], { BI_DATA_DIR: dirs.dataDir, BI_SITE_DIR: dirs.siteDir });
    await waitFor(() => fs.existsSync(workDir) && processesIn(fs.realpathSync(workDir)).length > 0, 'Evidence to start', 240_000);
    await new Promise((r) => setTimeout(r, 3000)); // let it start its own children
    const real = fs.realpathSync(workDir);
    expect(processesIn(real).length).toBeGreaterThan(0);
    run.child.kill('SIGTERM');
    const ran = await run.done;
    expect(ran.code).toBe(143);
    expect(ran.stderr).toMatch(/Interrupted \(SIGTERM\).*published database and site were left untouched/);
    await waitFor(() => processesIn(real).length === 0, 'Evidence processes to end', 5000);
    expect(fs.readdirSync(dirs.dataDir).filter((f) => /candidate|\.lock/.test(f))).toEqual([]);
    expect(fs.existsSync(path.join(dirs.dataDir, 'current'))).toBe(false);
    fs.rmSync(workDir, { recursive: true, force: true });
  }, 300_000);

  it.skipIf(!fs.existsSync('/proc/self/cwd'))('Node processes a SIGKILLed run left in the work folder are ended by the next site step, other programs there are not', async () => {
    const workDir = tempDir('bi-site-work-');
    const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: workDir, detached: true, stdio: 'ignore' });
    const shell = spawn('sleep', ['60'], { cwd: workDir, detached: true, stdio: 'ignore' });
    try {
      await waitFor(() => { try { return fs.readlinkSync(`/proc/${orphan.pid}/cwd`) === fs.realpathSync(workDir); } catch { return false; } }, 'the orphan to start', 10_000);
      expect(endOrphansIn(workDir)).toEqual([orphan.pid]);
      await waitFor(() => orphan.exitCode !== null || orphan.signalCode !== null, 'the orphan to end', 5000);
      expect(orphan.signalCode).toBe('SIGKILL');
      expect(isAlive(shell.pid!)).toBe(true);
    } finally {
      shell.kill('SIGKILL');
      orphan.kill('SIGKILL');
    }
  });
});
