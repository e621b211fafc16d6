// A market-making bot: for each of its markets it keeps a drifting fair value and, every cycle, replaces
// its quotes with a ladder of bids below and asks above it (cancel-all, then one batch of orders). It
// trades only through the public REST API with a signed API key, as any user's bot would.

import type { Market, RestClient } from '@bourse/client';
import { roundToLots } from '@bourse/engine/rules';
import { FairValue } from './fair-value.ts';
import type { SeededRandom } from './seeded-random.ts';

export interface MarketMakerOptions {
  /** Price levels each side. */
  readonly levels: number;
  /** Half spread, in grid steps. */
  readonly halfSpreadSteps: number;
  /** Size per level, in lots (a multiple of the market's lot size). */
  readonly sizeLotsOf: (m: Market) => number;
  readonly startTicksOf: (m: Market) => number;
}

export class MarketMaker {
  readonly #rest: RestClient;
  readonly #rng: SeededRandom;
  readonly #opts: MarketMakerOptions;
  readonly #fair = new Map<string, FairValue>();
  /** Mid of the quotes standing in each market; unchanged mid ⇒ no requote (less journal churn). */
  readonly #quotedMid = new Map<string, number>();

  constructor(rest: RestClient, rng: SeededRandom, opts: MarketMakerOptions) {
    this.#rest = rest;
    this.#rng = rng;
    this.#opts = opts;
  }

  /** One quoting cycle over every open market. */
  async cycle(markets: readonly Market[]): Promise<void> {
    for (const m of markets) {
      if (m.status !== 'open') continue;
      const grid = m.spec;
      let fv = this.#fair.get(m.market);
      if (fv === undefined) {
        fv = new FairValue(
          grid,
          this.#opts.startTicksOf(m),
          this.#opts.halfSpreadSteps + this.#opts.levels,
        );
        this.#fair.set(m.market, fv);
      }
      const mid = fv.step(this.#rng, 1);
      if (this.#quotedMid.get(m.market) === mid) continue;
      this.#quotedMid.set(m.market, mid);
      const step = grid.tickSize;
      const size = this.#opts.sizeLotsOf(m);
      const orders = [];
      for (let i = 0; i < this.#opts.levels; i++) {
        const offset = (this.#opts.halfSpreadSteps + i) * step;
        const jitter = roundToLots(grid, size * this.#rng.int(1, 3), 'nearest');
        orders.push({
          market: m.market,
          side: 'buy' as const,
          priceTicks: mid - offset,
          qtyLots: jitter,
          postOnly: true,
        });
        orders.push({
          market: m.market,
          side: 'sell' as const,
          priceTicks: mid + offset,
          qtyLots: jitter,
          postOnly: true,
        });
      }
      await this.#rest.cancelAll(m.market);
      // Other makers keep their own fair values; a post-only quote through their prices would only
      // be refused, so quote up to the other side of the book and no further.
      const book = await this.#rest.book(m.market, 1);
      const bestAsk = book.asks[0]?.[0];
      const bestBid = book.bids[0]?.[0];
      const passive = orders.filter((o) =>
        o.side === 'buy'
          ? bestAsk === undefined || o.priceTicks < bestAsk
          : bestBid === undefined || o.priceTicks > bestBid,
      );
      if (passive.length > 0) await this.#rest.placeOrders(passive);
    }
  }
}
