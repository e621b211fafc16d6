// The adapter's own copy of one market's L2 book, kept only while a Kalshi socket watches the market.
// The market-data hub publishes absolute level sizes; Kalshi's `orderbook_delta` carries signed changes,
// so the mirror remembers each level's size to turn "level is now 7" into "+3". It starts from the hub's
// snapshot and then sees every delta the hub publishes after it, so it always equals the hub's book.

import type { Side } from '@bourse/engine';

export interface LevelChange {
  readonly side: Side;
  readonly priceTicks: number;
  /** Signed change in lots; never 0. */
  readonly deltaLots: number;
}

type Levels = readonly (readonly [number, number, ...number[]])[];

export class BookMirror {
  readonly #bids = new Map<number, number>();
  readonly #asks = new Map<number, number>();

  constructor(bids: Levels, asks: Levels) {
    for (const l of bids) if (l[1] > 0) this.#bids.set(l[0], l[1]);
    for (const l of asks) if (l[1] > 0) this.#asks.set(l[0], l[1]);
  }

  /** Applies absolute sizes (0 removes a level); returns the signed changes in input order. */
  apply(side: Side, levels: Levels): LevelChange[] {
    const book = side === 'buy' ? this.#bids : this.#asks;
    const out: LevelChange[] = [];
    for (const l of levels) {
      const before = book.get(l[0]) ?? 0;
      if (l[1] === 0) book.delete(l[0]);
      else book.set(l[0], l[1]);
      if (l[1] !== before) out.push({ side, priceTicks: l[0], deltaLots: l[1] - before });
    }
    return out;
  }

  /** [priceTicks, qtyLots] per side, best first. */
  levels(): { bids: [number, number][]; asks: [number, number][] } {
    return {
      bids: [...this.#bids].sort((a, b) => b[0] - a[0]),
      asks: [...this.#asks].sort((a, b) => a[0] - b[0]),
    };
  }
}
