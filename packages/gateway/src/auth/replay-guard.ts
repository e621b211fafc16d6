// Remembers every signature used inside the timestamp window so a captured request cannot be sent again.
// A signature is known by its decoded bytes (the header must be canonical base64, so one signature has
// one spelling), kept as 16 bytes of their SHA-256. Entries leave once their timestamp falls out of the
// window (older requests are refused by the window check anyway), so memory is bounded by the request
// rate times the window. With a `ReplayLog` the memory survives a restart; requests signed before the
// process started are refused all the same (`signedBeforeStart`), which covers whatever the log could
// have lost with the machine's page cache. A client refused then signs again.

import { createHash } from 'node:crypto';
import { REPLAY_KEY_BYTES, type ReplayLog } from './replay-log.ts';

export class ReplayGuard {
  /** signature key (latin1) → expiry (ms); insertion order is roughly expiry order. */
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;
  readonly #startedAtMs: number;
  readonly #log: ReplayLog | undefined;

  constructor(windowMs: number, startedAtMs: number, log?: ReplayLog) {
    this.#windowMs = windowMs;
    this.#startedAtMs = startedAtMs;
    this.#log = log;
    if (log !== undefined)
      for (const [key, expiry] of log.load(startedAtMs)) this.#seen.set(key, expiry);
  }

  /** True when a request with this timestamp was signed before this guard began remembering. */
  signedBeforeStart(timestampMs: number): boolean {
    return timestampMs < this.#startedAtMs;
  }

  /** Records the signature (its decoded bytes); false when it was already used. */
  remember(signature: Uint8Array, timestampMs: number, nowMs: number): boolean {
    this.#prune(nowMs);
    const digest = createHash('sha256').update(signature).digest();
    const key = digest.toString('latin1', 0, REPLAY_KEY_BYTES);
    if (this.#seen.has(key)) return false;
    const expiry = timestampMs + this.#windowMs;
    // On disk before the request goes on, so a crash right after cannot forget it.
    this.#log?.append(digest, expiry, nowMs);
    this.#seen.set(key, expiry);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  close(): void {
    this.#log?.close();
  }

  #prune(nowMs: number): void {
    for (const [sig, expiry] of this.#seen) {
      if (expiry > nowMs) break;
      this.#seen.delete(sig);
    }
  }
}
