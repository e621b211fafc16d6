// The checks order entry and maintenance share, each a pure function of the state it reads: order
// type and time-in-force codes, the price grid and price band, the position limit, client order ids,
// when a max cost applies and what a fill-or-kill would cost. None of them changes anything.

import { BUY, SELL } from './book.ts';
import { bookMid, outsideBand } from './circuit-breaker.ts';
import type { EngineState } from './engine-state.ts';
import { costPerLot, tradableQty } from './matching.ts';
import { openLotsOf } from './order-lifecycle.ts';
import {
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
import { priceViolation } from './rules.ts';
import { NIL } from './slot.ts';
import type { Account, Instrument } from './state.ts';
import { isIdentifier } from './identifiers.ts';
import type { InstrumentSpec } from './instrument.ts';
import type { Reservation } from './reservation.ts';
import { isLotMultiple } from './rules.ts';
import { isPositiveInt, isSafeInt } from './units.ts';

/** The store's code for an order type, or −1 (a switch: no prototype lookups on hostile input). */
export function orderTypeCode(t: unknown): number {
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

export function tifCode(t: unknown): number {
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

/** Quantity: a positive safe integer, a multiple of the lot size, within the market's order size. */
export function qtyViolation(spec: InstrumentSpec, qty: unknown): RejectCode | undefined {
  if (!isPositiveInt(qty)) return 'INVALID_QUANTITY';
  if (!isLotMultiple(spec, qty)) return 'QTY_NOT_LOT_MULTIPLE';
  if (spec.limits.maxOrderQtyLots > 0 && qty > spec.limits.maxOrderQtyLots) {
    return 'MAX_ORDER_SIZE';
  }
  return undefined;
}

/**
 * The amounts an order of `qty` at `limit` can move stay safe integers, and its notional (capped by
 * a buy's max cost, 0 for none) is within the market's limit.
 */
export function amountViolation(
  spec: InstrumentSpec,
  side: number,
  qty: number,
  limit: number,
  maxCost: number,
): RejectCode | undefined {
  // Every amount this order can move (price × qty × money per tick-lot, and the payout on a binary
  // grid) must stay a safe integer, or the arithmetic would silently round.
  const worstTicks = spec.kind === 'binary' ? spec.payoutTicks : spec.maxPriceTicks;
  if (!isSafeInt(worstTicks * qty * spec.moneyPerTickLot * 10_000)) {
    return 'INVALID_QUANTITY';
  }
  // Market and stop orders count at their protection price (a max cost caps a market buy's money);
  // counting them as zero let any market order past the limit.
  let notional = limit * qty * spec.moneyPerTickLot;
  if (maxCost > 0 && side === BUY && maxCost < notional) notional = maxCost;
  if (spec.limits.maxOrderNotional > 0 && notional > spec.limits.maxOrderNotional) {
    return 'MAX_NOTIONAL';
  }
  return undefined;
}

/** The account has the money (and, for a spot sell, the base units) reservation `r` sets aside. */
export function fundsViolation(
  inst: Instrument,
  acct: Account,
  side: number,
  r: Reservation,
): RejectCode | undefined {
  if (r.resCash + r.resFee > acct.available[inst.moneyAsset]!) return 'INSUFFICIENT_FUNDS';
  if (inst.spec.kind === 'spot' && side === SELL && r.resPos > acct.available[inst.baseAsset]!) {
    return 'INSUFFICIENT_POSITION';
  }
  return undefined;
}

export function checkPrice(inst: Instrument, price: unknown): RejectCode | undefined {
  return priceViolation(inst.spec, price);
}

/**
 * A limit price must be within both bands a market may have: the circuit breaker's limit-up/limit-
 * down band around its reference price, and `limits.priceBandTicks` around the last trade price (or
 * the mid without one).
 */
export function checkBand(inst: Instrument, price: number): RejectCode | undefined {
  const breaker = inst.breaker;
  if (breaker !== undefined && outsideBand(breaker.config.bandTicks, breaker.reference, price)) {
    return 'PRICE_OUT_OF_BAND';
  }
  const band = inst.spec.limits.priceBandTicks;
  if (band === 0) return undefined;
  const ref = inst.hasLast ? inst.lastPrice : bookMid(inst);
  return outsideBand(band, ref, price) ? 'PRICE_OUT_OF_BAND' : undefined;
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
export function exceedsPositionLimit(
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

export function validClientId(cid: unknown): boolean {
  return isIdentifier(cid, 64);
}

/**
 * Whether an order may carry a max cost. It caps what buying costs: a buy, or on a binary market a
 * sell, which buys NO, costed at the NO price. The cap lives only while the order takes liquidity, so
 * the order must never rest: a market order, or a limit order that is IOC or FOK (a Kalshi order with
 * `buy_max_cost` is a fill-or-kill limit order).
 */
export function takesMaxCost(kind: string, type: number, tif: number, side: number): boolean {
  const neverRests =
    type === TYPE_MARKET || (type === TYPE_LIMIT && (tif === TIF_IOC || tif === TIF_FOK));
  return neverRests && (side === BUY || kind === 'binary');
}

/**
 * What taking `qty` from the opposite side would cost before fees, best prices first, passing over
 * the account's own orders (a FOK that got here either meets none or cancels them as maker).
 */
export function costToFill(
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
