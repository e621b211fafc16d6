// Which accounts' own orders changed which book levels since the last flush, so an `orderbook_delta`
// can carry `client_order_id` to the member whose order it was, and to nobody else. A level's change
// belongs to the order resting there: placed, amended onto or off it, cancelled, or filled as maker.
// Orders without a client order id are not recorded; the set is emptied after every flush.

import type { Side } from '@bourse/engine';

export class OwnLevels {
  /** instrument → `side:price` → account → the client order id of its latest order there. */
  #byMarket = new Map<number, Map<string, Map<number, string>>>();

  /** The order of `accountId` with `clientOrderId` changed this level of its market. */
  record(
    accountId: number,
    instrumentId: number,
    clientOrderId: string,
    side: Side,
    priceTicks: number,
  ): void {
    let levels = this.#byMarket.get(instrumentId);
    if (levels === undefined) this.#byMarket.set(instrumentId, (levels = new Map()));
    const key = levelKey(side, priceTicks);
    let owners = levels.get(key);
    if (owners === undefined) levels.set(key, (owners = new Map()));
    owners.set(accountId, clientOrderId);
  }

  /** The client order id of `accountId`'s order behind a change at this level, if there was one. */
  owner(instrumentId: number, side: Side, priceTicks: number, accountId: number) {
    return this.#byMarket.get(instrumentId)?.get(levelKey(side, priceTicks))?.get(accountId);
  }

  /** True when some account's own order changed a level of this market since the last flush. */
  touched(instrumentId: number): boolean {
    return this.#byMarket.has(instrumentId);
  }

  /** Empties it by replacing the map, never clearing it (decision 0950); free when already empty. */
  clear(): void {
    if (this.#byMarket.size > 0) this.#byMarket = new Map();
  }
}

function levelKey(side: Side, priceTicks: number): string {
  return `${side}:${priceTicks}`;
}
