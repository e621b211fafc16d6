// The strategy's own orders and positions as both runners see them: an order is open from the intent
// that sent it until it is filled, cancelled or refused, and a position moves only with its own fills.
// One bookkeeping for live and backtest runs, so a strategy's view means the same in both.

import type { FillUpdate, OpenOrder, PlaceIntent } from './strategy.ts';

interface Tracked {
  clientOrderId: string;
  market: string;
  side: PlaceIntent['side'];
  priceTicks: number;
  openQtyLots: number;
  orderId: number | undefined;
}

export class OwnOrders {
  readonly #byClientId = new Map<string, Tracked>();
  readonly #byOrderId = new Map<number, Tracked>();
  readonly #positions = new Map<string, number>();

  /** An order was sent (not yet acknowledged). */
  sent(intent: PlaceIntent): void {
    this.#byClientId.set(intent.clientOrderId, {
      clientOrderId: intent.clientOrderId,
      market: intent.market,
      side: intent.side,
      priceTicks: intent.priceTicks,
      openQtyLots: intent.qtyLots,
      orderId: undefined,
    });
  }

  /** The exchange accepted it under `orderId`. */
  accepted(clientOrderId: string, orderId: number): void {
    const t = this.#byClientId.get(clientOrderId);
    if (t === undefined || t.orderId !== undefined) return;
    t.orderId = orderId;
    this.#byOrderId.set(orderId, t);
  }

  orderIdOf(clientOrderId: string): number | undefined {
    return this.#byClientId.get(clientOrderId)?.orderId;
  }

  clientIdOf(orderId: number): string | undefined {
    return this.#byOrderId.get(orderId)?.clientOrderId;
  }

  /** One of its fills: the position moves and the order's open quantity becomes `openQtyLots`. */
  filled(orderId: number, fill: FillUpdate): void {
    const delta = fill.side === 'buy' ? fill.qtyLots : -fill.qtyLots;
    this.#positions.set(fill.market, (this.#positions.get(fill.market) ?? 0) + delta);
    const t = this.#byOrderId.get(orderId);
    if (t === undefined) return;
    t.openQtyLots = fill.openQtyLots;
    if (fill.openQtyLots === 0) this.#forget(t);
  }

  /** The order ended (cancelled, expired, or its remainder not rested). */
  endedById(orderId: number): void {
    const t = this.#byOrderId.get(orderId);
    if (t !== undefined) this.#forget(t);
  }

  /** The order was refused before it had an id. */
  refused(clientOrderId: string): void {
    const t = this.#byClientId.get(clientOrderId);
    if (t !== undefined && t.orderId === undefined) this.#forget(t);
  }

  /** Settlement closed a market's position. */
  settled(market: string): void {
    this.#positions.delete(market);
  }

  position(market: string): number {
    return this.#positions.get(market) ?? 0;
  }

  open(market?: string): OpenOrder[] {
    const out: OpenOrder[] = [];
    for (const t of this.#byClientId.values()) {
      if (market !== undefined && t.market !== market) continue;
      const { clientOrderId, side, priceTicks, openQtyLots } = t;
      out.push({ clientOrderId, market: t.market, side, priceTicks, openQtyLots });
    }
    return out;
  }

  #forget(t: Tracked): void {
    this.#byClientId.delete(t.clientOrderId);
    if (t.orderId !== undefined) this.#byOrderId.delete(t.orderId);
  }
}
