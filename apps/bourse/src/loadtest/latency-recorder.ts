// Latency samples in preallocated arrays (no allocation while measuring), their percentiles, and the
// same percentiles per second of the run (a tail made by one stall looks different from a steady one).

export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface LatencySecond extends LatencySummary {
  /** Seconds since the run began, by each sample's intended send time. */
  readonly second: number;
  readonly count: number;
}

/** The nearest-rank percentile `p` (0–1) of ascending `sorted`; NaN when it is empty. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function percentiles(sorted: Float64Array): LatencySummary {
  const q = (p: number) => nearestRank(sorted, p);
  return {
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

export class LatencyRecorder {
  readonly #samples: Float64Array;
  readonly #at: Float64Array;
  #count = 0;

  constructor(capacity: number) {
    this.#samples = new Float64Array(capacity);
    this.#at = new Float64Array(capacity);
  }

  /** `ms` is the latency; `atMs` when the sample's message was due (performance.now() time). */
  record(ms: number, atMs = 0): void {
    if (this.#count < this.#samples.length) {
      this.#at[this.#count] = atMs;
      this.#samples[this.#count++] = ms;
    }
  }

  get count(): number {
    return this.#count;
  }

  summary(): LatencySummary {
    return percentiles(this.#samples.slice(0, this.#count).sort());
  }

  /** Percentiles per whole second since `startMs`, by intended send time. */
  perSecond(startMs: number): LatencySecond[] {
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < this.#count; i++) {
      const second = Math.max(0, Math.floor((this.#at[i]! - startMs) / 1000));
      let b = buckets.get(second);
      if (b === undefined) buckets.set(second, (b = []));
      b.push(this.#samples[i]!);
    }
    return [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([second, xs]) => ({
        second,
        count: xs.length,
        ...percentiles(Float64Array.from(xs).sort()),
      }));
  }
}
