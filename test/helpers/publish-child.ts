/**
 * A build in a child process, for tests that kill a run at a chosen moment: `build()` over the
 * extracts folder given as argument, with the real models and a stand-in site step (a page saying
 * which build it belongs to) that, with PUBLISH_CHILD_HANG set, announces itself by creating
 * that file and then never finishes, as a long Evidence build would.
 *
 *   node --import tsx test/helpers/publish-child.ts EXTRACTS_DIR   (BI_DATA_DIR, BI_SITE_DIR, BI_AS_OF)
 */
import fs from 'node:fs';
import { build } from '../../pipelines/build.js';
import { settingsFromEnv } from '../../pipelines/config.js';
import { runModels } from '../../pipelines/models/run-models.js';
import { silentReporter } from '../../pipelines/progress.js';
import { MODELS_DIR } from './models.js';
import { stubSite } from './publish.js';

const hang = process.env.PUBLISH_CHILD_HANG;
await build({
  settings: settingsFromEnv(),
  extractsDir: process.argv[2]!,
  reporter: silentReporter(),
  afterLoad: async (db, { snapshotDay }) => { await runModels(db, { modelsDir: MODELS_DIR, reporter: silentReporter(), snapshotDay }); },
  beforePublish: async () => {
    const site = stubSite(process.env.PUBLISH_CHILD_LABEL ?? 'child');
    if (hang) {
      fs.writeFileSync(hang, String(process.pid));
      // A timer keeps the process alive: a bare pending promise would let Node exit (code 13) as
      // soon as nothing else holds its event loop, and the test would kill a process already gone.
      await new Promise(() => setInterval(() => {}, 60_000));
    }
    return site;
  },
});
