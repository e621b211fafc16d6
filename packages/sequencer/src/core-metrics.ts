// The core's metrics object: plain counters and histograms mutated in place on the hot path, read by the
// gateway when it renders `/metrics`.

import type { CoreMetrics, SequencerStats } from './exchange-core.ts';
import { createHistogram } from './histogram.ts';

export function createCoreMetrics(): CoreMetrics {
  return {
    commandsTotal: 0,
    rejectsTotal: 0,
    journalFsyncs: 0,
    ackLatencySeconds: createHistogram(),
    fsyncLatencySeconds: createHistogram(),
    engineQueueDepth: 0,
    projectionLagCommands: 0,
  };
}

export function createSequencerStats(): SequencerStats {
  return {
    submitted: 0,
    engineBatches: 0,
    journalCommits: 0,
    snapshotsWritten: 0,
    readDbOnOpen: 'fresh',
    readModelThread: 'nice',
  };
}
