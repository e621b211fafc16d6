// The one binary encoding of engine events: a tag naming the event, then its fields in the order of
// its `EventCase`. An event the layout cannot hold exactly (a rejection echoing a malformed id back)
// travels as tag 0 and its JSON text, so every event the engine emits has an encoding. Optional fields
// are absent from a decoded event exactly when they were absent from the emitted one.

import type { EngineEvent, EngineEventType } from './events.ts';
import { type ByteReader, type ByteWriter, NotEncodable } from './codec-bytes.ts';
import {
  type EventCase,
  ints,
  jsonText,
  readAccepted,
  readBreaker,
  readLedger,
  readRejected,
  writeAccepted,
  writeBreaker,
  writeLedger,
  writeRejected,
} from './codec-event-layouts.ts';
import {
  putBalance,
  putBookLevel,
  putCancelled,
  putFill,
  putPosition,
  putRested,
  readBalance,
  readBookLevel,
  readCancelled,
  readFill,
  readPosition,
  readRested,
  VARINT_EVENT_READS,
} from './codec-event-fixed.ts';

import {
  CANCEL_REASON,
  enumCode,
  LEDGER_KIND,
  MARKET_STATUS,
  ORDER_TYPE,
  REJECT_CODE,
  RESULT,
  readEnum,
  SIDE,
  TIF,
  writeEnum,
} from './codec-fields.ts';

export type { EventCase };

type Cases = { readonly [K in EngineEventType]: EventCase<K> };

const EVENT_JSON = 0;
const utf8 = new TextEncoder();

const CASES: Cases = {
  rejected: {
    tag: 1,
    fields: {
      command: 'str',
      reason: { enum: REJECT_CODE },
      accountId: 'int?',
      orderId: 'int?',
      clientOrderId: 'str?',
      field: 'str?',
      rule: 'str?',
    },
    write: writeRejected,
    read: readRejected,
  },
  assetCreated: {
    tag: 2,
    fields: { assetId: 'int', code: 'str', scale: 'int' },
    write: (w, e) => {
      w.int(e.assetId);
      w.str(e.code);
      w.int(e.scale);
    },
    read: (r) => ({ type: 'assetCreated', assetId: r.int(), code: r.str(), scale: r.int() }),
  },
  accountCreated: ints(3, 'accountCreated', ['accountId', 'userId', 'subaccount']),
  ledgerMoved: {
    tag: 4,
    fields: {
      kind: { enum: LEDGER_KIND },
      accountId: 'int',
      assetId: 'int',
      amount: 'int',
      transferId: 'str?',
    },
    write: writeLedger,
    read: readLedger,
  },
  instrumentCreated: {
    tag: 5,
    fields: { spec: 'json' },
    write: (w, e) => w.str(jsonText(e.spec)),
    read: (r) => ({ type: 'instrumentCreated', spec: JSON.parse(r.str()) }),
  },
  marketStatusChanged: {
    tag: 6,
    fields: { instrumentId: 'int', status: { enum: MARKET_STATUS } },
    write: (w, e) => {
      w.int(e.instrumentId);
      writeEnum(w, MARKET_STATUS, e.status);
    },
    read: (r) => ({
      type: 'marketStatusChanged',
      instrumentId: r.int(),
      status: readEnum(r, MARKET_STATUS),
    }),
  },
  marketScheduled: {
    tag: 7,
    fields: { instrumentId: 'int', opensAt: 'int|null', closesAt: 'int|null' },
    write: (w, e) => {
      w.uint((e.opensAt === null ? 0 : 1) | (e.closesAt === null ? 0 : 2));
      w.int(e.instrumentId);
      if (e.opensAt !== null) w.int(e.opensAt);
      if (e.closesAt !== null) w.int(e.closesAt);
    },
    read: (r) => {
      const m = r.uint();
      return {
        type: 'marketScheduled',
        instrumentId: r.int(),
        opensAt: m & 1 ? r.int() : null,
        closesAt: m & 2 ? r.int() : null,
      };
    },
  },
  orderGroupUpdated: {
    tag: 8,
    fields: { groupId: 'int', accountId: 'int', limitLots: 'int', triggered: 'bool' },
    write: (w, e) => {
      w.int(e.groupId);
      w.int(e.accountId);
      w.int(e.limitLots);
      w.bool(e.triggered);
    },
    read: (r) => ({
      type: 'orderGroupUpdated',
      groupId: r.int(),
      accountId: r.int(),
      limitLots: r.int(),
      triggered: r.bool(),
    }),
  },
  orderGroupDeleted: ints(9, 'orderGroupDeleted', ['groupId', 'accountId']),
  haltChanged: {
    tag: 10,
    fields: { halted: 'bool' },
    write: (w, e) => w.bool(e.halted),
    read: (r) => ({ type: 'haltChanged', halted: r.bool() }),
  },
  orderAccepted: {
    tag: 11,
    fields: {
      orderId: 'int',
      accountId: 'int',
      instrumentId: 'int',
      clientOrderId: 'str?',
      side: { enum: SIDE },
      orderType: { enum: ORDER_TYPE },
      tif: { enum: TIF },
      priceTicks: 'int',
      qtyLots: 'int',
      stopPriceTicks: 'int?',
      expiresAt: 'int?',
      postOnly: 'bool',
      reduceOnly: 'bool',
      cancelOnPause: 'bool',
      orderGroupId: 'int?',
    },
    write: writeAccepted,
    read: readAccepted,
  },
  orderParked: ints(12, 'orderParked', ['orderId', 'instrumentId', 'stopPriceTicks']),
  orderTriggered: ints(13, 'orderTriggered', ['orderId', 'instrumentId', 'lastPriceTicks']),
  orderRested: {
    tag: 25,
    fields: {
      orderId: 'int',
      instrumentId: 'int',
      side: { enum: SIDE },
      priceTicks: 'int',
      openQtyLots: 'int',
    },
    write: (w, e) =>
      putRested(w, e.orderId, e.instrumentId, enumCode(SIDE, e.side), e.priceTicks, e.openQtyLots),
    read: readRested,
  },
  fill: {
    tag: 26,
    fields: {
      tradeId: 'int',
      instrumentId: 'int',
      takerOrderId: 'int',
      makerOrderId: 'int',
      takerAccountId: 'int',
      makerAccountId: 'int',
      takerSide: { enum: SIDE },
      priceTicks: 'int',
      qtyLots: 'int',
      takerFee: 'int',
      makerFee: 'int',
      takerOpenQtyLots: 'int',
      makerOpenQtyLots: 'int',
    },
    write: (w, e) =>
      putFill(
        w,
        e.tradeId,
        e.instrumentId,
        e.takerOrderId,
        e.makerOrderId,
        e.takerAccountId,
        e.makerAccountId,
        enumCode(SIDE, e.takerSide),
        e.priceTicks,
        e.qtyLots,
        e.takerFee,
        e.makerFee,
        e.takerOpenQtyLots,
        e.makerOpenQtyLots,
      ),
    read: readFill,
  },
  orderCancelled: {
    tag: 27,
    fields: {
      orderId: 'int',
      accountId: 'int',
      instrumentId: 'int',
      reason: { enum: CANCEL_REASON },
      cancelledQtyLots: 'int',
    },
    write: (w, e) =>
      putCancelled(
        w,
        e.orderId,
        e.accountId,
        e.instrumentId,
        enumCode(CANCEL_REASON, e.reason),
        e.cancelledQtyLots,
      ),
    read: readCancelled,
  },
  orderAmended: {
    tag: 17,
    fields: {
      orderId: 'int',
      accountId: 'int',
      instrumentId: 'int',
      priceTicks: 'int',
      openQtyLots: 'int',
      keptPriority: 'bool',
    },
    write: (w, e) => {
      w.int(e.orderId);
      w.int(e.accountId);
      w.int(e.instrumentId);
      w.int(e.priceTicks);
      w.int(e.openQtyLots);
      w.bool(e.keptPriority);
    },
    read: (r) => ({
      type: 'orderAmended',
      orderId: r.int(),
      accountId: r.int(),
      instrumentId: r.int(),
      priceTicks: r.int(),
      openQtyLots: r.int(),
      keptPriority: r.bool(),
    }),
  },
  bookLevel: {
    tag: 28,
    fields: {
      instrumentId: 'int',
      side: { enum: SIDE },
      priceTicks: 'int',
      qtyLots: 'int',
      orderCount: 'int',
    },
    write: (w, e) =>
      putBookLevel(
        w,
        e.instrumentId,
        enumCode(SIDE, e.side),
        e.priceTicks,
        e.qtyLots,
        e.orderCount,
      ),
    read: readBookLevel,
  },
  balanceChanged: {
    tag: 29,
    fields: { accountId: 'int', assetId: 'int', available: 'int', reserved: 'int' },
    write: (w, e) => putBalance(w, e.accountId, e.assetId, e.available, e.reserved),
    read: readBalance,
  },
  positionChanged: {
    tag: 30,
    fields: {
      accountId: 'int',
      instrumentId: 'int',
      positionLots: 'int',
      costBasis: 'int',
      realisedPnl: 'int',
      feesPaid: 'int',
    },
    write: (w, e) =>
      putPosition(
        w,
        e.accountId,
        e.instrumentId,
        e.positionLots,
        e.costBasis,
        e.realisedPnl,
        e.feesPaid,
      ),
    read: readPosition,
  },
  settled: ints(21, 'settled', [
    'instrumentId',
    'accountId',
    'positionLots',
    'payout',
    'realisedPnl',
  ]),
  circuitBreakerChanged: {
    tag: 23,
    fields: {
      instrumentId: 'int',
      breaker: 'json',
      referencePriceTicks: 'int|null',
      reopensAt: 'int|null',
      trip: 'json?',
    },
    write: writeBreaker,
    read: readBreaker,
  },
  accountFrozenChanged: {
    tag: 24,
    fields: { accountId: 'int', frozen: 'bool' },
    write: (w, e) => {
      w.int(e.accountId);
      w.bool(e.frozen);
    },
    read: (r) => ({ type: 'accountFrozenChanged', accountId: r.int(), frozen: r.bool() }),
  },
  marketSettled: {
    tag: 22,
    fields: { instrumentId: 'int', result: { enum: RESULT }, valueTicks: 'int', escrowLeft: 'int' },
    write: (w, e) => {
      w.int(e.instrumentId);
      writeEnum(w, RESULT, e.result);
      w.int(e.valueTicks);
      w.int(e.escrowLeft);
    },
    read: (r) => ({
      type: 'marketSettled',
      instrumentId: r.int(),
      result: readEnum(r, RESULT),
      valueTicks: r.int(),
      escrowLeft: r.int(),
    }),
  },
};

/** Every event's case, for tests that walk them all. */
export const EVENT_CASES: Cases = CASES;

const BY_TAG: (EventCase<EngineEventType> | undefined)[] = [];
for (const c of Object.values(CASES) as EventCase<EngineEventType>[]) {
  if (c.tag === EVENT_JSON || BY_TAG[c.tag] !== undefined) {
    throw new Error(`event tag ${c.tag} used twice`);
  }
  BY_TAG[c.tag] = c;
}
for (const tag of VARINT_EVENT_READS.keys()) {
  if (BY_TAG[tag] !== undefined) throw new Error(`event tag ${tag} used twice`);
}

/** Whether an event with this tag may be a reject: the reject's own tag, or JSON (any event). */
export function mayBeRejectTag(tag: number): boolean {
  return tag === CASES.rejected.tag || tag === EVENT_JSON;
}

/** Appends one event: binary when every field fits the layout, else tag 0 and its JSON text. */
export function writeEvent(w: ByteWriter, e: EngineEvent): void {
  const start = w.pos;
  const known = Object.hasOwn(CASES, e.type) ? CASES[e.type] : undefined;
  if (known !== undefined) {
    try {
      w.u8(known.tag);
      (known.write as (w: ByteWriter, e: EngineEvent) => void)(w, e);
      return;
    } catch (error) {
      if (!(error instanceof NotEncodable)) throw error;
      w.pos = start;
    }
  }
  w.u8(EVENT_JSON);
  const text = utf8.encode(JSON.stringify(e));
  w.uint(text.length);
  w.bytes(text);
}

/** Reads one event; throws CodecError on malformed bytes (callers catch at their boundary). */
export function readEvent(r: ByteReader): EngineEvent {
  const tag = r.u8();
  if (tag === EVENT_JSON) {
    const value: unknown = JSON.parse(r.str());
    if (typeof value !== 'object' || value === null) r.fail('a JSON event that is not an object');
    return value as EngineEvent;
  }
  const known = BY_TAG[tag];
  if (known !== undefined) return known.read(r);
  const before = VARINT_EVENT_READS.get(tag);
  if (before === undefined) return r.fail(`unknown event tag ${tag}`);
  return before(r);
}
