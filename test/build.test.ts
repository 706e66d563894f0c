/**
 * The whole run: a failed or killed run never touches the published database, and a good run
 * replaces it in one step.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../pipelines/build.js';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { openDatabase } from '../pipelines/db/duckdb.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { writeCompany } from './helpers/csv.js';
import { AS_OF, tempDir } from './helpers/load.js';
import { company, MODELS_DIR } from './helpers/models.js';

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const fixtureFolder = (mutate: (c: ReturnType<typeof company>) => void = () => {}) => {
  const dir = tempDir('bi-extracts-');
  const c = company();
  mutate(c);
  writeCompany(dir, c);
  return dir;
};

const runBuild = (dataDir: string, extractsDir: string) =>
  build({
    settings: { dataDir, siteDir: path.join(dataDir, 'site'), referenceDay: AS_OF },
    extractsDir,
    reporter: silentReporter(),
    afterLoad: async (db) => { await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter() }); },
  });

const countAccounts = async (file: string) => {
  const db = await openDatabase(file, { readOnly: true });
  try {
    return (await db.query<{ n: number }>('SELECT count(*) AS n FROM raw.accounts'))[0]!.n;
  } finally {
    db.close();
  }
};

describe('publishing the database', () => {
  it('publishes a good run, and a failing run leaves it exactly as it was', async () => {
    const dataDir = tempDir('bi-data-');
    const first = await runBuild(dataDir, fixtureFolder());
    expect(first.databasePath).toBe(path.join(dataDir, 'warehouse.duckdb'));
    const before = sha(first.databasePath);
    expect(await countAccounts(first.databasePath)).toBe(2);

    // A folder with a missing column fails while loading…
    const broken = fixtureFolder();
    fs.writeFileSync(path.join(broken, 'accounts.csv'), 'account_id,account_name\nA1,Acier du Nord\n');
    await expect(runBuild(dataDir, broken)).rejects.toThrow(/missing column/);
    expect(sha(first.databasePath)).toBe(before);

    // …and one whose data breaks a model's data test fails after loading: same outcome.
    const failingModels = tempDir('bi-models-');
    fs.cpSync(MODELS_DIR, failingModels, { recursive: true });
    fs.mkdirSync(path.join(failingModels, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(failingModels, 'tests', 'always_fails.sql'), `/*\ndescription: fails on purpose\nmodel: staging.stg_accounts\n*/\nSELECT * FROM staging.stg_accounts`);
    await expect(build({
      settings: { dataDir, siteDir: path.join(dataDir, 'site'), referenceDay: AS_OF },
      extractsDir: fixtureFolder((c) => c.accounts!.push({ ...c.accounts![1]!, account_id: 'A3' })),
      reporter: silentReporter(),
      afterLoad: async (db) => { await runModels(db, { modelsDir: failingModels, reporter: silentReporter() }); },
    })).rejects.toThrow(/data test\(s\) failed/);
    expect(sha(first.databasePath)).toBe(before);
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('candidate'))).toEqual([]);

    // A good run with more data replaces it.
    await runBuild(dataDir, fixtureFolder((c) => c.accounts!.push({ ...c.accounts![1]!, account_id: 'A3' })));
    expect(await countAccounts(first.databasePath)).toBe(3);
  });

  it('a run killed mid-way leaves the published database intact, and the next run cleans up', async () => {
    const dataDir = tempDir('bi-data-');
    const extracts = fixtureFolder();
    const published = (await runBuild(dataDir, extracts)).databasePath;
    const before = sha(published);

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/cli.ts'), 'build', '--extracts', extracts, '--as-of', AS_OF, '--no-site', '--full'], {
      env: { ...process.env, BI_DATA_DIR: dataDir, BI_SITE_DIR: path.join(dataDir, 'site') },
      stdio: 'ignore',
    });
    const candidate = path.join(dataDir, `warehouse.candidate-${child.pid}.duckdb`);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it as soon as it has started writing its candidate database (--full: the same extracts
    // would otherwise be up to date and no candidate written).
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (fs.existsSync(candidate)) { clearInterval(poll); child.kill('SIGKILL'); resolve(); }
        if (Date.now() - started > 60_000) { clearInterval(poll); reject(new Error('the run never created its candidate')); }
      }, 2);
    });
    expect(await exited).toBe('SIGKILL');
    expect(fs.existsSync(candidate)).toBe(true);
    expect(sha(published)).toBe(before);
    expect(await countAccounts(published)).toBe(2);

    await runBuild(dataDir, extracts);
    expect(fs.existsSync(candidate)).toBe(false);
  });
});

describe('configuration mistakes', () => {
  /** Runs the CLI on the fixture company with `files` written beside its extracts. */
  const cliWith = async (files: Record<string, string>) => {
    const dataDir = tempDir('bi-data-');
    const extracts = fixtureFolder();
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(extracts, name), text);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'pipelines/cli.ts'), 'build', '--extracts', extracts, '--as-of', AS_OF, '--no-site'], {
      env: { ...process.env, BI_DATA_DIR: dataDir, BI_SITE_DIR: path.join(dataDir, 'site') },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, out, extracts, dataDir };
  };

  it('are checked before any work and told in one line each — file, line, key — with no stack trace', async () => {
    const settings = await cliWith({ 'kpi-settings.yaml': 'calendar:\n  fiscalYearFirstMonth: 13\n' });
    expect(settings.code).toBe(1);
    expect(settings.out).toContain(`KPI settings ${path.join(settings.extracts, 'kpi-settings.yaml')} is invalid:\n  ${path.join(settings.extracts, 'kpi-settings.yaml')}:2: calendar.fiscalYearFirstMonth: `);
    // Nothing was loaded, no trace printed, nothing published.
    expect(settings.out).not.toContain('load extracts');
    expect(settings.out).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
    expect(fs.existsSync(path.join(settings.dataDir, 'warehouse.duckdb'))).toBe(false);

    const publish = await cliWith({ 'publish.yaml': 'audiences:\n  - name: Direction Générale\n    pages: ["/"]\n' });
    expect(publish.code).toBe(1);
    expect(publish.out).toContain(`${path.join(publish.extracts, 'publish.yaml')}:2: audiences.0.name: lower-case letters`);
    expect(publish.out).not.toContain('load extracts');
    expect(publish.out).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);

    const extractsYaml = await cliWith({ 'extracts.yaml': 'csv:\n  dateFormats: ["%d.%m.%Q"]\n' });
    expect(extractsYaml.code).toBe(1);
    expect(extractsYaml.out).toContain(`${path.join(extractsYaml.extracts, 'extracts.yaml')}:2: csv.dateFormats.0: "%d.%m.%Q" is not a date format`);
    expect(extractsYaml.out).not.toContain('load extracts');
  }, 120_000);
});
