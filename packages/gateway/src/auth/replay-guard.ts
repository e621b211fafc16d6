// Remembers every signature seen inside the timestamp window so a captured request cannot be sent again.
// Entries leave once their timestamp falls out of the window (older requests are refused by the window
// check anyway), so memory is bounded by the request rate times the window. The memory starts with the
// process: a request signed before it started may have been used with the process before (a restart
// inside the window), so it cannot be told apart from a replay and is refused (`signedBeforeStart`).
// That only matters during the first window after a start; a client refused then signs again.

export class ReplayGuard {
  /** signature → expiry (ms); insertion order is roughly expiry order. */
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;
  readonly #startedAtMs: number;

  constructor(windowMs: number, startedAtMs: number) {
    this.#windowMs = windowMs;
    this.#startedAtMs = startedAtMs;
  }

  /** True when a request with this timestamp was signed before this guard began remembering. */
  signedBeforeStart(timestampMs: number): boolean {
    return timestampMs < this.#startedAtMs;
  }

  /** Records the signature; false when it was already used. */
  remember(signature: string, timestampMs: number, nowMs: number): boolean {
    this.#prune(nowMs);
    // 32 base64 characters are 192 bits of a signature: unique in practice, and far smaller to keep
    // than a 344-character RSA signature.
    const key = signature.slice(0, 32);
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, timestampMs + this.#windowMs);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #prune(nowMs: number): void {
    for (const [sig, expiry] of this.#seen) {
      if (expiry > nowMs) break;
      this.#seen.delete(sig);
    }
  }
}
