/**
 * The order vitest starts the test files in: its own (failed first, then longest, then largest),
 * except that of the files reading the shared sample build (test/helpers/shared-build.ts) only the
 * first keeps its place — it builds it — and the others go last. Started early, they would hold a
 * worker idle while they wait minutes for that build; started last, they find it made.
 */
import fs from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const readsSharedBuild = (file: string) => fs.readFileSync(file, 'utf8').includes("from './helpers/shared-build.js'");

export default class SharedBuildLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const later = sorted.filter((f) => readsSharedBuild(f.moduleId)).slice(1);
    return [...sorted.filter((f) => !later.includes(f)), ...later];
  }
}
