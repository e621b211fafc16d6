// When each stage of a command's trip through the core happened, recorded only when asked for
// (`recordTimings`, for tracing): queued, handed to the engine worker, applied, covered by a journal
// commit (its start and end) and acknowledged. Times are `performance.now()` milliseconds, stamped once
// per engine batch, so an untraced core pays one `undefined` check per batch.

import type { BatchTimings } from './exchange-core.ts';

export class BatchStages implements BatchTimings {
  readonly postedAt: number;
  appliedAt = 0;
  commitStartedAt = 0;
  durableAt = 0;
  ackedAt = 0;

  constructor(postedAt: number) {
    this.postedAt = postedAt;
  }
}

/** The journal commit that last made commands durable: when it started and when it returned. */
export interface CommitSpan {
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * Stamps every batch that `commit` made durable (up to `durableSeq`) and that no earlier commit did,
 * so a batch applied after its commit keeps that commit's times, not a later one's.
 */
export function stampDurable(
  inflight: readonly ({ lastSeq: number; stages?: BatchStages | undefined } | undefined)[],
  head: number,
  durableSeq: number,
  commit: CommitSpan,
): void {
  for (let i = head; i < inflight.length; i++) {
    const b = inflight[i];
    if (b === undefined || b.lastSeq > durableSeq) return;
    if (b.stages !== undefined && b.stages.durableAt === 0) {
      b.stages.commitStartedAt = commit.startedAt;
      b.stages.durableAt = commit.endedAt;
    }
  }
}
