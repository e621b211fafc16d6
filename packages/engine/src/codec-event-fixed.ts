// The fixed-width layouts of the most frequent events (decision 0973): after the tag, each integer is
// a little-endian float64 and each code (a side, a cancel reason) one byte, in the order of the
// event's fields. A float64 holds every number exactly, so these events never fall back to JSON and
// decode to exactly what was emitted. The engine's event sink writes them straight from its state
// with one capacity check per event and one store per field: the variable-length integers these
// events were written with before cost a branch and a store per 7 bits, and a call per field, which
// made writing a command's events as bytes dearer than building them as objects.
//
// The tags of the variable-length layouts (14, 15, 16, 18, 19, 20) are never reused: batches written
// with them still decode, through the readers at the end of this file.

import type { ByteReader, ByteWriter } from './codec-bytes.ts';
import type { EventOf } from './codec-event-layouts.ts';
import { CANCEL_REASON, readEnum, SIDE } from './codec-fields.ts';
import type { EngineEvent } from './events.ts';

/** Bytes after the tag of each layout. */
const RESTED_BYTES = 4 * 8 + 1;
const FILL_BYTES = 12 * 8 + 1;
const CANCELLED_BYTES = 4 * 8 + 1;
const LEVEL_BYTES = 4 * 8 + 1;
const BALANCE_BYTES = 4 * 8;
const POSITION_BYTES = 6 * 8;

export function putRested(
  w: ByteWriter,
  orderId: number,
  instrumentId: number,
  side: number,
  priceTicks: number,
  openQtyLots: number,
): void {
  const p = w.pos;
  if (p + RESTED_BYTES > w.buf.length) w.reserve(RESTED_BYTES);
  const v = w.view();
  v.setFloat64(p, orderId, true);
  v.setFloat64(p + 8, instrumentId, true);
  v.setUint8(p + 16, side);
  v.setFloat64(p + 17, priceTicks, true);
  v.setFloat64(p + 25, openQtyLots, true);
  w.pos = p + RESTED_BYTES;
}

export function readRested(r: ByteReader): EventOf<'orderRested'> {
  return {
    type: 'orderRested',
    orderId: r.f64le(),
    instrumentId: r.f64le(),
    side: readEnum(r, SIDE),
    priceTicks: r.f64le(),
    openQtyLots: r.f64le(),
  };
}

export function putFill(
  w: ByteWriter,
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
): void {
  const p = w.pos;
  if (p + FILL_BYTES > w.buf.length) w.reserve(FILL_BYTES);
  const v = w.view();
  v.setFloat64(p, tradeId, true);
  v.setFloat64(p + 8, instrumentId, true);
  v.setFloat64(p + 16, takerOrderId, true);
  v.setFloat64(p + 24, makerOrderId, true);
  v.setFloat64(p + 32, takerAccountId, true);
  v.setFloat64(p + 40, makerAccountId, true);
  v.setUint8(p + 48, takerSide);
  v.setFloat64(p + 49, priceTicks, true);
  v.setFloat64(p + 57, qtyLots, true);
  v.setFloat64(p + 65, takerFee, true);
  v.setFloat64(p + 73, makerFee, true);
  v.setFloat64(p + 81, takerOpenQtyLots, true);
  v.setFloat64(p + 89, makerOpenQtyLots, true);
  w.pos = p + FILL_BYTES;
}

export function readFill(r: ByteReader): EventOf<'fill'> {
  return {
    type: 'fill',
    tradeId: r.f64le(),
    instrumentId: r.f64le(),
    takerOrderId: r.f64le(),
    makerOrderId: r.f64le(),
    takerAccountId: r.f64le(),
    makerAccountId: r.f64le(),
    takerSide: readEnum(r, SIDE),
    priceTicks: r.f64le(),
    qtyLots: r.f64le(),
    takerFee: r.f64le(),
    makerFee: r.f64le(),
    takerOpenQtyLots: r.f64le(),
    makerOpenQtyLots: r.f64le(),
  };
}

export function putCancelled(
  w: ByteWriter,
  orderId: number,
  accountId: number,
  instrumentId: number,
  reason: number,
  cancelledQtyLots: number,
): void {
  const p = w.pos;
  if (p + CANCELLED_BYTES > w.buf.length) w.reserve(CANCELLED_BYTES);
  const v = w.view();
  v.setFloat64(p, orderId, true);
  v.setFloat64(p + 8, accountId, true);
  v.setFloat64(p + 16, instrumentId, true);
  v.setUint8(p + 24, reason);
  v.setFloat64(p + 25, cancelledQtyLots, true);
  w.pos = p + CANCELLED_BYTES;
}

export function readCancelled(r: ByteReader): EventOf<'orderCancelled'> {
  return {
    type: 'orderCancelled',
    orderId: r.f64le(),
    accountId: r.f64le(),
    instrumentId: r.f64le(),
    reason: readEnum(r, CANCEL_REASON),
    cancelledQtyLots: r.f64le(),
  };
}

export function putBookLevel(
  w: ByteWriter,
  instrumentId: number,
  side: number,
  priceTicks: number,
  qtyLots: number,
  orderCount: number,
): void {
  const p = w.pos;
  if (p + LEVEL_BYTES > w.buf.length) w.reserve(LEVEL_BYTES);
  const v = w.view();
  v.setFloat64(p, instrumentId, true);
  v.setUint8(p + 8, side);
  v.setFloat64(p + 9, priceTicks, true);
  v.setFloat64(p + 17, qtyLots, true);
  v.setFloat64(p + 25, orderCount, true);
  w.pos = p + LEVEL_BYTES;
}

export function readBookLevel(r: ByteReader): EventOf<'bookLevel'> {
  return {
    type: 'bookLevel',
    instrumentId: r.f64le(),
    side: readEnum(r, SIDE),
    priceTicks: r.f64le(),
    qtyLots: r.f64le(),
    orderCount: r.f64le(),
  };
}

export function putBalance(
  w: ByteWriter,
  accountId: number,
  assetId: number,
  available: number,
  reserved: number,
): void {
  const p = w.pos;
  if (p + BALANCE_BYTES > w.buf.length) w.reserve(BALANCE_BYTES);
  const v = w.view();
  v.setFloat64(p, accountId, true);
  v.setFloat64(p + 8, assetId, true);
  v.setFloat64(p + 16, available, true);
  v.setFloat64(p + 24, reserved, true);
  w.pos = p + BALANCE_BYTES;
}

export function readBalance(r: ByteReader): EventOf<'balanceChanged'> {
  return {
    type: 'balanceChanged',
    accountId: r.f64le(),
    assetId: r.f64le(),
    available: r.f64le(),
    reserved: r.f64le(),
  };
}

export function putPosition(
  w: ByteWriter,
  accountId: number,
  instrumentId: number,
  positionLots: number,
  costBasis: number,
  realisedPnl: number,
  feesPaid: number,
): void {
  const p = w.pos;
  if (p + POSITION_BYTES > w.buf.length) w.reserve(POSITION_BYTES);
  const v = w.view();
  v.setFloat64(p, accountId, true);
  v.setFloat64(p + 8, instrumentId, true);
  v.setFloat64(p + 16, positionLots, true);
  v.setFloat64(p + 24, costBasis, true);
  v.setFloat64(p + 32, realisedPnl, true);
  v.setFloat64(p + 40, feesPaid, true);
  w.pos = p + POSITION_BYTES;
}

export function readPosition(r: ByteReader): EventOf<'positionChanged'> {
  return {
    type: 'positionChanged',
    accountId: r.f64le(),
    instrumentId: r.f64le(),
    positionLots: r.f64le(),
    costBasis: r.f64le(),
    realisedPnl: r.f64le(),
    feesPaid: r.f64le(),
  };
}

/** Readers of the variable-length layouts these events had before, by their tags. */
export const VARINT_EVENT_READS: ReadonlyMap<number, (r: ByteReader) => EngineEvent> = new Map<
  number,
  (r: ByteReader) => EngineEvent
>([
  [
    14,
    (r) => ({
      type: 'orderRested',
      orderId: r.int(),
      instrumentId: r.int(),
      side: readEnum(r, SIDE),
      priceTicks: r.int(),
      openQtyLots: r.int(),
    }),
  ],
  [
    15,
    (r) => ({
      type: 'fill',
      tradeId: r.int(),
      instrumentId: r.int(),
      takerOrderId: r.int(),
      makerOrderId: r.int(),
      takerAccountId: r.int(),
      makerAccountId: r.int(),
      takerSide: readEnum(r, SIDE),
      priceTicks: r.int(),
      qtyLots: r.int(),
      takerFee: r.int(),
      makerFee: r.int(),
      takerOpenQtyLots: r.int(),
      makerOpenQtyLots: r.int(),
    }),
  ],
  [
    16,
    (r) => ({
      type: 'orderCancelled',
      orderId: r.int(),
      accountId: r.int(),
      instrumentId: r.int(),
      reason: readEnum(r, CANCEL_REASON),
      cancelledQtyLots: r.int(),
    }),
  ],
  [
    18,
    (r) => ({
      type: 'bookLevel',
      instrumentId: r.int(),
      side: readEnum(r, SIDE),
      priceTicks: r.int(),
      qtyLots: r.int(),
      orderCount: r.int(),
    }),
  ],
  [
    19,
    (r) => ({
      type: 'balanceChanged',
      accountId: r.int(),
      assetId: r.int(),
      available: r.int(),
      reserved: r.int(),
    }),
  ],
  [
    20,
    (r) => ({
      type: 'positionChanged',
      accountId: r.int(),
      instrumentId: r.int(),
      positionLots: r.int(),
      costBasis: r.int(),
      realisedPnl: r.int(),
      feesPaid: r.int(),
    }),
  ],
]);
