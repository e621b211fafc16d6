// Placing an order, in the phases a reader can hold one at a time: who and where (identity), what is
// asked (terms), whether the account may and can (risk), and only then the acceptance, which cannot
// fail. Each check phase fills the reused `PendingOrder` and answers a reject code at the first
// problem, so a rejected order changes nothing. Trading after acceptance is order-execution.ts's.

import { invalidField } from './invalid-field.ts';
import { BUY, SELL } from './book.ts';
import type { PlaceOrder, SelfTradePrevention } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { feeAt } from './fees.ts';
import { pushExpiry } from './gtd-expiry.ts';
import { crosses, fillableQty } from './matching.ts';
import {
  amountViolation,
  checkBand,
  checkPrice,
  costToFill,
  exceedsPositionLimit,
  fundsViolation,
  orderTypeCode,
  qtyViolation,
  takesMaxCost,
  tifCode,
  validClientId,
} from './order-checks.ts';
import { execute, runStopTriggers, stopTriggered } from './order-execution.ts';
import { joinGroup, ownedGroup } from './order-groups.ts';
import { linkToAccount, parkStop } from './order-lifecycle.ts';
import { isPlainOrder, placePlainOrder } from './place-plain-order.ts';
import {
  F_CANCEL_ON_PAUSE,
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
import type { RejectCode } from './reject-codes.ts';
import { applyReservation, computeReservation, type Reservation } from './reservation.ts';
import type { Account, Instrument, OrderGroup } from './state.ts';
import { isPositiveInt, isSafeInt } from './units.ts';

/** An order as its checks have read it, in the engine's codes; reused, never re-entrant. */
interface PendingOrder {
  acct: Account;
  inst: Instrument;
  side: number;
  type: number;
  tif: number;
  group: OrderGroup | undefined;
  qty: number;
  postOnly: boolean;
  reduceOnly: boolean;
  cancelOnPause: boolean;
  stp: SelfTradePrevention;
  /** The limit price the order trades with: its own, or its protection for market/stop orders. */
  limit: number;
  stopPrice: number;
  expiresAt: number;
  maxCost: number;
  isStop: boolean;
}

const pending = {
  acct: undefined,
  inst: undefined,
  group: undefined,
  side: 0,
  type: 0,
  tif: 0,
  qty: 0,
  postOnly: false,
  reduceOnly: false,
  cancelOnPause: false,
  stp: 'cancelTaker',
  limit: 0,
  stopPrice: 0,
  expiresAt: 0,
  maxCost: 0,
  isStop: false,
} as unknown as PendingOrder;

/** Reused scratch reservation: order entry is single-threaded and never re-entrant. */
const scratch: Reservation = { resPos: 0, resCash: 0, resFee: 0 };

export function placeOrder(e: EngineState, c: PlaceOrder): void {
  if (isPlainOrder(c) && placePlainOrder(e, c, scratch)) return;
  const p = pending;
  const reason = checkIdentity(e, c, p) ?? checkTerms(e, c, p) ?? checkRisk(e, p, scratch);
  if (reason !== undefined) rejectPlace(e, c, reason);
  else acceptOrder(e, c, p, scratch);
  // The scratch outlives the engine: holding the last account and market would keep a dropped
  // engine's book and balances reachable.
  const idle = p as unknown as Record<'acct' | 'inst' | 'group', undefined>;
  idle.acct = undefined;
  idle.inst = undefined;
  idle.group = undefined;
}

function rejectPlace(e: EngineState, c: PlaceOrder, reason: RejectCode): void {
  const cid = c.clientOrderId;
  e.reject('placeOrder', reason, {
    accountId: c.accountId,
    orderId: c.orderId,
    ...(typeof cid === 'string' ? { clientOrderId: cid } : {}),
  });
}

/** Who places it and where: the order id, the account, the market, side, type, tif, ids, group. */
function checkIdentity(e: EngineState, c: PlaceOrder, p: PendingOrder): RejectCode | undefined {
  if (!isPositiveInt(c.orderId)) return invalidField('orderId', 'a positive safe integer');
  if (c.orderId <= e.maxOrderId) return 'DUPLICATE_ORDER_ID';
  if (e.halted) return 'EXCHANGE_HALTED';
  const acct = e.accountById(c.accountId);
  if (acct === undefined) return 'UNKNOWN_ACCOUNT';
  if (acct.frozen) return 'ACCOUNT_FROZEN';
  const inst = e.instrumentById(c.instrumentId);
  if (inst === undefined) return 'UNKNOWN_INSTRUMENT';
  if (inst.status !== 'open') return 'MARKET_NOT_OPEN';
  p.acct = acct;
  p.inst = inst;
  p.side = c.side === 'buy' ? BUY : c.side === 'sell' ? SELL : -1;
  if (p.side < 0) return invalidField('side', 'buy or sell');
  p.type = orderTypeCode(c.orderType);
  if (p.type < 0) return 'INVALID_ORDER_TYPE';
  p.tif = tifCode(c.tif);
  if (p.tif < 0) return invalidField('tif', 'gtc, gtd, ioc or fok');
  const cid = c.clientOrderId;
  if (cid !== undefined && !validClientId(cid)) {
    return invalidField('clientOrderId', 'an identifier of at most 64 characters');
  }
  if (cid !== undefined && acct.clientIds.has(cid)) return 'DUPLICATE_CLIENT_ORDER_ID';
  p.group = undefined;
  if (c.orderGroupId !== undefined) {
    const g = ownedGroup(e, acct, c.orderGroupId);
    if (typeof g === 'string') return g;
    if (g.triggered) return 'ORDER_GROUP_TRIGGERED';
    p.group = g;
  }
  return undefined;
}

/** What is asked: quantity, flags, prices, time in force, expiry, max cost, band and notional. */
function checkTerms(e: EngineState, c: PlaceOrder, p: PendingOrder): RejectCode | undefined {
  const { inst, side, type } = p;
  const spec = inst.spec;
  const qty = c.qtyLots;
  const badQty = qtyViolation(spec, qty);
  if (badQty !== undefined) return badQty;
  p.qty = qty;
  const postOnly = c.postOnly === true;
  p.postOnly = postOnly;
  p.reduceOnly = c.reduceOnly === true;
  if (c.postOnly !== undefined && typeof c.postOnly !== 'boolean') {
    return invalidField('postOnly', 'a boolean');
  }
  if (c.reduceOnly !== undefined && typeof c.reduceOnly !== 'boolean') {
    return invalidField('reduceOnly', 'a boolean');
  }
  p.cancelOnPause = c.cancelOnPause === true;
  if (c.cancelOnPause !== undefined && typeof c.cancelOnPause !== 'boolean') {
    return invalidField('cancelOnPause', 'a boolean');
  }
  if (c.stp !== undefined && c.stp !== 'cancelTaker' && c.stp !== 'cancelMaker') {
    return invalidField('stp', 'cancelTaker or cancelMaker');
  }
  p.stp = c.stp ?? 'cancelTaker';
  if (type === TYPE_LIMIT || type === TYPE_STOP_LIMIT) {
    const bad = checkPrice(inst, c.priceTicks);
    if (bad !== undefined) return bad;
    p.limit = c.priceTicks as number;
  } else if (c.worstPriceTicks !== undefined) {
    const bad = checkPrice(inst, c.worstPriceTicks);
    if (bad !== undefined) return bad;
    p.limit = c.worstPriceTicks;
  } else p.limit = side === BUY ? spec.maxPriceTicks : spec.minPriceTicks;
  p.isStop = type === TYPE_STOP || type === TYPE_STOP_LIMIT;
  p.stopPrice = 0;
  if (p.isStop) {
    const bad = checkPrice(inst, c.stopPriceTicks);
    if (bad !== undefined) return bad;
    p.stopPrice = c.stopPriceTicks as number;
  }
  return checkTiming(e, c, p) ?? checkAmounts(c, p);
}

/** Time in force as the order type allows it, GTD expiry, post-only. */
function checkTiming(e: EngineState, c: PlaceOrder, p: PendingOrder): RejectCode | undefined {
  if (p.type === TYPE_MARKET || p.type === TYPE_STOP) {
    if (p.postOnly || p.tif === TIF_GTD) return 'INVALID_ORDER_TYPE';
    if (p.tif !== TIF_FOK) p.tif = TIF_IOC;
  }
  if (p.postOnly && (p.tif === TIF_IOC || p.tif === TIF_FOK)) return 'INVALID_ORDER_TYPE';
  p.expiresAt = 0;
  if (p.tif === TIF_GTD) {
    if (!isSafeInt(c.expiresAt))
      return invalidField('expiresAt', 'a safe integer (ms since the epoch)');
    if (c.expiresAt <= e.lastTs) return 'EXPIRY_IN_PAST';
    p.expiresAt = c.expiresAt;
  }
  return undefined;
}

/** Max cost, price band, safe-integer arithmetic and the notional limit. */
function checkAmounts(c: PlaceOrder, p: PendingOrder): RejectCode | undefined {
  const { inst, side, type, qty, limit } = p;
  const spec = inst.spec;
  p.maxCost = 0;
  if (c.maxCost !== undefined) {
    if (!isPositiveInt(c.maxCost)) return invalidField('maxCost', 'a positive safe integer');
    if (!takesMaxCost(spec.kind, type, p.tif, side)) {
      return invalidField('maxCost', 'only on orders that never rest: market, or IOC/FOK limit');
    }
    p.maxCost = c.maxCost;
  }
  if (type === TYPE_LIMIT) {
    const band = checkBand(inst, limit);
    if (band !== undefined) return band;
  }
  return amountViolation(spec, side, qty, limit, p.maxCost);
}

/**
 * Whether the account may and can: reduce-only against the position, the position limit, open
 * orders, money and position for the reservation (computed into `r`), fill-or-kill, post-only.
 */
function checkRisk(e: EngineState, p: PendingOrder, r: Reservation): RejectCode | undefined {
  const { acct, inst, side } = p;
  const spec = inst.spec;
  const pos = acct.positions[inst.index];
  if (p.reduceOnly) {
    if (spec.kind !== 'binary') return 'INVALID_ORDER_TYPE';
    const closable =
      pos === undefined
        ? 0
        : side === BUY
          ? Math.max(-pos.lots, 0) - pos.reservedNo
          : Math.max(pos.lots, 0) - pos.reservedYes;
    if (closable <= 0) return 'REDUCE_ONLY_WOULD_INCREASE';
    if (p.qty > closable) p.qty = closable - (closable % spec.lotSize);
    if (p.qty <= 0) return 'REDUCE_ONLY_WOULD_INCREASE';
  }
  // A reduce-only order trades only the position it has reserved, so it can never take the account
  // further from flat: it is not held to the limit (its resting lots still count for other orders).
  // A stop is checked here against what is open now, and again when it triggers (runStopTriggers).
  if (!p.reduceOnly && exceedsPositionLimit(inst, acct, side, p.qty, 0)) return 'POSITION_LIMIT';
  const mayRest = p.isStop || p.tif === TIF_GTC || p.tif === TIF_GTD;
  if (mayRest && acct.openOrders >= e.config.maxOpenOrdersPerAccount) return 'MAX_OPEN_ORDERS';
  return checkFunds(p, r) ?? checkLiquidity(e, p);
}

/** Computes the reservation into `r` (capped by max cost) and checks the account can make it. */
function checkFunds(p: PendingOrder, r: Reservation): RejectCode | undefined {
  const { acct, inst, side } = p;
  const spec = inst.spec;
  computeReservation(inst, acct, side, p.limit, p.qty, 0, r);
  if (p.maxCost > 0 && r.resCash > p.maxCost) {
    // Whatever the side, the cash an order spends is part of its cost, which max cost caps.
    r.resCash = p.maxCost;
    // A basis-point fee follows the money spent, which max cost caps: reserve the fee on max cost,
    // not on the whole quantity at the protection price (that refused small "spend $X" orders).
    // A binary sell's fee is on the YES notional, which max cost (on the NO price) does not bound.
    if (spec.fees.kind === 'bps' && side === BUY) {
      const capped = feeAt(inst.feeMax, p.maxCost, 1, 1, 0);
      if (capped < r.resFee) r.resFee = capped;
    }
  }
  return fundsViolation(inst, acct, side, r);
}

/** Fill-or-kill needs the whole quantity there (and affordable under max cost); post-only, none. */
function checkLiquidity(e: EngineState, p: PendingOrder): RejectCode | undefined {
  const { acct, inst, side, limit, qty } = p;
  const skipOwn = p.stp === 'cancelMaker';
  if (
    !p.isStop &&
    p.tif === TIF_FOK &&
    fillableQty(e, inst, side, limit, qty, acct, skipOwn) < qty
  ) {
    return 'FOK_NOT_FILLABLE';
  }
  // Max-cost protection would stop a fill-or-kill part way: it must afford the whole fill up front.
  if (p.tif === TIF_FOK && p.maxCost > 0 && costToFill(e, inst, side, qty, acct) > p.maxCost) {
    return 'FOK_NOT_FILLABLE';
  }
  if (!p.isStop && p.postOnly && crosses(inst, side, limit)) return 'POST_ONLY_WOULD_CROSS';
  return undefined;
}

/** The accepted order: from here on nothing may fail. */
function acceptOrder(e: EngineState, c: PlaceOrder, p: PendingOrder, r: Reservation): void {
  const { acct, inst, side, tif, qty, limit, stopPrice, expiresAt, group } = p;
  const cid = c.clientOrderId;
  e.maxOrderId = c.orderId;
  const s = e.store;
  const flags =
    (p.postOnly ? F_POST_ONLY : 0) |
    (p.reduceOnly ? F_REDUCE_ONLY : 0) |
    (p.stp === 'cancelMaker' ? F_STP_CANCEL_MAKER : 0) |
    (p.cancelOnPause ? F_CANCEL_ON_PAUSE : 0);
  const slot = s.alloc();
  s.init(slot, c.orderId, inst.index, acct.index, side, p.type, tif, flags, limit, qty);
  s.setStopPrice(slot, stopPrice);
  s.setExpiresAt(slot, expiresAt);
  s.setClientId(slot, cid);
  applyReservation(e, inst, acct, slot, r);
  linkToAccount(e, acct, slot);
  e.orderSlots.set(c.orderId, slot);
  if (group !== undefined) joinGroup(e, group, c.orderId);
  e.sink.accepted(
    c.orderId,
    acct.accountId,
    inst.spec.instrumentId,
    cid,
    side,
    p.type,
    tif,
    limit,
    qty,
    p.isStop ? stopPrice : undefined,
    tif === TIF_GTD ? expiresAt : undefined,
    p.postOnly,
    p.reduceOnly,
    p.cancelOnPause,
    group === undefined ? undefined : group.groupId,
  );
  if (tif === TIF_GTD) pushExpiry(e, expiresAt, c.orderId);
  if (p.isStop && !stopTriggered(inst, side, stopPrice)) {
    parkStop(e, inst, slot);
    return;
  }
  execute(e, inst, slot, p.maxCost);
  runStopTriggers(e, inst);
}
