// Where the events of the command being applied go: into the reused array `Engine.apply` returns (one
// object per event), or, while `Engine.applyEncoded` runs, straight into a byte writer in the codec's
// layout with no object built for the frequent events (fills, book levels, balances, positions,
// rests, cancellations). Both give the same events: the bytes equal the codec's encoding of the
// objects (tested), so consumers that only forward or store the encoding never pay for the objects.

import { ByteWriter, NotEncodable } from './codec-bytes.ts';
import { writeAcceptedFields } from './codec-event-layouts.ts';
import {
  putBalance,
  putBookLevel,
  putCancelled,
  putFill,
  putPosition,
  putRested,
} from './codec-event-fixed.ts';
import { EVENT_CASES, writeEvent } from './codec-events.ts';
import {
  acceptedEvent,
  bookLevelEvent,
  fillEvent,
  positionEvent,
  restedEvent,
} from './event-objects.ts';
import { CANCEL_REASON, ORDER_TYPE, SIDE, TIF } from './codec-fields.ts';
import type { CancelReason, EngineEvent } from './events.ts';

const T_ACCEPTED = EVENT_CASES.orderAccepted.tag;
const T_FILL = EVENT_CASES.fill.tag;
const T_RESTED = EVENT_CASES.orderRested.tag;
const T_CANCELLED = EVENT_CASES.orderCancelled.tag;
const T_LEVEL = EVENT_CASES.bookLevel.tag;
const T_BALANCE = EVENT_CASES.balanceChanged.tag;
const T_POSITION = EVENT_CASES.positionChanged.tag;

export class EventSink {
  /** Events of the command being applied, as objects; reused between commands. */
  readonly events: EngineEvent[] = [];
  /** Events of the command so far (in `events`, or written to `out`). */
  count = 0;
  /** While set, events are written here instead of into `events`. */
  out: ByteWriter | null = null;
  /**
   * While true (and `out` is null) no event is made: a replay that wants the state, not the events,
   * does not pay for building objects nobody reads. `count` then counts only the events made during
   * the command (touched balances, positions and levels are not collected, see touched-records.ts).
   */
  discard = false;
  private countAt = 0;

  emit(event: EngineEvent): void {
    const w = this.out;
    if (w === null) {
      if (this.discard) this.count++;
      else this.events[this.count++] = event;
    } else {
      writeEvent(w, event);
      this.count++;
    }
  }

  /**
   * Starts writing one command's events to `w`: its event count comes first and is only known at
   * the end, so one byte is kept for it (enough below 128 events; `close` makes room otherwise).
   */
  open(w: ByteWriter): void {
    this.countAt = w.pos;
    w.u8(0);
    this.out = w;
    this.count = 0;
  }

  /** Ends the command opened by `open`: writes its event count where `open` kept room. */
  close(): number {
    const w = this.out!;
    this.out = null;
    const n = this.count;
    if (n < 0x80) {
      w.buf[this.countAt] = n;
      return n;
    }
    const head = new ByteWriter(16);
    head.uint(n);
    const extra = head.pos - 1;
    w.reserve(extra);
    w.buf.copyWithin(this.countAt + head.pos, this.countAt + 1, w.pos);
    w.buf.set(head.buf.subarray(0, head.pos), this.countAt);
    w.pos += extra;
    return n;
  }

  // The frequent events: written directly when `out` is set, in the codec's layouts. Those of
  // codec-event-fixed.ts hold any number; for an acceptance, a value that does not fit its layout
  // rewinds the writer and emits the object instead, which the codec then writes as JSON, exactly as
  // it would have encoded that object.

  /**
   * `side`, `orderType` and `tif` are the order's codes, which are the codec's (the store uses the
   * codec's codes, tested): the bytes take them as they are, and the object their names. Looking a
   * name's code up would be a megamorphic keyed load per field (a hash probe each).
   */
  accepted(
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
    if (this.out !== null) {
      this.acceptedBytes(
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
        orderGroupId,
      );
    } else if (this.discard) this.count++;
    else {
      this.events[this.count++] = acceptedEvent(
        orderId,
        accountId,
        instrumentId,
        clientOrderId,
        SIDE.values[side]!,
        ORDER_TYPE.values[orderType]!,
        TIF.values[tif]!,
        priceTicks,
        qtyLots,
        stopPriceTicks,
        expiresAt,
        postOnly,
        reduceOnly,
        cancelOnPause,
        orderGroupId,
      );
    }
  }

  private acceptedBytes(
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
    const w = this.out!;
    const start = w.pos;
    try {
      w.u8(T_ACCEPTED);
      writeAcceptedFields(
        w,
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
        orderGroupId,
      );
      this.count++;
      return;
    } catch (error) {
      rewind(w, start, error);
    }
    this.emit(
      acceptedEvent(
        orderId,
        accountId,
        instrumentId,
        clientOrderId,
        SIDE.values[side]!,
        ORDER_TYPE.values[orderType]!,
        TIF.values[tif]!,
        priceTicks,
        qtyLots,
        stopPriceTicks,
        expiresAt,
        postOnly,
        reduceOnly,
        cancelOnPause,
        orderGroupId,
      ),
    );
  }

  fill(
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
    if (this.out !== null) {
      this.fillBytes(
        tradeId,
        instrumentId,
        takerOrderId,
        makerOrderId,
        takerAccountId,
        makerAccountId,
        takerSide,
        priceTicks,
        qtyLots,
        takerFee,
        makerFee,
        takerOpenQtyLots,
        makerOpenQtyLots,
      );
    } else if (this.discard) this.count++;
    else {
      this.events[this.count++] = fillEvent(
        tradeId,
        instrumentId,
        takerOrderId,
        makerOrderId,
        takerAccountId,
        makerAccountId,
        takerSide,
        priceTicks,
        qtyLots,
        takerFee,
        makerFee,
        takerOpenQtyLots,
        makerOpenQtyLots,
      );
    }
  }

  private fillBytes(
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
    const w = this.out!;
    w.u8(T_FILL);
    putFill(
      w,
      tradeId,
      instrumentId,
      takerOrderId,
      makerOrderId,
      takerAccountId,
      makerAccountId,
      takerSide,
      priceTicks,
      qtyLots,
      takerFee,
      makerFee,
      takerOpenQtyLots,
      makerOpenQtyLots,
    );
    this.count++;
  }

  rested(
    orderId: number,
    instrumentId: number,
    side: number,
    priceTicks: number,
    openQtyLots: number,
  ): void {
    if (this.out !== null) this.restedBytes(orderId, instrumentId, side, priceTicks, openQtyLots);
    else if (this.discard) this.count++;
    else
      this.events[this.count++] = restedEvent(orderId, instrumentId, side, priceTicks, openQtyLots);
  }

  private restedBytes(
    orderId: number,
    instrumentId: number,
    side: number,
    priceTicks: number,
    openQtyLots: number,
  ): void {
    const w = this.out!;
    w.u8(T_RESTED);
    putRested(w, orderId, instrumentId, side, priceTicks, openQtyLots);
    this.count++;
  }

  cancelled(
    orderId: number,
    accountId: number,
    instrumentId: number,
    reason: CancelReason,
    cancelledQtyLots: number,
  ): void {
    if (this.out !== null) {
      this.cancelledBytes(orderId, accountId, instrumentId, reason, cancelledQtyLots);
    } else if (this.discard) this.count++;
    else {
      this.events[this.count++] = {
        type: 'orderCancelled',
        orderId,
        accountId,
        instrumentId,
        reason,
        cancelledQtyLots,
      };
    }
  }

  private cancelledBytes(
    orderId: number,
    accountId: number,
    instrumentId: number,
    reason: CancelReason,
    cancelledQtyLots: number,
  ): void {
    const w = this.out!;
    w.u8(T_CANCELLED);
    putCancelled(
      w,
      orderId,
      accountId,
      instrumentId,
      CANCEL_REASON.codes[reason],
      cancelledQtyLots,
    );
    this.count++;
  }

  bookLevel(
    instrumentId: number,
    side: number,
    priceTicks: number,
    qtyLots: number,
    orderCount: number,
  ): void {
    if (this.out !== null) this.bookLevelBytes(instrumentId, side, priceTicks, qtyLots, orderCount);
    else if (this.discard) this.count++;
    else
      this.events[this.count++] = bookLevelEvent(
        instrumentId,
        side,
        priceTicks,
        qtyLots,
        orderCount,
      );
  }

  private bookLevelBytes(
    instrumentId: number,
    side: number,
    priceTicks: number,
    qtyLots: number,
    orderCount: number,
  ): void {
    const w = this.out!;
    w.u8(T_LEVEL);
    putBookLevel(w, instrumentId, side, priceTicks, qtyLots, orderCount);
    this.count++;
  }

  balance(accountId: number, assetId: number, available: number, reserved: number): void {
    if (this.out !== null) this.balanceBytes(accountId, assetId, available, reserved);
    else if (this.discard) this.count++;
    else
      this.events[this.count++] = {
        type: 'balanceChanged',
        accountId,
        assetId,
        available,
        reserved,
      };
  }

  private balanceBytes(
    accountId: number,
    assetId: number,
    available: number,
    reserved: number,
  ): void {
    const w = this.out!;
    w.u8(T_BALANCE);
    putBalance(w, accountId, assetId, available, reserved);
    this.count++;
  }

  position(
    accountId: number,
    instrumentId: number,
    positionLots: number,
    costBasis: number,
    realisedPnl: number,
    feesPaid: number,
  ): void {
    if (this.out !== null) {
      this.positionBytes(accountId, instrumentId, positionLots, costBasis, realisedPnl, feesPaid);
    } else if (this.discard) this.count++;
    else {
      this.events[this.count++] = positionEvent(
        accountId,
        instrumentId,
        positionLots,
        costBasis,
        realisedPnl,
        feesPaid,
      );
    }
  }

  private positionBytes(
    accountId: number,
    instrumentId: number,
    positionLots: number,
    costBasis: number,
    realisedPnl: number,
    feesPaid: number,
  ): void {
    const w = this.out!;
    w.u8(T_POSITION);
    putPosition(w, accountId, instrumentId, positionLots, costBasis, realisedPnl, feesPaid);
    this.count++;
  }
}

/** Undoes a partial direct write that met a value outside the layout; anything else propagates. */
function rewind(w: ByteWriter, start: number, error: unknown): void {
  if (!(error instanceof NotEncodable)) throw error;
  w.pos = start;
}
