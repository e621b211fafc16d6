// One instrument's central limit order book: price levels indexed by tick (level index =
// (price − min) / tick) holding intrusive FIFO queues of order slots, per-level aggregates, and a
// bitset of non-empty levels so the next best price is found by scanning words, not levels.
// Invariant: `best[s]` is the best non-empty level of side s or −1; the book is never crossed at rest.

import { NIL } from './slot.ts';

/**
 * The order store's columns the level queues use: the slot links and each order's open quantity.
 * Callers pass the store itself; naming only these keeps the book free of the store's record types.
 */
export interface QueueColumns {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly open: Float64Array;
}

export const BUY = 0;
export const SELL = 1;

export class Book {
  readonly levels: number;
  /** Indexed by side × levels + level. */
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly qty: Float64Array;
  readonly count: Int32Array;
  /** Non-empty levels, one bitset per side (side × words + word). */
  private readonly bits: Uint32Array;
  private readonly words: number;
  /** Best level index per side, −1 when the side is empty. */
  readonly best: Int32Array;

  constructor(levels: number) {
    this.levels = levels;
    this.head = new Int32Array(2 * levels).fill(NIL);
    this.tail = new Int32Array(2 * levels).fill(NIL);
    this.qty = new Float64Array(2 * levels);
    this.count = new Int32Array(2 * levels);
    this.words = (levels + 31) >>> 5;
    this.bits = new Uint32Array(2 * this.words);
    this.best = new Int32Array([-1, -1]);
  }

  /** Appends `slot` at the back of its level's queue. */
  push(store: QueueColumns, side: number, level: number, slot: number): void {
    const k = side * this.levels + level;
    const t = this.tail[k]!;
    store.prev[slot] = t;
    store.next[slot] = NIL;
    if (t === NIL) {
      this.head[k] = slot;
      this.bits[side * this.words + (level >>> 5)]! |= 1 << (level & 31);
      const b = this.best[side]!;
      if (b < 0 || (side === BUY ? level > b : level < b)) this.best[side] = level;
    } else {
      store.next[t] = slot;
    }
    this.tail[k] = slot;
    this.qty[k]! += store.open[slot]!;
    this.count[k]!++;
  }

  /** Unlinks `slot` (which must be in this level) and removes its open quantity from the level. */
  remove(store: QueueColumns, side: number, level: number, slot: number): void {
    const k = side * this.levels + level;
    const p = store.prev[slot]!;
    const n = store.next[slot]!;
    if (p === NIL) this.head[k] = n;
    else store.next[p] = n;
    if (n === NIL) this.tail[k] = p;
    else store.prev[n] = p;
    this.qty[k]! -= store.open[slot]!;
    this.count[k]!--;
    if (this.count[k] === 0) {
      this.qty[k] = 0;
      this.bits[side * this.words + (level >>> 5)]! &= ~(1 << (level & 31));
      if (this.best[side] === level) this.best[side] = this.scan(side, level);
    }
  }

  /** Finds the best non-empty level of `side` strictly worse than `from`, or −1. */
  private scan(side: number, from: number): number {
    const base = side * this.words;
    if (side === BUY) {
      const i = from - 1;
      if (i < 0) return -1;
      let w = i >>> 5;
      let word = this.bits[base + w]! & (0xffffffff >>> (31 - (i & 31)));
      for (;;) {
        if (word !== 0) return (w << 5) + 31 - Math.clz32(word);
        if (--w < 0) return -1;
        word = this.bits[base + w]!;
      }
    }
    const i = from + 1;
    if (i >= this.levels) return -1;
    let w = i >>> 5;
    let word = this.bits[base + w]! & (0xffffffff << (i & 31));
    for (;;) {
      if (word !== 0) return (w << 5) + 31 - Math.clz32(word & -word);
      if (++w >= this.words) return -1;
      word = this.bits[base + w]!;
    }
  }
}
