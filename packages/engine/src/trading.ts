// Order entry and maintenance: validation and reservation (all checks before the first mutation, so a
// rejection changes nothing), placing, cancelling, amending, decreasing, expiry and stop triggers.
// Matching and the money movement of a fill live in matching.ts; what an order reserves, in
// reservation.ts; linking, parking, finishing and cancelling a live order, in order-lifecycle.ts.

import { BUY, SELL } from './book.ts';
import type {
  AmendOrder,
  CancelAll,
  CancelOrder,
  DecreaseOrder,
  PlaceOrder,
  SelfTradePrevention,
} from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { feeAt } from './fees.ts';
import { costPerLot, crosses, fillableQty, matchTaker, tradableQty } from './matching.ts';
import { popExpiry, pushExpiry } from './gtd-expiry.ts';
import {
  addOpenLots,
  cancelSlot,
  finishOrder,
  linkToAccount,
  openLotsOf,
  parkStop,
  unparkStop,
} from './order-lifecycle.ts';
import {
  F_CANCEL_ON_PAUSE,
  F_PARKED,
  F_POST_ONLY,
  F_REDUCE_ONLY,
  F_STP_CANCEL_MAKER,
  TIF_FOK,
  TIF_GTC,
  TIF_GTD,
  TIF_IOC,
  TYPE_LIMIT,
  TYPE_MARKET,
  TYPE_STOP,
  TYPE_STOP_LIMIT,
} from './order-store.ts';
import { sideName, tifName } from './order-view.ts';
import type { RejectCode } from './reject-codes.ts';
import { isLotMultiple, priceViolation } from './rules.ts';
import {
  applyReservation,
  computeReservation,
  type Reservation,
  releaseReservation,
} from './reservation.ts';
import { NIL } from './slot.ts';
import type { Account, Instrument, OrderGroup } from './state.ts';
import { joinGroup, ownedGroup } from './order-groups.ts';
import { isIdentifier } from './identifiers.ts';
import { isPositiveInt, isSafeInt } from './units.ts';

/** The store's code for an order type, or −1 (a switch: no prototype lookups on hostile input). */
function orderTypeCode(t: unknown): number {
  switch (t) {
    case 'limit':
      return TYPE_LIMIT;
    case 'market':
      return TYPE_MARKET;
    case 'stop':
      return TYPE_STOP;
    case 'stopLimit':
      return TYPE_STOP_LIMIT;
    default:
      return -1;
  }
}

function tifCode(t: unknown): number {
  switch (t) {
    case 'gtc':
      return TIF_GTC;
    case 'gtd':
      return TIF_GTD;
    case 'ioc':
      return TIF_IOC;
    case 'fok':
      return TIF_FOK;
    default:
      return -1;
  }
}

/** Reused scratch reservation: order entry is single-threaded and never re-entrant. */
const scratch: Reservation = { resPos: 0, resCash: 0, resFee: 0 };

function checkPrice(inst: Instrument, price: unknown): RejectCode | undefined {
  return priceViolation(inst.spec, price);
}

function checkBand(inst: Instrument, price: number): RejectCode | undefined {
  const band = inst.spec.limits.priceBandTicks;
  if (band === 0) return undefined;
  let ref: number;
  if (inst.hasLast) ref = inst.lastPrice;
  else {
    const b = inst.book;
    if (b.best[0]! < 0 || b.best[1]! < 0) return undefined;
    const s = inst.spec;
    ref = Math.floor((2 * s.minPriceTicks + (b.best[0]! + b.best[1]!) * s.tickSize) / 2);
  }
  return Math.abs(price - ref) > band ? 'PRICE_OUT_OF_BAND' : undefined;
}

/**
 * True when an order for `qty` more lots on `side` could take the account past the market's position
 * limit (binary markets with a limit only). The check is on the worst case: the position if every
 * resting order of the account on that side fills as well, since a limit on the position alone let
 * many resting orders, each within it, fill far beyond it together. `counted` is how much of the
 * account's open lots on that side belongs to this very order (an amend's old remainder).
 * An order whose worst case is no further from flat than the position is now is allowed even past
 * the limit, so a position above a limit can always be reduced. Fills move lots from open to the
 * position, leaving the worst case unchanged; a sell's worst case counts resting sells only.
 */
function exceedsPositionLimit(
  inst: Instrument,
  acct: Account,
  side: number,
  qty: number,
  counted: number,
): boolean {
  const max = inst.spec.limits.maxPositionLots;
  if (inst.spec.kind !== 'binary' || max === 0) return false;
  const lots = acct.positions[inst.index]?.lots ?? 0;
  const more = openLotsOf(acct, inst.index, side) - counted + qty;
  const worst = Math.abs(side === BUY ? lots + more : lots - more);
  return worst > max && worst > Math.abs(lots);
}

function validClientId(cid: unknown): boolean {
  return isIdentifier(cid, 64);
}

function rejectPlace(e: EngineState, c: PlaceOrder, reason: RejectCode): void {
  const cid = c.clientOrderId;
  e.reject('placeOrder', reason, {
    accountId: c.accountId,
    orderId: c.orderId,
    ...(typeof cid === 'string' ? { clientOrderId: cid } : {}),
  });
}

export function placeOrder(e: EngineState, c: PlaceOrder, ts: number): void {
  const cid = c.clientOrderId;
  const fail = (reason: RejectCode) => rejectPlace(e, c, reason);
  if (!isPositiveInt(c.orderId)) return fail('INVALID_FIELD');
  if (c.orderId <= e.maxOrderId) return fail('DUPLICATE_ORDER_ID');
  if (e.halted) return fail('EXCHANGE_HALTED');
  const acct = e.accountById(c.accountId);
  if (acct === undefined) return fail('UNKNOWN_ACCOUNT');
  const inst = e.instrumentById(c.instrumentId);
  if (inst === undefined) return fail('UNKNOWN_INSTRUMENT');
  if (inst.status !== 'open') return fail('MARKET_NOT_OPEN');
  const side = c.side === 'buy' ? BUY : c.side === 'sell' ? SELL : -1;
  if (side < 0) return fail('INVALID_FIELD');
  const type = orderTypeCode(c.orderType);
  if (type < 0) return fail('INVALID_ORDER_TYPE');
  let tif = tifCode(c.tif);
  if (tif < 0) return fail('INVALID_FIELD');
  if (cid !== undefined && !validClientId(cid)) return fail('INVALID_FIELD');
  if (cid !== undefined && acct.clientIds.has(cid)) return fail('DUPLICATE_CLIENT_ORDER_ID');
  let group: OrderGroup | undefined;
  if (c.orderGroupId !== undefined) {
    const g = ownedGroup(e, acct, c.orderGroupId);
    if (typeof g === 'string') return fail(g);
    if (g.triggered) return fail('ORDER_GROUP_TRIGGERED');
    group = g;
  }
  const spec = inst.spec;
  let qty = c.qtyLots;
  if (!isPositiveInt(qty)) return fail('INVALID_QUANTITY');
  if (!isLotMultiple(spec, qty)) return fail('QTY_NOT_LOT_MULTIPLE');
  if (spec.limits.maxOrderQtyLots > 0 && qty > spec.limits.maxOrderQtyLots) {
    return fail('MAX_ORDER_SIZE');
  }
  const postOnly = c.postOnly === true;
  const reduceOnly = c.reduceOnly === true;
  if (c.postOnly !== undefined && typeof c.postOnly !== 'boolean') return fail('INVALID_FIELD');
  if (c.reduceOnly !== undefined && typeof c.reduceOnly !== 'boolean') return fail('INVALID_FIELD');
  const cancelOnPause = c.cancelOnPause === true;
  if (c.cancelOnPause !== undefined && typeof c.cancelOnPause !== 'boolean') {
    return fail('INVALID_FIELD');
  }
  if (c.stp !== undefined && c.stp !== 'cancelTaker' && c.stp !== 'cancelMaker') {
    return fail('INVALID_FIELD');
  }
  // The limit price the order trades with: its own, or its protection for market/stop orders.
  let limit: number;
  if (type === TYPE_LIMIT || type === TYPE_STOP_LIMIT) {
    const bad = checkPrice(inst, c.priceTicks);
    if (bad !== undefined) return fail(bad);
    limit = c.priceTicks as number;
  } else if (c.worstPriceTicks !== undefined) {
    const bad = checkPrice(inst, c.worstPriceTicks);
    if (bad !== undefined) return fail(bad);
    limit = c.worstPriceTicks;
  } else limit = side === BUY ? spec.maxPriceTicks : spec.minPriceTicks;
  let stopPrice = 0;
  if (type === TYPE_STOP || type === TYPE_STOP_LIMIT) {
    const bad = checkPrice(inst, c.stopPriceTicks);
    if (bad !== undefined) return fail(bad);
    stopPrice = c.stopPriceTicks as number;
  }
  if (type === TYPE_MARKET || type === TYPE_STOP) {
    if (postOnly || tif === TIF_GTD) return fail('INVALID_ORDER_TYPE');
    if (tif !== TIF_FOK) tif = TIF_IOC;
  }
  if (postOnly && (tif === TIF_IOC || tif === TIF_FOK)) return fail('INVALID_ORDER_TYPE');
  let expiresAt = 0;
  if (tif === TIF_GTD) {
    if (!isSafeInt(c.expiresAt)) return fail('INVALID_FIELD');
    if (c.expiresAt <= ts) return fail('EXPIRY_IN_PAST');
    expiresAt = c.expiresAt;
  }
  let maxCost = 0;
  if (c.maxCost !== undefined) {
    if (!isPositiveInt(c.maxCost) || !takesMaxCost(spec.kind, type, tif, side)) {
      return fail('INVALID_FIELD');
    }
    maxCost = c.maxCost;
  }
  if (type === TYPE_LIMIT) {
    const band = checkBand(inst, limit);
    if (band !== undefined) return fail(band);
  }
  // Every amount this order can move (price × qty × money per tick-lot, and the payout on a binary
  // grid) must stay a safe integer, or the arithmetic below would silently round.
  const worstTicks = spec.kind === 'binary' ? spec.payoutTicks : spec.maxPriceTicks;
  if (!Number.isSafeInteger(worstTicks * qty * spec.moneyPerTickLot * 10_000)) {
    return fail('INVALID_QUANTITY');
  }
  // Market and stop orders count at their protection price (a max cost caps a market buy's money);
  // counting them as zero let any market order past the limit.
  let notional = limit * qty * spec.moneyPerTickLot;
  if (maxCost > 0 && side === BUY && maxCost < notional) notional = maxCost;
  if (spec.limits.maxOrderNotional > 0 && notional > spec.limits.maxOrderNotional) {
    return fail('MAX_NOTIONAL');
  }
  const pos = acct.positions[inst.index];
  if (reduceOnly) {
    if (spec.kind !== 'binary') return fail('INVALID_ORDER_TYPE');
    const closable =
      pos === undefined
        ? 0
        : side === BUY
          ? Math.max(-pos.lots, 0) - pos.reservedNo
          : Math.max(pos.lots, 0) - pos.reservedYes;
    if (closable <= 0) return fail('REDUCE_ONLY_WOULD_INCREASE');
    if (qty > closable) qty = closable - (closable % spec.lotSize);
    if (qty <= 0) return fail('REDUCE_ONLY_WOULD_INCREASE');
  }
  // A reduce-only order trades only the position it has reserved, so it can never take the account
  // further from flat: it is not held to the limit (its resting lots still count for other orders).
  // A stop is checked here against what is open now, and again when it triggers (runStopTriggers).
  if (!reduceOnly && exceedsPositionLimit(inst, acct, side, qty, 0)) return fail('POSITION_LIMIT');
  const mayRest =
    type === TYPE_STOP || type === TYPE_STOP_LIMIT || tif === TIF_GTC || tif === TIF_GTD;
  if (mayRest && acct.openOrders >= e.config.maxOpenOrdersPerAccount)
    return fail('MAX_OPEN_ORDERS');
  const r = scratch;
  computeReservation(inst, acct, side, limit, qty, 0, r);
  if (maxCost > 0 && r.resCash > maxCost) {
    // Whatever the side, the cash an order spends is part of its cost, which max cost caps.
    r.resCash = maxCost;
    // A basis-point fee follows the money spent, which max cost caps: reserve the fee on max cost,
    // not on the whole quantity at the protection price (that refused small "spend $X" orders).
    // A binary sell's fee is on the YES notional, which max cost (on the NO price) does not bound.
    if (spec.fees.kind === 'bps' && side === BUY) {
      const capped = feeAt(inst.feeMax, maxCost, 1, 1, 0);
      if (capped < r.resFee) r.resFee = capped;
    }
  }
  const m = inst.moneyAsset;
  if (r.resCash + r.resFee > acct.available[m]!) return fail('INSUFFICIENT_FUNDS');
  if (spec.kind === 'spot' && side === SELL && r.resPos > acct.available[inst.baseAsset]!) {
    return fail('INSUFFICIENT_POSITION');
  }
  const stp: SelfTradePrevention = c.stp ?? 'cancelTaker';
  const isStop = type === TYPE_STOP || type === TYPE_STOP_LIMIT;
  const skipOwn = stp === 'cancelMaker';
  if (!isStop && tif === TIF_FOK && fillableQty(e, inst, side, limit, qty, acct, skipOwn) < qty) {
    return fail('FOK_NOT_FILLABLE');
  }
  // Max-cost protection would stop a fill-or-kill part way: it must afford the whole fill up front.
  if (tif === TIF_FOK && maxCost > 0 && costToFill(e, inst, side, qty, acct) > maxCost) {
    return fail('FOK_NOT_FILLABLE');
  }
  if (!isStop && postOnly && crosses(inst, side, limit)) return fail('POST_ONLY_WOULD_CROSS');

  // ---- accepted: from here on nothing may fail ----
  e.maxOrderId = c.orderId;
  const s = e.store;
  const slot = s.alloc();
  s.id[slot] = c.orderId;
  s.inst[slot] = inst.index;
  s.side[slot] = side;
  s.type[slot] = type;
  s.tif[slot] = tif;
  s.flags[slot] =
    (postOnly ? F_POST_ONLY : 0) |
    (reduceOnly ? F_REDUCE_ONLY : 0) |
    (stp === 'cancelMaker' ? F_STP_CANCEL_MAKER : 0) |
    (cancelOnPause ? F_CANCEL_ON_PAUSE : 0);
  s.price[slot] = limit;
  s.setStopPrice(slot, stopPrice);
  s.open[slot] = qty;
  s.filled[slot] = 0;
  s.setExpiresAt(slot, expiresAt);
  s.acct[slot] = acct.index;
  s.setClientId(slot, cid);
  applyReservation(e, inst, acct, slot, r);
  linkToAccount(e, acct, slot);
  e.orderSlots.set(c.orderId, slot);
  if (group !== undefined) joinGroup(e, group, c.orderId);
  e.emit({
    type: 'orderAccepted',
    orderId: c.orderId,
    accountId: acct.accountId,
    instrumentId: spec.instrumentId,
    clientOrderId: cid,
    side: c.side,
    orderType: c.orderType,
    tif: tifName(tif),
    priceTicks: limit,
    qtyLots: qty,
    stopPriceTicks: isStop ? stopPrice : undefined,
    expiresAt: tif === TIF_GTD ? expiresAt : undefined,
    postOnly,
    reduceOnly,
    cancelOnPause,
    ...(group === undefined ? {} : { orderGroupId: group.groupId }),
  });
  if (tif === TIF_GTD) pushExpiry(e, expiresAt, c.orderId);
  if (isStop && !stopTriggered(inst, side, stopPrice)) {
    parkStop(e, inst, slot);
    return;
  }
  execute(e, inst, slot, maxCost);
  runStopTriggers(e, inst);
}

/**
 * Whether an order may carry a max cost. It caps what buying costs: a buy, or on a binary market a
 * sell, which buys NO, costed at the NO price. The cap lives only while the order takes liquidity, so
 * the order must never rest: a market order, or a limit order that is IOC or FOK (a Kalshi order with
 * `buy_max_cost` is a fill-or-kill limit order).
 */
function takesMaxCost(kind: string, type: number, tif: number, side: number): boolean {
  const neverRests =
    type === TYPE_MARKET || (type === TYPE_LIMIT && (tif === TIF_IOC || tif === TIF_FOK));
  return neverRests && (side === BUY || kind === 'binary');
}

/**
 * What taking `qty` from the opposite side would cost before fees, best prices first, passing over
 * the account's own orders (a FOK that got here either meets none or cancels them as maker).
 */
function costToFill(
  e: EngineState,
  inst: Instrument,
  side: number,
  qty: number,
  acct: Account,
): number {
  const book = inst.book;
  const spec = inst.spec;
  const s = e.store;
  const opp = side ^ 1;
  const step = opp === BUY ? -1 : 1;
  let left = qty;
  let cost = 0;
  for (let l = book.best[opp]!; l >= 0 && l < book.levels && left > 0; l += step) {
    const price = spec.minPriceTicks + l * spec.tickSize;
    for (let m = book.head[opp * book.levels + l]!; m !== NIL && left > 0; m = s.next[m]!) {
      if (s.acct[m] === acct.index) continue;
      const tradable = tradableQty(s, m);
      const q = left < tradable ? left : tradable;
      cost += costPerLot(spec, side, price) * q;
      left -= q;
    }
  }
  return cost;
}

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
  addOpenLots(s.accountOf(slot), inst.index, side, s.open[slot]!);
  e.emit({
    type: 'orderRested',
    orderId: s.id[slot]!,
    instrumentId: inst.spec.instrumentId,
    side: sideName(side),
    priceTicks: s.price[slot]!,
    openQtyLots: s.open[slot]!,
  });
}

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
    if (!isPositiveInt(orderId)) return 'INVALID_FIELD';
    const found = e.orderSlots.get(orderId);
    slot = found < 0 ? undefined : found;
  } else if (clientOrderId !== undefined) {
    if (!validClientId(clientOrderId)) return 'INVALID_FIELD';
    slot = acct.clientIds.get(clientOrderId);
  } else return 'INVALID_FIELD';
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
    addOpenLots(acct, inst.index, side, -delta);
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

export function amendOrder(e: EngineState, c: AmendOrder): void {
  const slot = findOwnedSlot(e, c.accountId, c.orderId, undefined);
  const extra = { accountId: c.accountId, orderId: c.orderId };
  const fail = (reason: RejectCode) => e.reject('amendOrder', reason, extra);
  if (typeof slot === 'string') return fail(slot);
  if (e.halted) return fail('EXCHANGE_HALTED');
  const s = e.store;
  const inst = e.instList[s.inst[slot]!]!;
  if (inst.status !== 'open') return fail('MARKET_NOT_OPEN');
  if ((s.flags[slot]! & F_PARKED) !== 0) return fail('INVALID_STATE');
  const oldPrice = s.price[slot]!;
  const oldQty = s.open[slot]!;
  const price = c.priceTicks ?? oldPrice;
  const qty = c.qtyLots ?? oldQty;
  if (c.priceTicks !== undefined) {
    const bad = checkPrice(inst, c.priceTicks) ?? checkBand(inst, c.priceTicks);
    if (bad !== undefined) return fail(bad);
  }
  if (!isPositiveInt(qty)) return fail('INVALID_QUANTITY');
  if (!isLotMultiple(inst.spec, qty)) return fail('QTY_NOT_LOT_MULTIPLE');
  const worst = inst.spec.kind === 'binary' ? inst.spec.payoutTicks : inst.spec.maxPriceTicks;
  if (!Number.isSafeInteger(worst * qty * inst.spec.moneyPerTickLot * 10_000)) {
    return fail('INVALID_QUANTITY');
  }
  const lim = inst.spec.limits;
  if (lim.maxOrderQtyLots > 0 && qty > lim.maxOrderQtyLots) return fail('MAX_ORDER_SIZE');
  if (lim.maxOrderNotional > 0 && price * qty * inst.spec.moneyPerTickLot > lim.maxOrderNotional) {
    return fail('MAX_NOTIONAL');
  }
  if (price === oldPrice && qty === oldQty) return fail('NOTHING_TO_AMEND');
  if (price === oldPrice && qty < oldQty) return reduceInPlace(e, inst, slot, qty, true);
  const acct = s.accountOf(slot);
  const side = s.side[slot]!;
  const r = scratch;
  computeReservation(inst, acct, side, price, qty, s.resPos[slot]!, r);
  // Entry-time risk rules hold for the new size too: a reduce-only order may not outgrow the position
  // it can close, and a larger order may not take the worst case past the position limit (its old
  // remainder, already in the account's open lots, replaced by the new size).
  const reduceOnly = (s.flags[slot]! & F_REDUCE_ONLY) !== 0;
  if (reduceOnly && r.resPos < qty) return fail('REDUCE_ONLY_WOULD_INCREASE');
  if (qty > oldQty && !reduceOnly && exceedsPositionLimit(inst, acct, side, qty, oldQty)) {
    return fail('POSITION_LIMIT');
  }
  const m = inst.moneyAsset;
  const freed = s.resCash[slot]! + s.resFee[slot]!;
  if (r.resCash + r.resFee > acct.available[m]! + freed) return fail('INSUFFICIENT_FUNDS');
  if (inst.spec.kind === 'spot' && side === SELL) {
    if (r.resPos > acct.available[inst.baseAsset]! + s.resPos[slot]!) {
      return fail('INSUFFICIENT_POSITION');
    }
  }
  if ((s.flags[slot]! & F_POST_ONLY) !== 0 && crosses(inst, side, price)) {
    return fail('POST_ONLY_WOULD_CROSS');
  }
  // Accepted: take the order out, re-reserve at the new terms, then trade/rest like a new arrival.
  const saved = { resPos: r.resPos, resCash: r.resCash, resFee: r.resFee };
  const level = (oldPrice - inst.spec.minPriceTicks) / inst.spec.tickSize;
  inst.book.remove(s, side, level, slot);
  addOpenLots(acct, inst.index, side, -oldQty);
  // Out of the queue the order is a taker like a new arrival: stale queue links would make
  // `isResting` true and a self-trade cancel would then unlink it from a level it is not in.
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

function stopTriggered(inst: Instrument, side: number, stopPrice: number): boolean {
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
