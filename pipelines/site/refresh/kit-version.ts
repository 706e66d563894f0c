/**
 * `refresh.mjs` repeats what SvelteKit's `vite build` does after compiling (its prerender and
 * adapter-static's steps), with kit's own code, as kit 2.8.4 runs them (with its patch,
 * patches/@sveltejs+kit+2.8.4.patch, which saves the routes' metadata). Another kit may run them
 * otherwise: the refresh then stops, naming the file to port, instead of publishing pages kit
 * would not have made.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config.js';
import { SiteError } from '../evidence/cli.js';

/** The kit version `refresh.mjs` was written against. */
export const PORTED_KIT_VERSION = '2.8.4';
export const REFRESH_SCRIPT = path.join(import.meta.dirname, 'refresh.mjs');
const KIT_DIR = path.join(PROJECT_ROOT, 'node_modules', '@sveltejs', 'kit');

/** The installed kit's folder, once its version is the one the refresh was ported to. */
export const checkedKitDir = (kitDir = KIT_DIR) => {
  const { version } = JSON.parse(fs.readFileSync(path.join(kitDir, 'package.json'), 'utf8')) as { version: string };
  if (version !== PORTED_KIT_VERSION) {
    throw new SiteError(`@sveltejs/kit ${version} is installed, but the data-only refresh (${path.relative(PROJECT_ROOT, REFRESH_SCRIPT)}) repeats kit ${PORTED_KIT_VERSION}'s prerender and adapter steps: ` +
      `port it to kit ${version} (compare kit's src/exports/vite/index.js writeBundle and adapter-static's adapt), then set PORTED_KIT_VERSION in ${path.relative(PROJECT_ROOT, import.meta.filename)}; ` +
      'meanwhile `npm run build -- --full` compiles the site with Evidence itself.');
  }
  return kitDir;
};
