// Fixed-bucket latency histograms (cumulative buckets are computed by the renderer): observing is O(log n)
// in the number of buckets and allocates nothing, so it can sit on the ack path.

import type { Histogram } from './exchange-core.ts';

/** Seconds: 50 µs … 5 s, roughly ×2.5 per bucket, wide enough for an fsync on a slow disk. */
export const LATENCY_BOUNDS_SECONDS: readonly number[] = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  5,
];

/**
 * Seconds, a few milliseconds apart up to 100 ms: for the stages of a clustered order's ack, whose
 * median and tail lie there, so a percentile read from the buckets is off by at most one bucket.
 */
export const STAGE_BOUNDS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.012, 0.015, 0.02, 0.025, 0.03,
  0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5,
];

/** `counts[i]` counts observations ≤ `bounds[i]` and > `bounds[i-1]`; the last slot is +Inf. */
export function createHistogram(bounds: readonly number[] = LATENCY_BOUNDS_SECONDS): Histogram {
  return { bounds, counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 };
}

export function observe(histogram: Histogram, value: number): void {
  observeMany(histogram, value, 1);
}

/** `n` observations of one value (the commands of a batch that share it), as `n` calls of `observe`. */
export function observeMany(histogram: Histogram, value: number, n: number): void {
  const { bounds } = histogram;
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= bounds[mid]!) hi = mid;
    else lo = mid + 1;
  }
  histogram.counts[lo] = (histogram.counts[lo] ?? 0) + n;
  histogram.sum += value * n;
  histogram.count += n;
}
