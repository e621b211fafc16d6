// The longer variable-length layouts of the event codec (rejections, acceptances, ledger moves,
// circuit breakers), kept apart from the table of cases in codec-events.ts that names every event.

import type { EngineEvent, EngineEventType } from './events.ts';
import {
  type ByteReader,
  type ByteWriter,
  MAX_INT_BYTES,
  NotEncodable,
  putInt,
} from './codec-bytes.ts';
import {
  enumCode,
  type FieldsOf,
  has,
  LEDGER_KIND,
  ORDER_TYPE,
  REJECT_CODE,
  readEnum,
  SIDE,
  TIF,
  writeEnum,
} from './codec-fields.ts';

export type EventOf<K extends EngineEventType> = Extract<EngineEvent, { readonly type: K }>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One event's layout: its tag, its fields' descriptions, and how it is written and read. */
export interface EventCase<K extends EngineEventType> {
  /** The byte naming the event; never reused. 0 is the JSON escape. */
  readonly tag: number;
  readonly fields: FieldsOf<EventOf<K>>;
  readonly write: (w: ByteWriter, e: EventOf<K>) => void;
  readonly read: (r: ByteReader) => EventOf<K>;
}

export function writeRejected(w: ByteWriter, e: EventOf<'rejected'>): void {
  w.uint(
    has(e.accountId, 0) |
      has(e.orderId, 1) |
      has(e.clientOrderId, 2) |
      has(e.field, 3) |
      has(e.rule, 4),
  );
  w.str(e.command);
  writeEnum(w, REJECT_CODE, e.reason);
  if (e.accountId !== undefined) w.int(e.accountId);
  if (e.orderId !== undefined) w.int(e.orderId);
  if (e.clientOrderId !== undefined) w.str(e.clientOrderId);
  if (e.field !== undefined) w.str(e.field);
  if (e.rule !== undefined) w.str(e.rule);
}

export function readRejected(r: ByteReader): EventOf<'rejected'> {
  const m = r.uint();
  const e: Mutable<EventOf<'rejected'>> = {
    type: 'rejected',
    command: r.str() as EventOf<'rejected'>['command'],
    reason: readEnum(r, REJECT_CODE),
  };
  if (m & 1) e.accountId = r.int();
  if (m & 2) e.orderId = r.int();
  if (m & 4) e.clientOrderId = r.str();
  if (m & 8) e.field = r.str();
  if (m & 16) e.rule = r.str();
  return e;
}

export function writeAccepted(w: ByteWriter, e: EventOf<'orderAccepted'>): void {
  writeAcceptedFields(
    w,
    e.orderId,
    e.accountId,
    e.instrumentId,
    e.clientOrderId,
    enumCode(SIDE, e.side),
    enumCode(ORDER_TYPE, e.orderType),
    enumCode(TIF, e.tif),
    e.priceTicks,
    e.qtyLots,
    e.stopPriceTicks,
    e.expiresAt,
    e.postOnly,
    e.reduceOnly,
    e.cancelOnPause,
    e.orderGroupId,
  );
}

export function writeAcceptedFields(
  w: ByteWriter,
  orderId: number,
  accountId: number,
  instrumentId: number,
  clientOrderId: string | undefined,
  side: number,
  orderType: number,
  tif: number,
  priceTicks: number,
  qtyLots: number,
  stopPriceTicks: number | undefined,
  expiresAt: number | undefined,
  postOnly: boolean,
  reduceOnly: boolean,
  cancelOnPause: boolean,
  orderGroupId: number | undefined,
): void {
  // The field mask is below 16, so its variable-length form is the byte itself.
  const mask =
    has(clientOrderId, 0) | has(stopPriceTicks, 1) | has(expiresAt, 2) | has(orderGroupId, 3);
  w.reserve(1 + 3 * MAX_INT_BYTES);
  let b = w.buf;
  let p = w.pos;
  b[p++] = mask;
  p = putInt(b, p, orderId);
  p = putInt(b, p, accountId);
  w.pos = putInt(b, p, instrumentId);
  if (clientOrderId !== undefined) w.str(clientOrderId);
  w.reserve(6 + 5 * MAX_INT_BYTES);
  b = w.buf;
  p = w.pos;
  b[p++] = side;
  b[p++] = orderType;
  b[p++] = tif;
  p = putInt(b, p, priceTicks);
  p = putInt(b, p, qtyLots);
  if (stopPriceTicks !== undefined) p = putInt(b, p, stopPriceTicks);
  if (expiresAt !== undefined) p = putInt(b, p, expiresAt);
  b[p++] = boolByte(postOnly);
  b[p++] = boolByte(reduceOnly);
  b[p++] = boolByte(cancelOnPause);
  if (orderGroupId !== undefined) p = putInt(b, p, orderGroupId);
  w.pos = p;
}

/** A boolean's byte; anything else has no place in the layout. */
function boolByte(v: boolean): number {
  if (v === true) return 1;
  if (v === false) return 0;
  throw new NotEncodable(`not a boolean: ${String(v)}`);
}

export function readAccepted(r: ByteReader): EventOf<'orderAccepted'> {
  const m = r.uint();
  const e: Mutable<EventOf<'orderAccepted'>> = {
    type: 'orderAccepted',
    orderId: r.int(),
    accountId: r.int(),
    instrumentId: r.int(),
    clientOrderId: m & 1 ? r.str() : undefined,
    side: readEnum(r, SIDE),
    orderType: readEnum(r, ORDER_TYPE),
    tif: readEnum(r, TIF),
    priceTicks: r.int(),
    qtyLots: r.int(),
    stopPriceTicks: m & 2 ? r.int() : undefined,
    expiresAt: m & 4 ? r.int() : undefined,
    postOnly: r.bool(),
    reduceOnly: r.bool(),
    cancelOnPause: r.bool(),
  };
  if (m & 8) e.orderGroupId = r.int();
  return e;
}

export function writeLedger(w: ByteWriter, e: EventOf<'ledgerMoved'>): void {
  w.uint(has(e.transferId, 0));
  writeEnum(w, LEDGER_KIND, e.kind);
  w.int(e.accountId);
  w.int(e.assetId);
  w.int(e.amount);
  if (e.transferId !== undefined) w.str(e.transferId);
}

export function readLedger(r: ByteReader): EventOf<'ledgerMoved'> {
  const m = r.uint();
  const e: Mutable<EventOf<'ledgerMoved'>> = {
    type: 'ledgerMoved',
    kind: readEnum(r, LEDGER_KIND),
    accountId: r.int(),
    assetId: r.int(),
    amount: r.int(),
  };
  if (m & 1) e.transferId = r.str();
  return e;
}

export function writeBreaker(w: ByteWriter, e: EventOf<'circuitBreakerChanged'>): void {
  w.uint(
    (e.referencePriceTicks === null ? 0 : 1) | (e.reopensAt === null ? 0 : 2) | has(e.trip, 2),
  );
  w.int(e.instrumentId);
  w.str(jsonText(e.breaker));
  if (e.referencePriceTicks !== null) w.int(e.referencePriceTicks);
  if (e.reopensAt !== null) w.int(e.reopensAt);
  if (e.trip !== undefined) w.str(jsonText(e.trip));
}

export function readBreaker(r: ByteReader): EventOf<'circuitBreakerChanged'> {
  const m = r.uint();
  const e: Mutable<EventOf<'circuitBreakerChanged'>> = {
    type: 'circuitBreakerChanged',
    instrumentId: r.int(),
    breaker: JSON.parse(r.str()),
    referencePriceTicks: m & 1 ? r.int() : null,
    reopensAt: m & 2 ? r.int() : null,
  };
  if (m & 4) e.trip = JSON.parse(r.str());
  return e;
}

export function jsonText(v: unknown): string {
  const text = JSON.stringify(v);
  if (typeof text !== 'string') throw new NotEncodable('a value with no JSON form');
  return text;
}

/** Writes the listed integer fields of an event in order; reads them back into `type`'s shape. */
export function ints<K extends EngineEventType>(
  tag: number,
  type: K,
  names: readonly (keyof EventOf<K> & string)[],
): EventCase<K> {
  const fields = Object.fromEntries(names.map((n) => [n, 'int'])) as FieldsOf<EventOf<K>>;
  return {
    tag,
    fields,
    write: (w, e) => {
      const record = e as unknown as Record<string, number>;
      for (const n of names) w.int(record[n]!);
    },
    read: (r) => {
      const e: Record<string, unknown> = { type };
      for (const n of names) e[n] = r.int();
      return e as unknown as EventOf<K>;
    },
  };
}
