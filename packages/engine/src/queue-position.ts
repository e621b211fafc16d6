// Where resting orders stand in their level's queue: the open quantity of the orders ahead of each one
// at its price on its side (price-time priority, so only that level's FIFO counts). Read-only queries,
// run between commands, when every live slot is either resting or a parked stop; they walk the level
// queues and never touch the matching path. A parked stop is in no queue and has no position.

import type { EngineState } from './engine-state.ts';
import { MAX_PRICE_LEVELS } from './instrument.ts';
import { F_PARKED } from './order-store.ts';
import { sideName } from './order-view.ts';
import { NIL } from './slot.ts';
import type { QueuePositionView } from './views.ts';

/** The queue position of a resting order, or undefined for an unknown order or a parked stop. */
export function queuePosition(e: EngineState, orderId: number): QueuePositionView | undefined {
  const slot = e.orderSlots.get(orderId);
  if (slot < 0) return undefined;
  const s = e.store;
  if ((s.flags[slot]! & F_PARKED) !== 0) return undefined;
  const inst = e.instList[s.inst[slot]!]!;
  const book = inst.book;
  const level = (s.price[slot]! - inst.spec.minPriceTicks) / inst.spec.tickSize;
  let ahead = 0;
  let at = book.head[s.side[slot]! * book.levels + level]!;
  while (at !== slot) {
    if (at === NIL) throw new Error(`order ${orderId} is not in its level's queue`);
    ahead += s.open[at]!;
    at = s.next[at]!;
  }
  return view(e, slot, ahead);
}

/**
 * The queue positions of every resting order of an account (in one instrument when `instrumentId` is
 * given), in order id order. Each level that holds some of them is walked once, from its head to the
 * last of the account's orders in it: the account's orders are recognised by their owner column, so
 * an account with hundreds of orders on one level costs one pass over that level, not one per order.
 */
export function queuePositions(
  e: EngineState,
  accountId: number,
  instrumentId?: number,
): QueuePositionView[] {
  const acct = e.accountById(accountId);
  if (acct === undefined) return [];
  let instIndex = -1;
  if (instrumentId !== undefined) {
    const inst = e.instrumentById(instrumentId);
    if (inst === undefined) return [];
    instIndex = inst.index;
  }
  const s = e.store;
  // Per level (instrument index, side × levels + level): how many of the account's orders rest there.
  const levels = new Map<number, number>();
  for (let slot = acct.orderHead; slot !== NIL; slot = s.acctNext[slot]!) {
    if ((s.flags[slot]! & F_PARKED) !== 0) continue;
    const ii = s.inst[slot]!;
    if (instIndex >= 0 && ii !== instIndex) continue;
    const key = levelKey(e, slot);
    levels.set(key, (levels.get(key) ?? 0) + 1);
  }
  const out: QueuePositionView[] = [];
  for (const [key, count] of levels) {
    const inst = e.instList[Math.floor(key / LEVEL_KEYS)]!;
    let left = count;
    let ahead = 0;
    for (let at = inst.book.head[key % LEVEL_KEYS]!; at !== NIL && left > 0; at = s.next[at]!) {
      if (s.acct[at] === acct.index) {
        out.push(view(e, at, ahead));
        left--;
      }
      ahead += s.open[at]!;
    }
    if (left > 0) throw new Error(`account ${accountId}: orders missing from their level's queue`);
  }
  return out.sort((x, y) => x.orderId - y.orderId);
}

/** Room for every level key of one instrument (side × levels + level) in a combined map key. */
const LEVEL_KEYS = 2 * MAX_PRICE_LEVELS;

function levelKey(e: EngineState, slot: number): number {
  const s = e.store;
  const inst = e.instList[s.inst[slot]!]!;
  const level = (s.price[slot]! - inst.spec.minPriceTicks) / inst.spec.tickSize;
  return inst.index * LEVEL_KEYS + s.side[slot]! * inst.book.levels + level;
}

function view(e: EngineState, slot: number, aheadLots: number): QueuePositionView {
  const s = e.store;
  return {
    orderId: s.id[slot]!,
    accountId: s.accountOf(slot).accountId,
    instrumentId: e.instList[s.inst[slot]!]!.spec.instrumentId,
    side: sideName(s.side[slot]!),
    priceTicks: s.price[slot]!,
    openQtyLots: s.open[slot]!,
    aheadLots,
  };
}
