// What happens to a live order after its checks: it trades as taker, then rests or is cancelled;
// GTD orders expire; parked stops trigger when the last price reaches them, each one trading before
// the next is examined.

import { BUY } from './book.ts';
import type { EngineState } from './engine-state.ts';
import { crosses, matchTaker } from './matching.ts';
import { popExpiry } from './gtd-expiry.ts';
import { addOpenLots, cancelSlot, finishOrder, unparkStop } from './order-lifecycle.ts';
import { checkBand, exceedsPositionLimit } from './order-checks.ts';
import {
  F_POST_ONLY,
  F_REDUCE_ONLY,
  TIF_FOK,
  TIF_IOC,
  TYPE_MARKET,
  TYPE_STOP,
  TYPE_STOP_LIMIT,
} from './order-store.ts';
import { NIL } from './slot.ts';
import type { Instrument } from './state.ts';

/** Runs an accepted (or triggered) order as taker, then rests or cancels what is left. */
export function execute(e: EngineState, inst: Instrument, slot: number, maxCost: number): void {
  const s = e.store;
  const stopped = matchTaker(e, inst, slot, maxCost);
  if (s.open[slot]! === 0) {
    finishOrder(e, inst, slot);
    return;
  }
  const tif = s.tif[slot]!;
  const type = s.type[slot]!;
  if (stopped !== undefined) cancelSlot(e, slot, stopped);
  else if (tif === TIF_IOC || tif === TIF_FOK || type === TYPE_MARKET || type === TYPE_STOP) {
    cancelSlot(e, slot, type === TYPE_MARKET || type === TYPE_STOP ? 'noLiquidity' : 'ioc');
  } else restSlot(e, inst, slot);
}

function restSlot(e: EngineState, inst: Instrument, slot: number): void {
  const s = e.store;
  const side = s.side[slot]!;
  const level = (s.price[slot]! - inst.spec.minPriceTicks) / inst.spec.tickSize;
  inst.book.push(s, side, level, slot);
  e.touchLevel(inst, side * inst.book.levels + level);
  addOpenLots(e, s.accountOf(slot), inst.index, side, s.open[slot]!);
  e.sink.rested(s.id[slot]!, inst.spec.instrumentId, side, s.price[slot]!, s.open[slot]!);
}

// ---- GTD expiry ----

/** Cancels every GTD order whose expiry is at or before `now`, earliest (then lowest id) first. */
export function expireOrders(e: EngineState, now: number): void {
  while (e.gtdTs.length > 0 && e.gtdTs[0]! <= now) {
    const orderId = popExpiry(e);
    const slot = e.orderSlots.get(orderId);
    if (slot >= 0) cancelSlot(e, slot, 'expired');
  }
}

// ---- stops ----

export function stopTriggered(inst: Instrument, side: number, stopPrice: number): boolean {
  if (!inst.hasLast) return false;
  return side === BUY ? inst.lastPrice >= stopPrice : inst.lastPrice <= stopPrice;
}

/**
 * Triggers parked stops whose price has traded, in acceptance order, one at a time: each triggered
 * order trades before the next is examined, so cascades are deterministic.
 */
export function runStopTriggers(e: EngineState, inst: Instrument): void {
  if (inst.stopCount === 0 || !inst.hasLast) return;
  const s = e.store;
  let guard = inst.stopCount + 1;
  for (;;) {
    // A trade that tripped the circuit breaker paused the market: no stop triggers while paused.
    if (inst.status !== 'open') return;
    let slot = inst.stopHead;
    while (slot !== NIL && !stopTriggered(inst, s.side[slot]!, s.stopPriceOf(slot)))
      slot = s.next[slot]!;
    if (slot === NIL || guard-- === 0) return;
    unparkStop(e, inst, slot);
    e.emit({
      type: 'orderTriggered',
      orderId: s.id[slot]!,
      instrumentId: inst.spec.instrumentId,
      lastPriceTicks: inst.lastPrice,
    });
    if (s.type[slot] === TYPE_STOP_LIMIT) {
      // The band is checked when the order becomes live, against the price that triggered it: at
      // entry the limit may rightly be far from a last price the market has not yet moved from.
      const outOfBand = checkBand(inst, s.price[slot]!) !== undefined;
      const postOnlyCrosses =
        (s.flags[slot]! & F_POST_ONLY) !== 0 && crosses(inst, s.side[slot]!, s.price[slot]!);
      if (outOfBand || postOnlyCrosses) {
        cancelSlot(e, slot, 'protection');
        continue;
      }
    }
    // A parked stop is not counted in its account's open lots: it may never trigger, and counting it
    // would hold back limit orders for exposure that does not exist yet. It is counted once it is
    // live (resting or filling, like any order), so the limit is checked again now, against the
    // position and resting orders of this moment; otherwise stops that each passed at entry could
    // all trigger and together take the position past the limit.
    const side = s.side[slot]!;
    const reduceOnly = (s.flags[slot]! & F_REDUCE_ONLY) !== 0;
    if (!reduceOnly && exceedsPositionLimit(inst, s.accountOf(slot), side, s.open[slot]!, 0)) {
      cancelSlot(e, slot, 'positionLimit');
      continue;
    }
    execute(e, inst, slot, 0);
  }
}
