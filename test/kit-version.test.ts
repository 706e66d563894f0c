/**
 * The data-only refresh repeats kit 2.8.4's prerender and adapter steps (refresh/refresh.mjs): on
 * any other installed kit it stops, naming the file to port, instead of publishing pages kit would
 * not have made.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../pipelines/config.js';
import { checkedKitDir, PORTED_KIT_VERSION } from '../pipelines/site/refresh/kit-version.js';
import { tempDir } from './helpers/load.js';

describe('the kit the refresh was ported to', () => {
  it('is the installed one', () => {
    const installed = path.join(PROJECT_ROOT, 'node_modules', '@sveltejs', 'kit');
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).version).toBe(PORTED_KIT_VERSION);
    expect(checkedKitDir()).toBe(installed);
  });

  it('stops on another kit, naming the file to port and the way to build meanwhile', () => {
    const other = tempDir('bi-kit-');
    fs.writeFileSync(path.join(other, 'package.json'), JSON.stringify({ name: '@sveltejs/kit', version: '2.9.0' }));
    expect(() => checkedKitDir(other)).toThrow(/@sveltejs\/kit 2\.9\.0 is installed.*pipelines\/site\/refresh\/refresh\.mjs.*kit 2\.8\.4.*--full/s);
  });
});
