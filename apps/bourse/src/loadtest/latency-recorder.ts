// Latency samples in a preallocated array (no allocation while measuring) and their percentiles.

export class LatencyRecorder {
  readonly #samples: Float64Array;
  #count = 0;

  constructor(capacity: number) {
    this.#samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    if (this.#count < this.#samples.length) this.#samples[this.#count++] = ms;
  }

  get count(): number {
    return this.#count;
  }

  summary(): { p50: number; p90: number; p99: number; p999: number; max: number } {
    const s = this.#samples.slice(0, this.#count).sort();
    const q = (p: number) =>
      s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
    return {
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
      p999: q(0.999),
      max: s.length === 0 ? Number.NaN : s[s.length - 1]!,
    };
  }
}
