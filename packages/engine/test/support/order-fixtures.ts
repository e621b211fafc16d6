// Shared fixtures of the order worked examples: one open binary market (id 10) with funded
// accounts, a limit-order builder and a compact view of cancellations.

import type { EngineEvent } from '../../src/index.ts';
import { binarySpec, DOLLAR, Harness, ofType, type PlaceBody } from './harness.ts';

export const M = 10;
export const START = 1000 * DOLLAR;

export function market(accounts = [1, 2, 3, 4, 5, 6, 7, 8]): Harness {
  return new Harness().setup(accounts, START).market(binarySpec(M));
}

export function lim(
  accountId: number,
  side: 'buy' | 'sell',
  priceTicks: number,
  qtyLots: number,
  extra: Partial<PlaceBody> = {},
): PlaceBody {
  return {
    accountId,
    instrumentId: M,
    side,
    orderType: 'limit',
    priceTicks,
    qtyLots,
    tif: 'gtc',
    ...extra,
  };
}

/** [orderId, reason, cancelled quantity] of every cancellation, in order. */
export function cancelled(events: readonly EngineEvent[]) {
  return ofType(events, 'orderCancelled').map((c) => [c.orderId, c.reason, c.cancelledQtyLots]);
}
