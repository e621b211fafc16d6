// A live order's place in the engine's indexes: its account's open-order list, its instrument's list of
// parked stops, its level queue (with the account's open lots per side, which follow the level
// quantities) and the order id index. Finishing or cancelling an order takes it out of all of them and
// gives back its reservation; order entry and matching both end orders this way.

import type { EngineState } from './engine-state.ts';
import type { CancelReason } from './events.ts';
import { F_PARKED } from './order-store.ts';
import { releaseReservation } from './reservation.ts';
import { NIL } from './slot.ts';
import type { Account, Instrument } from './state.ts';

/**
 * Adds `delta` to the lots the account's resting orders have open on `side` of an instrument. Called
 * wherever a level's quantity changes for one of its orders: rest, maker fill, cancel, reduction, and
 * an amend taking the order out of its level.
 */
export function addOpenLots(
  e: EngineState,
  acct: Account,
  instIndex: number,
  side: number,
  delta: number,
): void {
  const k = 2 * instIndex + side;
  acct.openLots[k]! += delta;
  e.touchAccount(acct.index);
}

/** The lots the account's resting orders have open on `side` of an instrument. */
export function openLotsOf(acct: Account, instIndex: number, side: number): number {
  return acct.openLots[2 * instIndex + side]!;
}

export function linkToAccount(e: EngineState, acct: Account, slot: number): void {
  const s = e.store;
  const h = acct.orderHead;
  s.acctNext[slot] = h;
  s.acctPrev[slot] = NIL;
  if (h !== NIL) s.acctPrev[h] = slot;
  acct.orderHead = slot;
  acct.openOrders++;
  const cid = s.clientIdOf(slot);
  if (cid !== undefined) acct.clientIds.set(cid, slot);
}

function unlinkFromAccount(e: EngineState, acct: Account, slot: number): void {
  const s = e.store;
  const p = s.acctPrev[slot]!;
  const n = s.acctNext[slot]!;
  if (p === NIL) acct.orderHead = n;
  else s.acctNext[p] = n;
  if (n !== NIL) s.acctPrev[n] = p;
  acct.openOrders--;
  const cid = s.clientIdOf(slot);
  if (cid !== undefined) acct.clientIds.delete(cid);
}

/** Removes a finished order (fully filled, or its remainder already dealt with) from every index. */
export function finishOrder(e: EngineState, inst: Instrument, slot: number): void {
  const s = e.store;
  const acct = s.accountOf(slot);
  releaseReservation(e, inst, acct, slot);
  unlinkFromAccount(e, acct, slot);
  const id = s.id[slot]!;
  // Out of its order group (a map lookup only when some order has a group).
  if (e.groupOfOrder.size !== 0) {
    const g = e.groupOfOrder.get(id);
    if (g !== undefined) {
      g.orders.delete(id);
      e.groupOfOrder.delete(id);
    }
  }
  e.orderSlots.delete(id);
  s.release(slot);
}

/** Cancels a live order (resting, parked or a taker's remainder) and emits `orderCancelled`. */
export function cancelSlot(e: EngineState, slot: number, reason: CancelReason): void {
  const s = e.store;
  const inst = e.instList[s.inst[slot]!]!;
  const acct = s.accountOf(slot);
  const open = s.open[slot]!;
  if ((s.flags[slot]! & F_PARKED) !== 0) unparkStop(e, inst, slot);
  else {
    // Resting when linked into its level: the head of the level, or with a predecessor.
    const side = s.side[slot]!;
    const level = (s.price[slot]! - inst.spec.minPriceTicks) / inst.spec.tickSize;
    const key = side * inst.book.levels + level;
    if (s.prev[slot] !== NIL || inst.book.head[key] === slot) {
      inst.book.remove(s, side, level, slot);
      e.touchLevel(inst, key);
      addOpenLots(e, acct, inst.index, side, -open);
    }
  }
  e.sink.cancelled(s.id[slot]!, acct.accountId, inst.spec.instrumentId, reason, open);
  s.open[slot] = 0;
  finishOrder(e, inst, slot);
}

export function parkStop(e: EngineState, inst: Instrument, slot: number): void {
  const s = e.store;
  s.flags[slot]! |= F_PARKED;
  s.prev[slot] = inst.stopTail;
  s.next[slot] = NIL;
  if (inst.stopTail === NIL) inst.stopHead = slot;
  else s.next[inst.stopTail] = slot;
  inst.stopTail = slot;
  inst.stopCount++;
  e.emit({
    type: 'orderParked',
    orderId: s.id[slot]!,
    instrumentId: inst.spec.instrumentId,
    stopPriceTicks: s.stopPriceOf(slot),
  });
}

export function unparkStop(e: EngineState, inst: Instrument, slot: number): void {
  const s = e.store;
  const p = s.prev[slot]!;
  const n = s.next[slot]!;
  if (p === NIL) inst.stopHead = n;
  else s.next[p] = n;
  if (n === NIL) inst.stopTail = p;
  else s.prev[n] = p;
  s.prev[slot] = NIL;
  s.next[slot] = NIL;
  s.flags[slot]! &= ~F_PARKED;
  inst.stopCount--;
}
