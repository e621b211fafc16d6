// The frequent events as objects, built by the event sink when `apply` hands out objects (and when a
// value does not fit a byte layout and the codec writes the object instead). One builder per event,
// shared by both paths, so the object of an event has one shape and one home.

import { SIDE } from './codec-fields.ts';
import type { OrderType, Side, TimeInForce } from './commands.ts';
import type { EngineEvent, OrderAccepted } from './events.ts';

/** Side codes (0 buy, 1 sell) to names, from the codec's table of sides. */
const sideName = (side: number): Side => SIDE.values[side]!;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function bookLevelEvent(
  instrumentId: number,
  side: number,
  priceTicks: number,
  qtyLots: number,
  orderCount: number,
): EngineEvent {
  return { type: 'bookLevel', instrumentId, side: sideName(side), priceTicks, qtyLots, orderCount };
}

export function restedEvent(
  orderId: number,
  instrumentId: number,
  side: number,
  priceTicks: number,
  openQtyLots: number,
): EngineEvent {
  return {
    type: 'orderRested',
    orderId,
    instrumentId,
    side: sideName(side),
    priceTicks,
    openQtyLots,
  };
}

export function positionEvent(
  accountId: number,
  instrumentId: number,
  positionLots: number,
  costBasis: number,
  realisedPnl: number,
  feesPaid: number,
): EngineEvent {
  return {
    type: 'positionChanged',
    accountId,
    instrumentId,
    positionLots,
    costBasis,
    realisedPnl,
    feesPaid,
  };
}

export function fillEvent(
  tradeId: number,
  instrumentId: number,
  takerOrderId: number,
  makerOrderId: number,
  takerAccountId: number,
  makerAccountId: number,
  takerSide: number,
  priceTicks: number,
  qtyLots: number,
  takerFee: number,
  makerFee: number,
  takerOpenQtyLots: number,
  makerOpenQtyLots: number,
): EngineEvent {
  return {
    type: 'fill',
    tradeId,
    instrumentId,
    takerOrderId,
    makerOrderId,
    takerAccountId,
    makerAccountId,
    takerSide: sideName(takerSide),
    priceTicks,
    qtyLots,
    takerFee,
    makerFee,
    takerOpenQtyLots,
    makerOpenQtyLots,
  };
}

export function acceptedEvent(
  orderId: number,
  accountId: number,
  instrumentId: number,
  clientOrderId: string | undefined,
  side: Side,
  orderType: OrderType,
  tif: TimeInForce,
  priceTicks: number,
  qtyLots: number,
  stopPriceTicks: number | undefined,
  expiresAt: number | undefined,
  postOnly: boolean,
  reduceOnly: boolean,
  cancelOnPause: boolean,
  orderGroupId: number | undefined,
): EngineEvent {
  const e: Mutable<OrderAccepted> = {
    type: 'orderAccepted',
    orderId,
    accountId,
    instrumentId,
    clientOrderId,
    side,
    orderType,
    tif,
    priceTicks,
    qtyLots,
    stopPriceTicks,
    expiresAt,
    postOnly,
    reduceOnly,
    cancelOnPause,
  };
  // Added after, not spread in: a spread copies the whole event into a second object.
  if (orderGroupId !== undefined) e.orderGroupId = orderGroupId;
  return e;
}
