// Keeps a local copy of one market's book from the WebSocket `book` channel: a snapshot, then deltas
// whose seq must rise by exactly one. On a gap it reports false so the caller resubscribes for a fresh
// snapshot instead of trading on a wrong book.

import type { Level } from './wire-types.ts';

export interface BookMessage {
  readonly channel: 'book';
  readonly type: 'snapshot' | 'delta';
  readonly instrumentId: number;
  readonly seq: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

export class BookMirror {
  readonly #bids = new Map<number, Level>();
  readonly #asks = new Map<number, Level>();
  #seq: number | undefined;

  get seq(): number | undefined {
    return this.#seq;
  }

  /** Applies a message; false when a delta does not follow the last seq (resubscribe). */
  apply(m: BookMessage): boolean {
    if (m.type !== 'snapshot' && m.type !== 'delta') return true;
    if (m.type === 'snapshot') {
      this.#bids.clear();
      this.#asks.clear();
      for (const l of m.bids) this.#bids.set(l[0], l);
      for (const l of m.asks) this.#asks.set(l[0], l);
      this.#seq = m.seq;
      return true;
    }
    if (this.#seq === undefined) return false;
    if (m.seq <= this.#seq) return true;
    if (m.seq !== this.#seq + 1) {
      this.#seq = undefined;
      return false;
    }
    for (const l of m.bids) l[1] === 0 ? this.#bids.delete(l[0]) : this.#bids.set(l[0], l);
    for (const l of m.asks) l[1] === 0 ? this.#asks.delete(l[0]) : this.#asks.set(l[0], l);
    this.#seq = m.seq;
    return true;
  }

  depth(): { bids: Level[]; asks: Level[] } {
    return {
      bids: [...this.#bids.values()].sort((a, b) => b[0] - a[0]),
      asks: [...this.#asks.values()].sort((a, b) => a[0] - b[0]),
    };
  }
}
