import { defineConfig } from 'vitest/config';
import SharedBuildLastSequencer from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Gives the run an id; the shared sample build is made on demand (test/helpers/shared-build.ts).
    globalSetup: ['test/global-setup.ts'],
    // Of the files sharing that build, the first builds it and the others start last (test/sequencer.ts).
    sequence: { sequencer: SharedBuildLastSequencer },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB is multi-threaded already; two workers keep a 2-core machine responsive.
    maxWorkers: 2,
  },
});
