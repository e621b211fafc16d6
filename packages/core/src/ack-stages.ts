// Where a command's time in the core goes until its ack, always recorded (stamped once per engine
// batch, observed once per command): a p99 of the ack is then split into the wait for the engine,
// the engine's turn, the wait for a journal write, the write itself (its `O_DSYNC` on this disk) and
// the main thread's delay in acknowledging once both are done. `bourse loadtest` reads the
// histograms from `/metrics` before and after its window and prints their percentiles.

import type { BatchStages } from './command-timings.ts';
import type { Histogram } from './exchange-core.ts';
import { createHistogram, observeMany } from './histogram.ts';
import { processTimeline } from './timeline.ts';

/**
 * - `queue`: submitted → handed to the engine worker (this turn's flush, the engine's previous batch);
 * - `engine`: handed to the engine → its events back on the main thread;
 * - `journal_wait`: submitted → the start of the journal write that made its batch durable;
 * - `journal_write`: that write (`O_DSYNC`, so the disk's latency is in it);
 * - `ack`: both applied and durable → acknowledged (the main thread's delay);
 * - `core`: submitted → acknowledged (what `bourse_ack_latency_seconds` counts, finer buckets).
 */
export const ACK_STAGES = [
  'queue',
  'engine',
  'journal_wait',
  'journal_write',
  'ack',
  'core',
] as const;

export type AckStage = (typeof ACK_STAGES)[number];

/** Seconds, fine below 10 ms where a healthy ack's stages lie, so percentiles read off them hold. */
export const ACK_STAGE_BOUNDS_SECONDS: readonly number[] = [
  0.00002, 0.00005, 0.0001, 0.0002, 0.0003, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004,
  0.005, 0.006, 0.008, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.25,
  0.5, 1, 2.5, 5,
];

export type AckStageHistograms = Readonly<Record<AckStage, Histogram>>;

export function createAckStageHistograms(): AckStageHistograms {
  const out = {} as Record<AckStage, Histogram>;
  for (const stage of ACK_STAGES) out[stage] = createHistogram(ACK_STAGE_BOUNDS_SECONDS);
  return out;
}

/**
 * Observes each command of a batch acknowledged at `stages.ackedAt` (times in ms). The batch's own
 * stages are one value for all its commands, and commands submitted together share `startedAt`, so
 * each value is observed once with its count rather than once per command (this runs on the thread
 * that acknowledges, a cluster leader's main thread among them).
 */
export function observeAckStages(
  h: AckStageHistograms,
  stages: BatchStages,
  entries: readonly { readonly startedAt: number }[],
): void {
  const { postedAt, appliedAt, commitStartedAt, durableAt, ackedAt } = stages;
  // A batch durable before it reached the engine, or before this core recorded the commit, has
  // no commit stamp of its own: its journal stages are unknown and left out.
  const durable = durableAt > 0;
  const engine = (appliedAt - postedAt) / 1000;
  const write = (durableAt - commitStartedAt) / 1000;
  const ack = (ackedAt - Math.max(appliedAt, durableAt)) / 1000;
  const n = entries.length;
  observeMany(h.engine, engine, n);
  if (durable) observeMany(h.journal_write, write, n);
  observeMany(h.ack, Math.max(0, ack), n);
  for (let i = 0; i < n; ) {
    const startedAt = entries[i]!.startedAt;
    let j = i + 1;
    while (j < n && entries[j]!.startedAt === startedAt) j++;
    observeMany(h.queue, Math.max(0, postedAt - startedAt) / 1000, j - i);
    if (durable) {
      observeMany(h.journal_wait, Math.max(0, commitStartedAt - startedAt) / 1000, j - i);
    }
    observeMany(h.core, (ackedAt - startedAt) / 1000, j - i);
    i = j;
  }
}

/** A batch's engine round trip and its oldest command's whole path, for the run's timeline. */
export function timelineAckStages(
  stages: BatchStages,
  entries: readonly { readonly startedAt: number }[],
): void {
  const { postedAt, appliedAt, ackedAt } = stages;
  processTimeline.record('engine', appliedAt - postedAt, postedAt);
  const first = entries[0];
  if (first !== undefined)
    processTimeline.record('core', ackedAt - first.startedAt, first.startedAt);
}
