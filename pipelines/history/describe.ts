/** The run's line about its snapshot of the pipeline (CLI messages are English). */
import type { SnapshotOutcome } from './snapshots.js';

export const describeSnapshot = (s: SnapshotOutcome): string => {
  if (s.written === 'unchanged') return `history: the snapshot of ${s.day} already holds this data (nothing added)`;
  const what = `${s.openDeals.toLocaleString('en')} open deal(s), ${s.pipelineAmount.toLocaleString('en', { maximumFractionDigits: 2 })} in pipeline`;
  return s.written === 'added'
    ? `history: snapshot of ${s.day} added (${what})`
    : `history: the snapshot of ${s.day} replaced, the data of that day changed (${what})`;
};
