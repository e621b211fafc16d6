// The core's metrics object: plain counters and histograms mutated in place on the hot path, read by the
// gateway when it renders `/metrics`.

import type { AppliedCommand, CoreMetrics, SequencerStats } from './exchange-core.ts';
import { createAckStageHistograms } from './ack-stages.ts';
import { EncodedApplied } from './encoded-applied.ts';
import { createHistogram } from './histogram.ts';

export function createCoreMetrics(): CoreMetrics {
  return {
    commandsTotal: 0,
    rejectsTotal: 0,
    rejectsByCode: new Map(),
    journalFsyncs: 0,
    ackLatencySeconds: createHistogram(),
    fsyncLatencySeconds: createHistogram(),
    ackStages: createAckStageHistograms(),
    engineQueueDepth: 0,
    projectionLagCommands: 0,
  };
}

/** Counts `applied` if the engine rejected it, in total and under its reject code. */
export function countReject(metrics: CoreMetrics, applied: AppliedCommand): void {
  // Events kept as bytes (a cluster node's) are read only as far as the first one's tag.
  if (applied instanceof EncodedApplied && !applied.mayBeRejected) return;
  const first = applied.events[0];
  if (first?.type !== 'rejected') return;
  metrics.rejectsTotal++;
  metrics.rejectsByCode.set(first.reason, (metrics.rejectsByCode.get(first.reason) ?? 0) + 1);
}

export function createSequencerStats(): SequencerStats {
  return {
    submitted: 0,
    engineBatches: 0,
    journalCommits: 0,
    engineBusyMs: 0,
    snapshotsWritten: 0,
    readDbOnOpen: 'fresh',
    readModelThread: 'nice',
  };
}
