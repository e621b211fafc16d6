// The last N applied commands a node has seen durable, in seq order: they answer `replay` requests from
// gateways that missed an events message, and they make (accountId, clientOrderId) an idempotency key
// for a retried `placeOrder` — the retry is answered with the command already in the log instead of
// being sequenced again. Every node keeps the same window from the same log, so a new leader answers a
// retry of a command its predecessor sequenced just before it died.

import type { AppliedCommand } from '@bourse/core';

export const DEFAULT_RECENT_COMMANDS = 100_000;

export class RecentCommands {
  readonly capacity: number;
  readonly #ring: (AppliedCommand | undefined)[];
  /** `${accountId}:${clientOrderId}` → seq of the placeOrder that carried it. */
  readonly #byClientId = new Map<string, number>();
  #lastSeq = 0;
  /** The first seq added since the window was (re)started. */
  #startSeq = 1;

  constructor(capacity = DEFAULT_RECENT_COMMANDS) {
    this.capacity = capacity;
    this.#ring = new Array(capacity);
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The oldest seq still held (lastSeq + 1 when empty). */
  get firstSeq(): number {
    return Math.max(this.#startSeq, this.#lastSeq - this.capacity + 1);
  }

  add(batch: readonly AppliedCommand[]): void {
    for (const applied of batch) {
      // A node starts its window wherever its core starts (after a restart, past its snapshot).
      if (applied.seq !== this.#lastSeq + 1) this.#restart(applied.seq);
      const slot = applied.seq % this.capacity;
      const evicted = this.#ring[slot];
      if (evicted !== undefined) {
        const key = clientKey(evicted);
        if (key !== undefined && this.#byClientId.get(key) === evicted.seq)
          this.#byClientId.delete(key);
      }
      this.#ring[slot] = applied;
      const key = clientKey(applied);
      if (key !== undefined) this.#byClientId.set(key, applied.seq);
      this.#lastSeq = applied.seq;
    }
  }

  /** Commands `fromSeq..toSeq` still held, at most `limit`, stopping at the first one not held. */
  range(fromSeq: number, toSeq: number, limit: number): AppliedCommand[] {
    const out: AppliedCommand[] = [];
    const start = Math.max(fromSeq, this.firstSeq);
    if (start !== fromSeq) return out;
    for (let seq = start; seq <= Math.min(toSeq, this.#lastSeq) && out.length < limit; seq++) {
      const applied = this.#ring[seq % this.capacity];
      if (applied?.seq !== seq) break;
      out.push(applied);
    }
    return out;
  }

  /** The applied placeOrder that used this account's client order id within the window, if any. */
  byClientOrderId(accountId: number, clientOrderId: string): AppliedCommand | undefined {
    const seq = this.#byClientId.get(`${accountId}:${clientOrderId}`);
    if (seq === undefined) return undefined;
    const applied = this.#ring[seq % this.capacity];
    return applied?.seq === seq ? applied : undefined;
  }

  #restart(seq: number): void {
    this.#ring.fill(undefined);
    this.#byClientId.clear();
    this.#startSeq = seq;
    this.#lastSeq = seq - 1;
  }
}

export function clientKey(applied: {
  readonly command: AppliedCommand['command'];
}): string | undefined {
  const c = applied.command;
  if (c.type !== 'placeOrder' || c.clientOrderId === undefined) return undefined;
  return `${c.accountId}:${c.clientOrderId}`;
}
