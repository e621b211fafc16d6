// Who may try a password now, decided before any hashing. Failures are counted per (account, address)
// pair, per account and per address, each with exponential backoff after a few free failures and a
// Retry-After; password checks as a whole are bounded per second, so guesses spread over many
// addresses gain nothing. None of it can be turned against the account's owner: an address that logged
// in to the account before ("known") skips the account's and the address's backoff and draws on a
// budget of checks of its own, so a flood of wrong passwords from elsewhere leaves the owner's own
// login working; and every backoff is capped, so an owner at a new address gets in once it passes.
// Time is an argument, so the arithmetic is testable.

import { type BucketConfig, TokenBuckets } from './token-bucket.ts';

export interface Backoff {
  /** Failures that cost nothing. */
  readonly free: number;
  /** The wait after the first failure past the free ones; it doubles with each further failure. */
  readonly baseMs: number;
  readonly maxMs: number;
}

export interface LoginThrottleOptions {
  /** Failures of one address on one account (the owner mistyping counts here, too). */
  readonly pair: Backoff;
  /** Failures on one account from addresses that never logged in to it. */
  readonly account: Backoff;
  /** Failures of one address over every account (but those it logged in to before). */
  readonly address: Backoff;
  /** Password checks per second for attempts from unknown addresses (see docs/decisions/0520). */
  readonly checks: BucketConfig;
  /** A separate budget for attempts from known addresses, which a flood cannot spend. */
  readonly knownChecks: BucketConfig;
  /** A successful login makes its address known to the account for this long. */
  readonly knownForMs: number;
  /** Failure counts are forgotten after this long without a failure. */
  readonly forgetAfterMs: number;
  /** Entries kept per table (oldest dropped first). */
  readonly maxEntries: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  pair: { free: 5, baseMs: 1_000, maxMs: 15 * 60_000 },
  account: { free: 10, baseMs: 1_000, maxMs: 5 * 60_000 },
  address: { free: 20, baseMs: 1_000, maxMs: 5 * 60_000 },
  checks: { capacity: 10, refillPerSecond: 4 },
  knownChecks: { capacity: 6, refillPerSecond: 2 },
  knownForMs: 30 * 24 * 3_600_000,
  forgetAfterMs: 3_600_000,
  maxEntries: 100_000,
};

export type Admission =
  | { readonly ok: true; readonly known: boolean }
  | { readonly ok: false; readonly retryAfterSeconds: number; readonly reason: string };

interface Failures {
  count: number;
  lastMs: number;
}

/** The wait before the next attempt after `count` failures, the last at `lastMs`. */
export function backoffUntil(b: Backoff, f: Failures): number {
  if (f.count <= b.free) return 0;
  return f.lastMs + Math.min(b.maxMs, b.baseMs * 2 ** Math.min(30, f.count - b.free - 1));
}

/** A bounded map whose oldest-updated entries go first. */
class Table<V> {
  readonly #map = new Map<string, V>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    for (const oldest of this.#map.keys()) {
      if (this.#map.size <= this.#max) break;
      this.#map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  get size(): number {
    return this.#map.size;
  }
}

export class LoginThrottle {
  readonly #o: LoginThrottleOptions;
  readonly #pairs: Table<Failures>;
  readonly #accounts: Table<Failures>;
  readonly #addresses: Table<Failures>;
  /** pair → last successful login (ms). */
  readonly #known: Table<number>;
  readonly #checks = new TokenBuckets(2);

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.#o = { ...DEFAULT_LOGIN_THROTTLE, ...options };
    this.#pairs = new Table(this.#o.maxEntries);
    this.#accounts = new Table(this.#o.maxEntries);
    this.#addresses = new Table(this.#o.maxEntries);
    this.#known = new Table(this.#o.maxEntries);
  }

  /**
   * Before a password check. An admitted attempt counts as a failure at once (undone by `succeeded`),
   * so a burst of parallel attempts cannot all pass before the first one is counted.
   */
  admit(username: string, address: string, nowMs: number): Admission {
    const pairKey = `${username}\u0000${address}`;
    const knownAt = this.#known.get(pairKey);
    const known = knownAt !== undefined && nowMs - knownAt < this.#o.knownForMs;
    const checks: [Table<Failures>, string, Backoff, string][] = [
      [this.#pairs, pairKey, this.#o.pair, 'this account from this address'],
    ];
    if (!known) {
      checks.push([this.#accounts, username, this.#o.account, 'this account']);
      checks.push([this.#addresses, address, this.#o.address, 'this address']);
    }
    let until = 0;
    let reason = '';
    for (const [table, key, backoff, what] of checks) {
      const t = this.#blockedUntil(table, key, backoff, nowMs);
      if (t > until) [until, reason] = [t, `Too many failed logins for ${what}.`];
    }
    if (until > nowMs) {
      return { ok: false, retryAfterSeconds: Math.ceil((until - nowMs) / 1000), reason };
    }
    const budget = known ? this.#o.knownChecks : this.#o.checks;
    const take = this.#checks.take(known ? 'known' : 'all', budget, nowMs);
    if (!take.ok) {
      const reason = 'Too many logins on the exchange right now.';
      return { ok: false, retryAfterSeconds: take.retryAfterSeconds, reason };
    }
    for (const [table, key] of checks) this.#fail(table, key, nowMs);
    return { ok: true, known };
  }

  /** After an admitted attempt whose password was right: its failure is undone, the address known. */
  succeeded(username: string, address: string, nowMs: number): void {
    const pairKey = `${username}\u0000${address}`;
    const wasKnown = this.#known.get(pairKey) !== undefined;
    this.#pairs.delete(pairKey);
    this.#known.set(pairKey, nowMs);
    if (wasKnown) return;
    // The attempt was counted against the account and the address as well; take that back.
    for (const [table, key] of [
      [this.#accounts, username],
      [this.#addresses, address],
    ] as const) {
      const f = table.get(key);
      if (f !== undefined && f.count > 0) f.count--;
    }
  }

  /** Entries held over all tables (bounded by `maxEntries` each). */
  get size(): number {
    return this.#pairs.size + this.#accounts.size + this.#addresses.size + this.#known.size;
  }

  #blockedUntil(table: Table<Failures>, key: string, b: Backoff, nowMs: number): number {
    const f = table.get(key);
    if (f === undefined) return 0;
    if (nowMs - f.lastMs >= this.#o.forgetAfterMs) {
      table.delete(key);
      return 0;
    }
    return backoffUntil(b, f);
  }

  #fail(table: Table<Failures>, key: string, nowMs: number): void {
    const f = table.get(key) ?? { count: 0, lastMs: nowMs };
    f.count++;
    f.lastMs = nowMs;
    table.set(key, f);
  }
}
