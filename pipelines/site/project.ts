/**
 * The Evidence project of the site (`site/`): what an Evidence user expects to find — `pages/`,
 * `components/` (our modules and components, imported as `$lib/…`),
 * `sources/warehouse/` (report queries over marts.* only), `evidence.config.yaml`. `npm run dev`
 * serves it as it is; a build assembles a copy of it in a work folder (`build-site.ts`).
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../config.js';

export const SITE_PROJECT = path.join(PROJECT_ROOT, 'site');
export const SITE_PAGES = path.join(SITE_PROJECT, 'pages');
export const SITE_SOURCES = path.join(SITE_PROJECT, 'sources');
export const SITE_COMPONENTS = path.join(SITE_PROJECT, 'components');
export const SITE_CONFIG = path.join(SITE_PROJECT, 'evidence.config.yaml');

/**
 * The project's files a compiled site depends on, relative to the repository (for fingerprints):
 * what `npm run dev` leaves in the folder (its Evidence template, the node_modules link) is not.
 */
export const SITE_PROJECT_INPUTS = ['site/pages', 'site/components', 'site/sources', 'site/evidence.config.yaml'] as const;
