// A noise trader: now and then it takes liquidity in a random market with a small immediate-or-cancel
// order priced at the touch, so trades print and candles move. Public REST API only.

import type { Market, RestClient } from '@bourse/client';
import type { SeededRandom } from './seeded-random.ts';

export class NoiseTrader {
  readonly #rest: RestClient;
  readonly #rng: SeededRandom;

  constructor(rest: RestClient, rng: SeededRandom) {
    this.#rest = rest;
    this.#rng = rng;
  }

  async cycle(markets: readonly Market[]): Promise<void> {
    const open = markets.filter((m) => m.status === 'open');
    if (open.length === 0) return;
    const m = this.#rng.pick(open);
    const book = await this.#rest.book(m.market, 1);
    const buy = this.#rng.next() < 0.5;
    const touch = buy ? book.asks[0]?.[0] : book.bids[0]?.[0];
    if (touch === undefined) return;
    const qtyLots = m.spec.lotSize * this.#rng.int(1, 5);
    await this.#rest.placeOrder({
      market: m.market,
      side: buy ? 'buy' : 'sell',
      priceTicks: touch,
      qtyLots,
      tif: 'ioc',
    });
  }
}
