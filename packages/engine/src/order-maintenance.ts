// Maintenance of live orders: cancel (one, or all of an account's), decrease, and amend. A decrease or
// a smaller amend at the same price keeps the order's place in the queue; any other amend takes it out
// and runs it again like a new arrival. Every check runs before the first mutation.

import { invalidField } from './invalid-field.ts';
import { SELL } from './book.ts';
import type { AmendOrder, CancelAll, CancelOrder, DecreaseOrder } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { crosses } from './matching.ts';
import { checkBand, checkPrice, exceedsPositionLimit, validClientId } from './order-checks.ts';
import { execute, runStopTriggers } from './order-execution.ts';
import { addOpenLots, cancelSlot } from './order-lifecycle.ts';
import { F_PARKED, F_POST_ONLY, F_REDUCE_ONLY } from './order-store.ts';
import type { RejectCode } from './reject-codes.ts';
import { isLotMultiple } from './rules.ts';
import {
  applyReservation,
  computeReservation,
  type Reservation,
  releaseReservation,
} from './reservation.ts';
import { NIL } from './slot.ts';
import type { Instrument } from './state.ts';
import { isPositiveInt, isSafeInt } from './units.ts';

/** Reused scratch reservation: order maintenance is single-threaded and never re-entrant. */
const scratch: Reservation = { resPos: 0, resCash: 0, resFee: 0 };
/** The accepted amend's new reservation, kept while the old one is released (`scratch` is reused). */
const amended: Reservation = { resPos: 0, resCash: 0, resFee: 0 };

function findOwnedSlot(
  e: EngineState,
  accountId: number,
  orderId: number | undefined,
  clientOrderId: string | undefined,
): number | RejectCode {
  const acct = e.accountById(accountId);
  if (acct === undefined) return 'UNKNOWN_ACCOUNT';
  let slot: number | undefined;
  if (orderId !== undefined) {
    if (!isPositiveInt(orderId)) return invalidField('orderId', 'a positive safe integer');
    const found = e.orderSlots.get(orderId);
    slot = found < 0 ? undefined : found;
  } else if (clientOrderId !== undefined) {
    if (!validClientId(clientOrderId)) {
      return invalidField('clientOrderId', 'an identifier of at most 64 characters');
    }
    slot = acct.clientIds.get(clientOrderId);
  } else return invalidField('orderId', 'an order id or a clientOrderId');
  if (slot === undefined) return 'UNKNOWN_ORDER';
  if (e.store.acct[slot] !== acct.index) return 'NOT_ORDER_OWNER';
  return slot;
}

export function cancelOrder(e: EngineState, c: CancelOrder): void {
  const slot = findOwnedSlot(e, c.accountId, c.orderId, c.clientOrderId);
  if (typeof slot === 'string') {
    return e.reject('cancelOrder', slot, {
      accountId: c.accountId,
      ...(c.orderId !== undefined ? { orderId: c.orderId } : {}),
    });
  }
  cancelSlot(e, slot, 'user');
}

export function cancelAll(e: EngineState, c: CancelAll): void {
  const acct = e.accountsById.get(c.accountId);
  if (acct === undefined) return e.reject('cancelAll', 'UNKNOWN_ACCOUNT');
  let instIndex = -1;
  if (c.instrumentId !== undefined) {
    const inst = e.instById.get(c.instrumentId);
    if (inst === undefined) {
      return e.reject('cancelAll', 'UNKNOWN_INSTRUMENT', { accountId: c.accountId });
    }
    instIndex = inst.index;
  }
  const s = e.store;
  let slot = acct.orderHead;
  while (slot !== NIL) {
    const next = s.acctNext[slot]!;
    if (instIndex < 0 || s.inst[slot] === instIndex) cancelSlot(e, slot, 'cancelAll');
    slot = next;
  }
}

export function decreaseOrder(e: EngineState, c: DecreaseOrder): void {
  const slot = findOwnedSlot(e, c.accountId, c.orderId, undefined);
  const extra = { accountId: c.accountId, orderId: c.orderId };
  if (typeof slot === 'string') return e.reject('decreaseOrder', slot, extra);
  if (!isPositiveInt(c.byLots)) return e.reject('decreaseOrder', 'INVALID_QUANTITY', extra);
  const s = e.store;
  const inst = e.instList[s.inst[slot]!]!;
  if (!isLotMultiple(inst.spec, c.byLots)) {
    return e.reject('decreaseOrder', 'QTY_NOT_LOT_MULTIPLE', extra);
  }
  const open = s.open[slot]!;
  if (c.byLots >= open) return cancelSlot(e, slot, 'decreasedToZero');
  reduceInPlace(e, inst, slot, open - c.byLots, true);
}

/**
 * Lowers an order's open quantity keeping its place in the queue and re-reserves for the smaller
 * size. A reduction always needs less, so it cannot fail.
 */
function reduceInPlace(
  e: EngineState,
  inst: Instrument,
  slot: number,
  newQty: number,
  emit: boolean,
): void {
  const s = e.store;
  const acct = s.accountOf(slot);
  const delta = s.open[slot]! - newQty;
  const parked = (s.flags[slot]! & F_PARKED) !== 0;
  if (!parked) {
    const side = s.side[slot]!;
    const level = (s.price[slot]! - inst.spec.minPriceTicks) / inst.spec.tickSize;
    const key = side * inst.book.levels + level;
    inst.book.qty[key]! -= delta;
    e.touchLevel(inst, key);
    addOpenLots(e, acct, inst.index, side, -delta);
  }
  const feeLeft = s.resFee[slot]!;
  releaseReservation(e, inst, acct, slot);
  s.open[slot] = newQty;
  computeReservation(inst, acct, s.side[slot]!, s.price[slot]!, newQty, 0, scratch);
  // Per-fill fee rounding may have used up more of the fee reservation than the filled share, so the
  // fee for the smaller size can exceed what is left; a reduction must never take more money.
  if (scratch.resFee > feeLeft) scratch.resFee = feeLeft;
  applyReservation(e, inst, acct, slot, scratch);
  if (emit) {
    e.emit({
      type: 'orderAmended',
      orderId: s.id[slot]!,
      accountId: acct.accountId,
      instrumentId: inst.spec.instrumentId,
      priceTicks: s.price[slot]!,
      openQtyLots: newQty,
      keptPriority: true,
    });
  }
}

/** Refuses an amend (built only then: an accepted amend allocates nothing for its refusal). */
function refuseAmend(e: EngineState, c: AmendOrder, reason: RejectCode): void {
  e.reject('amendOrder', reason, { accountId: c.accountId, orderId: c.orderId });
}

/** The new quantity's checks: a safe multiple of the lot, within the size and notional limits. */
function amendedSizeProblem(inst: Instrument, price: number, qty: number): RejectCode | undefined {
  if (!isPositiveInt(qty)) return 'INVALID_QUANTITY';
  if (!isLotMultiple(inst.spec, qty)) return 'QTY_NOT_LOT_MULTIPLE';
  const worst = inst.spec.kind === 'binary' ? inst.spec.payoutTicks : inst.spec.maxPriceTicks;
  if (!isSafeInt(worst * qty * inst.spec.moneyPerTickLot * 10_000)) {
    return 'INVALID_QUANTITY';
  }
  const lim = inst.spec.limits;
  if (lim.maxOrderQtyLots > 0 && qty > lim.maxOrderQtyLots) return 'MAX_ORDER_SIZE';
  if (lim.maxOrderNotional > 0 && price * qty * inst.spec.moneyPerTickLot > lim.maxOrderNotional) {
    return 'MAX_NOTIONAL';
  }
  return undefined;
}

export function amendOrder(e: EngineState, c: AmendOrder): void {
  const slot = findOwnedSlot(e, c.accountId, c.orderId, undefined);
  if (typeof slot === 'string') return refuseAmend(e, c, slot);
  if (e.halted) return refuseAmend(e, c, 'EXCHANGE_HALTED');
  const s = e.store;
  const inst = e.instList[s.inst[slot]!]!;
  if (inst.status !== 'open') return refuseAmend(e, c, 'MARKET_NOT_OPEN');
  if ((s.flags[slot]! & F_PARKED) !== 0) return refuseAmend(e, c, 'INVALID_STATE');
  const oldPrice = s.price[slot]!;
  const oldQty = s.open[slot]!;
  const price = c.priceTicks ?? oldPrice;
  const qty = c.qtyLots ?? oldQty;
  if (c.priceTicks !== undefined) {
    const bad = checkPrice(inst, c.priceTicks) ?? checkBand(inst, c.priceTicks);
    if (bad !== undefined) return refuseAmend(e, c, bad);
  }
  const sizeProblem = amendedSizeProblem(inst, price, qty);
  if (sizeProblem !== undefined) return refuseAmend(e, c, sizeProblem);
  if (price === oldPrice && qty === oldQty) return refuseAmend(e, c, 'NOTHING_TO_AMEND');
  if (price === oldPrice && qty < oldQty) return reduceInPlace(e, inst, slot, qty, true);
  const acct = s.accountOf(slot);
  const side = s.side[slot]!;
  const r = scratch;
  computeReservation(inst, acct, side, price, qty, s.resPos[slot]!, r);
  // Entry-time risk rules hold for the new size too: a reduce-only order may not outgrow the position
  // it can close, and a larger order may not take the worst case past the position limit (its old
  // remainder, already in the account's open lots, replaced by the new size).
  const reduceOnly = (s.flags[slot]! & F_REDUCE_ONLY) !== 0;
  if (reduceOnly && r.resPos < qty) return refuseAmend(e, c, 'REDUCE_ONLY_WOULD_INCREASE');
  if (qty > oldQty && !reduceOnly && exceedsPositionLimit(inst, acct, side, qty, oldQty)) {
    return refuseAmend(e, c, 'POSITION_LIMIT');
  }
  const m = inst.moneyAsset;
  const freed = s.resCash[slot]! + s.resFee[slot]!;
  if (r.resCash + r.resFee > acct.available[m]! + freed)
    return refuseAmend(e, c, 'INSUFFICIENT_FUNDS');
  if (inst.spec.kind === 'spot' && side === SELL) {
    if (r.resPos > acct.available[inst.baseAsset]! + s.resPos[slot]!) {
      return refuseAmend(e, c, 'INSUFFICIENT_POSITION');
    }
  }
  if ((s.flags[slot]! & F_POST_ONLY) !== 0 && crosses(inst, side, price)) {
    return refuseAmend(e, c, 'POST_ONLY_WOULD_CROSS');
  }
  // Accepted: take the order out, re-reserve at the new terms, then trade/rest like a new arrival.
  const saved = amended;
  saved.resPos = r.resPos;
  saved.resCash = r.resCash;
  saved.resFee = r.resFee;
  const level = (oldPrice - inst.spec.minPriceTicks) / inst.spec.tickSize;
  inst.book.remove(s, side, level, slot);
  addOpenLots(e, acct, inst.index, side, -oldQty);
  // Out of the queue the order is a taker like a new arrival: stale queue links would make
  // `cancelSlot` take it for resting, and a self-trade cancel would then unlink it from a level
  // it is not in.
  s.prev[slot] = NIL;
  s.next[slot] = NIL;
  e.touchLevel(inst, side * inst.book.levels + level);
  releaseReservation(e, inst, acct, slot);
  s.price[slot] = price;
  s.open[slot] = qty;
  applyReservation(e, inst, acct, slot, saved);
  e.emit({
    type: 'orderAmended',
    orderId: s.id[slot]!,
    accountId: acct.accountId,
    instrumentId: inst.spec.instrumentId,
    priceTicks: price,
    openQtyLots: qty,
    keptPriority: false,
  });
  execute(e, inst, slot, 0);
  runStopTriggers(e, inst);
}
