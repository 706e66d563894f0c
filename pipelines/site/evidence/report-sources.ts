/**
 * Evidence's `sources` step over the database being published: report sources may read marts only
 * (the site ships their results to every visitor), and only those reading a mart that changed are
 * run again (`source-runs.ts`).
 */
import path from 'node:path';
import { openDatabase } from '../../db/duckdb.js';
import { evidence, QUERY_ERROR, SiteError } from './cli.js';
import { SOURCE, TEMPLATE } from './compiled-app.js';
import { recordedSourceInputs, recordSourceInputs, sourceInputDigests, sourcesToRun, tablesReadBySources } from './source-runs.js';

/** Report sources may read marts only (`read`: the tables each reads): the site ships their results to every visitor. */
const checkSourcesReadMartsOnly = (read: Map<string, string[]>) => {
  for (const [name, tables] of read) {
    const outside = tables.filter((t) => !t.startsWith('marts.'));
    if (outside.length) throw new SiteError(`site/sources/${SOURCE}/${name.slice(SOURCE.length + 1)}.sql reads ${outside.join(', ')}: report sources may read marts only.`);
  }
};

/**
 * Evidence's `sources` step: every report source, or (`onlyChanged`) only those whose SQL or marts
 * changed since their data files were written (`source-runs.ts`); the others keep their files.
 */
export const runReportSources = async (workDir: string, databasePath: string, onlyChanged: boolean, log: (line: string) => void) => {
  const sourcesDir = path.join(workDir, 'sources', SOURCE);
  // One parse of the sources' SQL: the marts-only check first (before a fingerprint reads a table
  // that may not exist), then the digests.
  const db = await openDatabase(databasePath, { readOnly: true });
  let current: Record<string, string>;
  try {
    const read = await tablesReadBySources(db, sourcesDir, SOURCE);
    checkSourcesReadMartsOnly(read);
    current = await sourceInputDigests(db, sourcesDir, SOURCE, read);
  } finally {
    db.close();
  }
  const toRun = onlyChanged ? sourcesToRun(recordedSourceInputs(workDir), current, path.join(workDir, TEMPLATE, 'static', 'data')) : Object.keys(current);
  // Until Evidence has written them, the data files are of no known inputs.
  recordSourceInputs(workDir, undefined);
  if (!toRun.length) {
    log('  no report source reads a mart that changed: their data files are kept');
  } else {
    const all = toRun.length === Object.keys(current).length;
    if (!all) log(`  ${toRun.length} of ${Object.keys(current).length} report source(s) read a mart that changed and are run again (${toRun.slice(0, 8).join(', ')}${toRun.length > 8 ? ', …' : ''})`);
    const output = await evidence(workDir, ['sources', '--strict', ...(all ? [] : ['--queries', toRun.join(',')])], log);
    if (QUERY_ERROR.test(output)) throw new SiteError(`A report source query failed:\n${output.slice(-4000)}`);
  }
  recordSourceInputs(workDir, current);
};

