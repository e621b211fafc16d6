// Token-bucket rate limits keyed by API key or client IP. Time is an argument, so the arithmetic is
// testable; the map is pruned of full buckets so it stays bounded by the active clients.

export interface BucketConfig {
  /** Largest burst. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export type TakeResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryAfterSeconds: number };

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;

  constructor(maxKeys = 100_000) {
    this.#maxKeys = maxKeys;
  }

  take(key: string, config: BucketConfig, nowMs: number, cost = 1): TakeResult {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#prune(nowMs, config);
      bucket = { tokens: config.capacity, updatedMs: nowMs };
      this.#buckets.set(key, bucket);
    } else {
      const elapsed = Math.max(0, nowMs - bucket.updatedMs) / 1000;
      bucket.tokens = Math.min(config.capacity, bucket.tokens + elapsed * config.refillPerSecond);
      bucket.updatedMs = nowMs;
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    const missing = cost - bucket.tokens;
    return {
      ok: false,
      retryAfterSeconds: Math.max(1, Math.ceil(missing / config.refillPerSecond)),
    };
  }

  get size(): number {
    return this.#buckets.size;
  }

  #prune(nowMs: number, config: BucketConfig): void {
    const fullAfterMs = (config.capacity / config.refillPerSecond) * 1000;
    for (const [key, b] of this.#buckets) {
      if (nowMs - b.updatedMs >= fullAfterMs) this.#buckets.delete(key);
    }
    // Still full of active clients: drop the oldest entries rather than grow without bound.
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size < this.#maxKeys) break;
      this.#buckets.delete(key);
    }
  }
}
