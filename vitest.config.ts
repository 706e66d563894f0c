import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Gives the run an id; the shared sample build is made on demand (test/helpers/shared-build.ts).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB is multi-threaded already; two workers keep a 2-core machine responsive.
    maxWorkers: 2,
  },
});
