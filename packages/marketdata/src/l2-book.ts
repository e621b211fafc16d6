// The aggregated (L2) order book of one market, rebuilt from the engine's `bookLevel` events. Every event
// carries the absolute size of a level, so applying an event twice is harmless and the book converges to
// the engine's book whatever snapshot it started from.

import type { Level } from '@bourse/protocol';
import type { Side } from '@bourse/engine';

/** One price level on the wire: [priceTicks, qtyLots, orderCount]; qtyLots 0 removes the level. */
export type { Level };

export class L2Book {
  readonly #bids = new Map<number, Level>();
  readonly #asks = new Map<number, Level>();

  /** Sets a level to its absolute size; returns false when nothing changed. */
  set(side: Side, priceTicks: number, qtyLots: number, orderCount: number): boolean {
    const levels = side === 'buy' ? this.#bids : this.#asks;
    const current = levels.get(priceTicks);
    if (qtyLots === 0) return levels.delete(priceTicks);
    if (current !== undefined && current[1] === qtyLots && current[2] === orderCount) return false;
    levels.set(priceTicks, [priceTicks, qtyLots, orderCount]);
    return true;
  }

  /** Replaces the whole book (for example from the engine's own depth query). */
  reset(bids: readonly Level[], asks: readonly Level[]): void {
    this.#bids.clear();
    this.#asks.clear();
    for (const l of bids) this.#bids.set(l[0], l);
    for (const l of asks) this.#asks.set(l[0], l);
  }

  clear(): void {
    this.#bids.clear();
    this.#asks.clear();
  }

  /** Bids best (highest) first and asks best (lowest) first, at most `depth` levels a side. */
  depth(depth = Number.POSITIVE_INFINITY): { bids: Level[]; asks: Level[] } {
    const bids = [...this.#bids.values()].sort((a, b) => b[0] - a[0]);
    const asks = [...this.#asks.values()].sort((a, b) => a[0] - b[0]);
    return { bids: bids.slice(0, depth), asks: asks.slice(0, depth) };
  }

  bestBid(): number | undefined {
    let best: number | undefined;
    for (const p of this.#bids.keys()) if (best === undefined || p > best) best = p;
    return best;
  }

  bestAsk(): number | undefined {
    let best: number | undefined;
    for (const p of this.#asks.keys()) if (best === undefined || p < best) best = p;
    return best;
  }

  get levelCount(): number {
    return this.#bids.size + this.#asks.size;
  }
}
