// What garbage collection costs one thread: each collection's pause by kind, and for each scavenge the
// bytes that survived it (still young, or promoted to the old generation). A scavenge's pause grows
// with what survives it, and what it promotes is what later costs mark-compacts, so these are the
// figures that say whether a change to the order path shortens the gateway thread's stalls, in bytes
// that a busy machine does not inflate (pauses it does). Read from V8's `GCProfiler`, restarted every
// interval so its record never grows.

import { GCProfiler } from 'node:v8';
import type { Histogram } from './exchange-core.ts';
import { createHistogram, observe } from './histogram.ts';

/** Seconds: a scavenge's pause lies between a few hundred µs and tens of ms. */
export const GC_PAUSE_BOUNDS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01,
  0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1,
];

const MB = 1024 * 1024;

/** Bytes: what survives one scavenge, from almost nothing to a whole 64 MB semi-space. */
export const GC_SURVIVED_BOUNDS_BYTES: readonly number[] = [
  0.0625 * MB,
  0.125 * MB,
  0.25 * MB,
  0.5 * MB,
  MB,
  1.5 * MB,
  2 * MB,
  3 * MB,
  4 * MB,
  5 * MB,
  6 * MB,
  8 * MB,
  12 * MB,
  16 * MB,
  24 * MB,
  32 * MB,
  64 * MB,
];

/** The kinds a pause is counted under (V8's `gcType`, grouped). */
export type GcKind = 'scavenge' | 'mark_compact' | 'incremental' | 'other';

export interface GcMetrics {
  /** Each collection's pause on the thread, by kind. */
  readonly pauseSeconds: Readonly<Record<GcKind, Histogram>>;
  /** Per scavenge: bytes left in the young generation plus bytes it promoted. */
  readonly survivedBytes: Histogram;
  /** Bytes scavenges moved to the old generation, in all. */
  promotedBytes: number;
  /**
   * Bytes allocated in the young generation between collections (what each found there, less what
   * the one before left): divided by the orders of a run, the thread's garbage per order.
   */
  youngAllocatedBytes: number;
  /** Young bytes the last collection left, or -1 before the first one seen. */
  youngAfterLast: number;
  /** Folds in the collections not yet counted; set by a running sampler, called by a scrape. */
  refresh: () => void;
}

export function createGcMetrics(): GcMetrics {
  return {
    pauseSeconds: {
      scavenge: createHistogram(GC_PAUSE_BOUNDS_SECONDS),
      mark_compact: createHistogram(GC_PAUSE_BOUNDS_SECONDS),
      incremental: createHistogram(GC_PAUSE_BOUNDS_SECONDS),
      other: createHistogram(GC_PAUSE_BOUNDS_SECONDS),
    },
    survivedBytes: createHistogram(GC_SURVIVED_BOUNDS_BYTES),
    promotedBytes: 0,
    youngAllocatedBytes: 0,
    youngAfterLast: -1,
    refresh: () => {},
  };
}

interface SpaceStats {
  readonly spaceName: string;
  readonly spaceUsedSize: number;
}

/** One entry of `GCProfiler.stop()`'s `statistics` (the fields read here). */
export interface GcRecord {
  readonly gcType: string;
  /** Microseconds. */
  readonly cost: number;
  readonly beforeGC: { readonly heapSpaceStatistics: readonly SpaceStats[] };
  readonly afterGC: { readonly heapSpaceStatistics: readonly SpaceStats[] };
}

const YOUNG = new Set(['new_space', 'new_large_object_space']);

function used(spaces: readonly SpaceStats[], young: boolean): number {
  let sum = 0;
  for (const s of spaces) if (YOUNG.has(s.spaceName) === young) sum += s.spaceUsedSize;
  return sum;
}

function kindOf(gcType: string): GcKind {
  if (gcType === 'Scavenge' || gcType === 'MinorMarkSweep') return 'scavenge';
  if (gcType === 'MarkSweepCompact') return 'mark_compact';
  if (gcType === 'IncrementalMarking') return 'incremental';
  return 'other';
}

/** Folds collections (as `GCProfiler` reports them) into the metrics. */
export function foldGcRecords(metrics: GcMetrics, records: readonly GcRecord[]): void {
  for (const r of records) {
    const kind = kindOf(r.gcType);
    observe(metrics.pauseSeconds[kind], r.cost / 1e6);
    const before = r.beforeGC.heapSpaceStatistics;
    const after = r.afterGC.heapSpaceStatistics;
    const youngBefore = used(before, true);
    if (metrics.youngAfterLast >= 0) {
      metrics.youngAllocatedBytes += Math.max(0, youngBefore - metrics.youngAfterLast);
    }
    metrics.youngAfterLast = used(after, true);
    if (kind !== 'scavenge') continue;
    const promoted = Math.max(0, used(after, false) - used(before, false));
    metrics.promotedBytes += promoted;
    observe(metrics.survivedBytes, used(after, true) + promoted);
  }
}

export class GcSampler {
  readonly #metrics: GcMetrics;
  readonly #intervalMs: number;
  #profiler: GCProfiler | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(metrics: GcMetrics, intervalMs = 1_000) {
    this.#metrics = metrics;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#profiler !== undefined) return;
    this.#profiler = new GCProfiler();
    this.#profiler.start();
    this.#metrics.refresh = () => this.collect();
    this.#timer = setInterval(() => this.collect(), this.#intervalMs);
    // Sampling never keeps the process alive on its own.
    this.#timer.unref();
  }

  /** Folds what was collected since the last call (a scrape calls it so its figures are current). */
  collect(): void {
    const profiler = this.#profiler;
    if (profiler === undefined) return;
    const stats = profiler.stop() as unknown as { statistics?: readonly GcRecord[] } | undefined;
    profiler.start();
    foldGcRecords(this.#metrics, stats?.statistics ?? []);
  }

  stop(): void {
    this.collect();
    clearInterval(this.#timer);
    this.#profiler?.stop();
    this.#profiler = undefined;
    this.#metrics.refresh = () => {};
    this.#timer = undefined;
  }
}
