/**
 * The site's Evidence project (site/) overrides Evidence's template where an Evidence project may,
 * instead of patching the package: its root layout loader (site/pages/+layout.js, which starts
 * DuckDB-WASM on the first query that needs it) is Evidence's own with that one change, so an
 * Evidence upgrade that changes the template's file must be ported to it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { SITE_PAGES, SITE_PROJECT_INPUTS } from '../pipelines/site/project.js';

const ours = fs.readFileSync(path.join(SITE_PAGES, '+layout.js'), 'utf8');
const template = fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules/@evidence-dev/evidence/template/src/pages/+layout.js'), 'utf8');

describe('the site project', () => {
  it('overrides the template layout loader that it was taken from, and that one only', () => {
    const recorded = /sha256\s*\n\/\/\s*([0-9a-f]{64})/.exec(ours)?.[1];
    expect(recorded, 'site/pages/+layout.js names the template file it was taken from').toBeDefined();
    expect(createHash('sha256').update(template).digest('hex'), 'Evidence\'s template +layout.js changed: port site/pages/+layout.js to it, then record its sha256').toBe(recorded);
    // The one change: the database starts on demand, not at import.
    expect(template).toContain('const database_initialization = profile(loadDB);');
    expect(ours).not.toContain('const database_initialization = profile(loadDB);');
    expect(ours).toContain('const dbReady = () => (database_initialization ??= profile(loadDB));');
    // Everything else as the template has it: the lines of ours outside its header and the change.
    const body = ours.split('\n').filter((l) => !l.startsWith('//') || template.includes(l));
    const missing = template.split('\n').filter((l) => l.trim() && !body.includes(l));
    expect(missing).toEqual(['const database_initialization = profile(loadDB);', '\t\t\t\tawait database_initialization;', '\tif (!browser) await database_initialization;', '\t\t\t\treturn database_initialization;'].filter((l) => template.includes(l)).sort((a, b) => template.indexOf(a) - template.indexOf(b)));
  });

  it('is what a build compiles and a dev server serves: pages, components, sources, config', () => {
    for (const input of SITE_PROJECT_INPUTS) expect(fs.existsSync(path.join(PROJECT_ROOT, input)), input).toBe(true);
    // Pages import the project's modules through $lib (site/components), whatever their depth.
    const pages = fs.readdirSync(SITE_PAGES, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.md'));
    for (const page of pages) {
      const text = fs.readFileSync(path.join(page.parentPath, page.name), 'utf8');
      expect(text, page.name).not.toMatch(/from '\.{1,2}\/[^']*(fr-format|sql)\.js'/);
    }
  });
});
