/**
 * Once per `vitest run`, before any test file: an id of the run, so that the shared sample build
 * (test/helpers/shared-build.ts) tells a build or a failure of this run from one of an earlier run.
 * Nothing is built here: a run of unit tests alone never pays for the site.
 */
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

export default function setup(project: TestProject) {
  project.provide('testRunId', `${process.pid}-${Date.now()}`);
}
