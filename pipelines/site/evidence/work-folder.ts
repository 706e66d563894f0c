/**
 * The work folder an Evidence build runs in, one per data folder: the site project (`site/`)
 * copied, its report source pointed at the database being published.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config.js';
import { SITE_COMPONENTS, SITE_CONFIG, SITE_PAGES, SITE_SOURCES } from '../project.js';
import { SOURCE } from './compiled-app.js';

/**
 * Where Evidence's project is assembled for a data folder: inside the repository, because
 * Evidence's Vite build resolves its packages from the node_modules above it.
 */
export const siteWorkDir = (dataDir: string) =>
  path.join(PROJECT_ROOT, '.site-work', createHash('sha1').update(path.resolve(dataDir)).digest('hex').slice(0, 10));

/**
 * What an Evidence project folder needs beside it to run here (a work folder, or site/ served by
 * `npm run dev`): the repository's packages, and telemetry off.
 */
export const prepareEvidenceFolder = (dir: string) => {
  // Evidence's Tailwind config looks for component sources in ../../node_modules of its template.
  const modules = path.join(dir, 'node_modules');
  if (!fs.existsSync(modules)) fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), modules, 'dir');
  fs.writeFileSync(path.join(dir, 'evidence.settings.json'), JSON.stringify({ send_anonymous_usage_stats: 'no' }));
};

export const assembleWorkFolder = (workDir: string, databasePath: string) => {
  fs.mkdirSync(workDir, { recursive: true });
  for (const stale of ['pages', 'components', 'sources', 'build']) fs.rmSync(path.join(workDir, stale), { recursive: true, force: true });
  fs.copyFileSync(SITE_CONFIG, path.join(workDir, 'evidence.config.yaml'));
  prepareEvidenceFolder(workDir);
  fs.cpSync(SITE_PAGES, path.join(workDir, 'pages'), { recursive: true });
  if (fs.existsSync(SITE_COMPONENTS)) fs.cpSync(SITE_COMPONENTS, path.join(workDir, 'components'), { recursive: true });
  fs.cpSync(SITE_SOURCES, path.join(workDir, 'sources'), { recursive: true });
  // Evidence resolves the database file relative to the source's folder.
  const sourceDir = path.join(workDir, 'sources', SOURCE);
  const relative = path.relative(sourceDir, databasePath);
  fs.writeFileSync(path.join(sourceDir, 'connection.yaml'), `name: ${SOURCE}\ntype: duckdb\noptions:\n  filename: ${JSON.stringify(relative)}\n`);
};

