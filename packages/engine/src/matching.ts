// Price-time priority matching and the money movement of one fill. A taker walks the opposite side
// from the best level while prices are within its limit; each fill trades at the maker's price.
// Binary fills follow the fully-collateralised rules (see docs/decisions/0001-binary-collateral.md):
// closing a position pays the holder, opening costs cash, and escrow changes by payout per net pair.

import { BUY } from './book.ts';
import {
  breakerStops,
  breakerTrip,
  recordTrade,
  windowHigh,
  windowLow,
} from './circuit-breaker.ts';
import type { EngineState } from './engine-state.ts';
import type { CancelReason } from './events.ts';
import type { InstrumentSpec } from './instrument.ts';
import { type FeeRate, feeBase, feeOnBase } from './fees.ts';
import { invariant } from './invariant.ts';
import { countGroupFill } from './order-groups.ts';
import { addOpenLots, cancelSlot, finishOrder } from './order-lifecycle.ts';
import { F_REDUCE_ONLY, F_STP_CANCEL_MAKER, type OrderStore } from './order-store.ts';
import { binaryFillCash, bookBinaryFill, bookSpotFill } from './pnl.ts';
import { feeReserveBase } from './reservation.ts';
import { NIL } from './slot.ts';
import type { Account, Instrument, Position } from './state.ts';

/** True when an order on `side` at `limit` would trade against the current book. */
export function crosses(inst: Instrument, side: number, limit: number): boolean {
  const book = inst.book;
  const best = book.best[side ^ 1]!;
  if (best < 0) return false;
  const price = inst.spec.minPriceTicks + best * inst.spec.tickSize;
  return side === BUY ? price <= limit : price >= limit;
}

/**
 * How much of `qty` could fill right now within `limit` (and before the market's circuit breaker
 * would trip). A resting order of the same account stops the count (self-trade prevention stops the
 * taker there) unless `skipOwn`: with cancelMaker the taker cancels it and trades on.
 */
export function fillableQty(
  e: EngineState,
  inst: Instrument,
  side: number,
  limit: number,
  qty: number,
  acct: Account,
  skipOwn: boolean,
): number {
  const book = inst.book;
  const s = e.store;
  const opp = side ^ 1;
  const step = opp === BUY ? -1 : 1;
  let total = 0;
  const b = inst.breaker;
  // With a breaker, the sweep stops where a fill would trip it; the fills before are in its window.
  let low = b === undefined ? -1 : windowLow(b, e.lastTs);
  let high = b === undefined ? -1 : windowHigh(b, e.lastTs);
  let reference = b === undefined ? -1 : b.reference;
  for (let l = book.best[opp]!; l >= 0 && l < book.levels && total < qty; l += step) {
    const price = inst.spec.minPriceTicks + l * inst.spec.tickSize;
    if (side === BUY ? price > limit : price < limit) break;
    if (b !== undefined) {
      if (breakerTrip(b.config, reference, low, high, price) !== undefined) break;
      if (reference < 0) reference = price;
      if (low < 0 || price < low) low = price;
      if (price > high) high = price;
    }
    for (let m = book.head[opp * book.levels + l]!; m !== NIL && total < qty; m = s.next[m]!) {
      if (s.acct[m] === acct.index) {
        if (skipOwn) continue;
        return total;
      }
      total += tradableQty(s, m);
    }
  }
  return total;
}

/** What a resting order can still trade: a reduce-only order no more than its reserved position. */
export function tradableQty(s: OrderStore, m: number): number {
  const open = s.open[m]!;
  if ((s.flags[m]! & F_REDUCE_ONLY) === 0) return open;
  const pos = s.resPos[m]!;
  return pos < open ? pos : open;
}

/**
 * What one lot bought at `price` costs against a max cost, in minor units before fees: the price for
 * a buy; for a binary sell, which buys NO, the NO price (payout − price).
 */
export function costPerLot(spec: InstrumentSpec, side: number, price: number): number {
  const ticks = side === BUY || spec.kind !== 'binary' ? price : spec.payoutTicks - price;
  return ticks * spec.moneyPerTickLot;
}

/**
 * Matches the taker in `slot` against the book. Returns why matching stopped early and the rest
 * must be cancelled (self-trade, max-cost protection), or undefined.
 */
export function matchTaker(
  e: EngineState,
  inst: Instrument,
  slot: number,
  maxCost: number,
): CancelReason | undefined {
  const s = e.store;
  const book = inst.book;
  const spec = inst.spec;
  const side = s.side[slot]!;
  const opp = side ^ 1;
  const limit = s.price[slot]!;
  const acct = s.accountOf(slot);
  const levels = book.levels;
  let budget = maxCost;
  // A reduce-only order trades only the position it still has reserved: netting by another order of
  // its account may have taken the rest, and trading on would open a position.
  const takerReduce = (s.flags[slot]! & F_REDUCE_ONLY) !== 0;
  let reserveBase = -1; // the taker's feeReserveBase, computed at its first fill
  while (s.open[slot]! > 0) {
    if (takerReduce && s.resPos[slot] === 0) return 'reduceOnly';
    const l = book.best[opp]!;
    if (l < 0) return undefined;
    const price = spec.minPriceTicks + l * spec.tickSize;
    if (side === BUY ? price > limit : price < limit) return undefined;
    const key = opp * levels + l;
    let m = book.head[key]!;
    while (m !== NIL && s.open[slot]! > 0) {
      const nextMaker = s.next[m]!;
      if (s.acct[m] === acct.index) {
        if ((s.flags[slot]! & F_STP_CANCEL_MAKER) === 0) return 'selfTrade';
        cancelSlot(e, m, 'selfTrade');
        m = nextMaker;
        continue;
      }
      let q = s.open[slot]! < s.open[m]! ? s.open[slot]! : s.open[m]!;
      const makerReduce = (s.flags[m]! & F_REDUCE_ONLY) !== 0;
      if (makerReduce && s.resPos[m]! < q) {
        if (s.resPos[m] === 0) {
          cancelSlot(e, m, 'reduceOnly');
          m = nextMaker;
          continue;
        }
        q = s.resPos[m]!;
      }
      if (takerReduce && s.resPos[slot]! < q) q = s.resPos[slot]!;
      if (maxCost > 0) {
        const perLot = costPerLot(spec, side, price);
        const affordable = Math.floor(budget / perLot);
        const lot = spec.lotSize;
        const cap = affordable - (affordable % lot);
        if (cap <= 0) return 'protection';
        if (q > cap) q = cap;
        budget -= perLot * q;
      }
      // The breaker is asked before every fill: fills earlier in the sweep are in its window.
      if (inst.breaker !== undefined && breakerStops(e, inst, price, e.lastTs)) {
        return 'circuitBreaker';
      }
      if (reserveBase < 0) reserveBase = feeReserveBase(inst, side, limit);
      fill(e, inst, slot, m, price, q, reserveBase);
      if (inst.breaker !== undefined) recordTrade(inst.breaker, e.lastTs, price);
      if (e.groupOfOrder.size !== 0) {
        countGroupFill(e, s.id[m]!, q, e.lastTs);
        countGroupFill(e, s.id[slot]!, q, e.lastTs);
      }
      book.qty[key]! -= q;
      e.touchLevel(inst, key);
      // The maker's filled lots move from its open lots to its position: the two together (what the
      // position limit counts) stay the same.
      addOpenLots(e, s.accountOf(m), inst.index, opp, -q);
      if (s.open[m] === 0) {
        book.remove(s, opp, l, m);
        finishOrder(e, inst, m);
      } else if (makerReduce && s.resPos[m] === 0) cancelSlot(e, m, 'reduceOnly');
      m = nextMaker;
    }
  }
  return undefined;
}

/**
 * Executes one fill of `q` lots at `price` between taker and maker slots; `takerReserveBase` is the
 * taker's `feeReserveBase`, computed once per order.
 */
function fill(
  e: EngineState,
  inst: Instrument,
  taker: number,
  maker: number,
  price: number,
  q: number,
  takerReserveBase: number,
): void {
  const s = e.store;
  const spec = inst.spec;
  const takerSide = s.side[taker]!;
  // Each side's account and position are looked up once per fill, buyer's position first (a
  // position is created on first use, and creation order is part of the state).
  const takerAcct = s.accountOf(taker);
  const makerAcct = s.accountOf(maker);
  const buyAcct = takerSide === BUY ? takerAcct : makerAcct;
  const sellAcct = takerSide === BUY ? makerAcct : takerAcct;
  const buyPos = e.positionOf(buyAcct, inst);
  const sellPos = e.positionOf(sellAcct, inst);
  const buySlot = takerSide === BUY ? taker : maker;
  const sellSlot = takerSide === BUY ? maker : taker;
  if (spec.kind === 'binary') {
    const buyLeg = binaryLeg(e, inst, buySlot, buyAcct, buyPos, BUY, price, q);
    const sellLeg = binaryLeg(e, inst, sellSlot, sellAcct, sellPos, 1, price, q);
    inst.escrow -= buyLeg + sellLeg;
    inst.openInterest += q - legCloses[BUY]! - legCloses[1]!;
  } else {
    spotLegs(e, inst, buySlot, sellSlot, buyAcct, sellAcct, buyPos, sellPos, price, q);
  }
  s.open[taker]! -= q;
  s.open[maker]! -= q;
  s.filled[taker]! += q;
  s.filled[maker]! += q;
  const payout = spec.kind === 'binary' ? spec.payoutTicks : 0;
  const feeAcct = e.accountById(e.config.feeAccountId)!;
  const takerPos = takerSide === BUY ? buyPos : sellPos;
  const makerPos = takerSide === BUY ? sellPos : buyPos;
  // Both sides' fees of this fill share their price part; each is then one multiply-divide.
  const base = feeBase(inst.feeMax.mode, price, spec.moneyPerTickLot, payout);
  const takerFee = chargeFee(e, inst, taker, takerAcct, takerPos, feeAcct, inst.feeTaker, base, q);
  const makerFee = chargeFee(e, inst, maker, makerAcct, makerPos, feeAcct, inst.feeMaker, base, q);
  trimFeeReserve(e, inst, taker, takerAcct, takerReserveBase);
  // The maker's reserve base is computed only when it holds a fee reserve.
  if (s.resFee[maker] !== 0) {
    const makerBase = feeReserveBase(inst, s.side[maker]!, s.price[maker]!);
    trimFeeReserve(e, inst, maker, makerAcct, makerBase);
  }
  inst.lastPrice = price;
  inst.hasLast = true;
  e.sink.fill(
    ++e.tradeSeq,
    spec.instrumentId,
    s.id[taker]!,
    s.id[maker]!,
    takerAcct.accountId,
    makerAcct.accountId,
    takerSide,
    price,
    q,
    takerFee,
    makerFee,
    s.open[taker]!,
    s.open[maker]!,
  );
}

/** Closes counted by the last `binaryLeg` per side (scratch, avoids returning an object). */
const legCloses = [0, 0];

/**
 * One side of a binary fill: closes first from this order's reserved position, then from position
 * nobody reserved, then (netting, forced by a signed position) from position other orders reserved;
 * the rest opens. Returns the principal cash the account received (negative when it paid).
 */
function binaryLeg(
  e: EngineState,
  inst: Instrument,
  slot: number,
  acct: Account,
  pos: Position,
  side: number,
  price: number,
  q: number,
): number {
  const s = e.store;
  const spec = inst.spec;
  invariant(spec.kind === 'binary', 'a binary fill on a spot instrument');
  const M = spec.payoutTicks;
  const mult = spec.moneyPerTickLot;
  const m = inst.moneyAsset;
  const held = side === BUY ? (pos.lots < 0 ? -pos.lots : 0) : pos.lots > 0 ? pos.lots : 0;
  const reservedAll = side === BUY ? pos.reservedNo : pos.reservedYes;
  const own = s.resPos[slot]!;
  const c1 = q < own ? q : own;
  const free = held - reservedAll;
  const c2 = Math.min(q - c1, free);
  const c3 = Math.min(q - c1 - c2, held - c1 - c2);
  const closes = c1 + c2 + c3;
  // Release what this order had reserved for the q lots.
  s.resPos[slot] = own - c1;
  if (side === BUY) pos.reservedNo -= c1;
  else pos.reservedYes -= c1;
  const limit = s.price[slot]!;
  const perLot = side === BUY ? limit : M - limit;
  let release = perLot * (q - c1) * mult;
  if (release > s.resCash[slot]!) release = s.resCash[slot]!;
  s.resCash[slot]! -= release;
  acct.reserved[m]! -= release;
  invariant(acct.reserved[m]! >= 0, 'a fill released more than was reserved');
  // Principal: closing receives the value of the side given up; opening pays for the new side.
  const booked = bookBinaryFill(pos, side === BUY, price, q, M, mult);
  invariant(booked === closes, 'a binary fill closed other than min(qty, held) lots');
  const cash = binaryFillCash(side === BUY, price, q, closes, M, mult);
  acct.available[m]! += release + cash;
  if (c3 > 0) rebalanceReservations(e, inst, acct, pos, side);
  e.touchBalance(acct, m);
  e.touchPosition(pos);
  legCloses[side] = closes;
  return cash;
}

/**
 * After netting consumed position that other orders of the account had reserved, moves their excess
 * position reservation to cash. Netting returned `payout` per lot, more than any order needs per lot,
 * so the cash is always there.
 */
function rebalanceReservations(
  e: EngineState,
  inst: Instrument,
  acct: Account,
  pos: Position,
  side: number,
): void {
  const s = e.store;
  const spec = inst.spec;
  if (spec.kind !== 'binary') return;
  const held = side === BUY ? Math.max(-pos.lots, 0) : Math.max(pos.lots, 0);
  let excess = (side === BUY ? pos.reservedNo : pos.reservedYes) - held;
  const m = inst.moneyAsset;
  for (let o = acct.orderHead; o !== NIL && excess > 0; o = s.acctNext[o]!) {
    if (s.inst[o] !== inst.index || s.side[o] !== side || s.resPos[o]! === 0) continue;
    const take = s.resPos[o]! < excess ? s.resPos[o]! : excess;
    const perLot = side === BUY ? s.price[o]! : spec.payoutTicks - s.price[o]!;
    const need = perLot * take * spec.moneyPerTickLot;
    s.resPos[o]! -= take;
    s.resCash[o]! += need;
    acct.available[m]! -= need;
    acct.reserved[m]! += need;
    if (side === BUY) pos.reservedNo -= take;
    else pos.reservedYes -= take;
    excess -= take;
  }
  invariant(acct.available[m]! >= 0, 'a reservation rebalance overdrew the available balance');
}

/** Both sides of a spot fill: quote from buyer to seller, base from seller to buyer. */
function spotLegs(
  e: EngineState,
  inst: Instrument,
  buySlot: number,
  sellSlot: number,
  buyer: Account,
  seller: Account,
  buyPos: Position,
  sellPos: Position,
  price: number,
  q: number,
): void {
  const s = e.store;
  const spec = inst.spec;
  invariant(spec.kind === 'spot', 'a spot fill on a binary instrument');
  const qa = inst.moneyAsset;
  const ba = inst.baseAsset;
  const cost = price * q * spec.moneyPerTickLot;
  const baseUnits = q * spec.baseUnitsPerLot;
  let release = s.price[buySlot]! * q * spec.moneyPerTickLot;
  if (release > s.resCash[buySlot]!) release = s.resCash[buySlot]!;
  s.resCash[buySlot]! -= release;
  buyer.reserved[qa]! -= release;
  buyer.available[qa]! += release - cost;
  buyer.available[ba]! += baseUnits;
  s.resPos[sellSlot]! -= baseUnits;
  seller.reserved[ba]! -= baseUnits;
  seller.available[qa]! += cost;
  invariant(
    buyer.reserved[qa]! >= 0 && seller.reserved[ba]! >= 0,
    'a fill released more than was reserved',
  );
  e.touchBalance(buyer, qa);
  e.touchBalance(buyer, ba);
  e.touchBalance(seller, qa);
  e.touchBalance(seller, ba);
  spotPosition(e, buyPos, q, cost);
  spotPosition(e, sellPos, -q, cost);
}

/** Average-cost bookkeeping of a spot position (informational: balances are the source of truth). */
function spotPosition(e: EngineState, pos: Position, signedLots: number, cost: number): void {
  bookSpotFill(pos, signedLots, cost);
  e.touchPosition(pos);
}

/**
 * Takes the fee of `q` lots at `rate` on the fill's `base` from the order's fee reservation, then from
 * available money; what neither covers is waived (per-fill rounding can exceed the reservation made
 * for the whole order). Returns the fee paid.
 */
function chargeFee(
  e: EngineState,
  inst: Instrument,
  slot: number,
  acct: Account,
  pos: Position,
  feeAcct: Account,
  rate: FeeRate,
  base: number,
  q: number,
): number {
  if (rate.mode === 0) return 0;
  const fee = feeOnBase(rate, base, q);
  if (fee === 0) return 0;
  const s = e.store;
  const m = inst.moneyAsset;
  const fromRes = fee < s.resFee[slot]! ? fee : s.resFee[slot]!;
  s.resFee[slot]! -= fromRes;
  acct.reserved[m]! -= fromRes;
  const rest = fee - fromRes;
  const fromAvail = rest < acct.available[m]! ? rest : acct.available[m]!;
  acct.available[m]! -= fromAvail;
  const paid = fromRes + fromAvail;
  feeAcct.available[m]! += paid;
  e.touchBalance(feeAcct, m);
  e.touchBalance(acct, m);
  pos.feesPaid += paid;
  e.touchPosition(pos);
  return paid;
}

/**
 * After a fill, gives back the part of the fee reservation the smaller open quantity no longer needs,
 * so a partly filled resting order holds only the worst-case fee of what is left (`reserveBase`: the
 * order's `feeReserveBase`).
 */
function trimFeeReserve(
  e: EngineState,
  inst: Instrument,
  slot: number,
  acct: Account,
  reserveBase: number,
): void {
  const s = e.store;
  const open = s.open[slot]!;
  const held = s.resFee[slot]!;
  if (held === 0) return;
  const need = open === 0 ? 0 : feeOnBase(inst.feeMax, reserveBase, open);
  if (need >= held) return;
  const m = inst.moneyAsset;
  s.resFee[slot] = need;
  acct.reserved[m]! -= held - need;
  acct.available[m]! += held - need;
  e.touchBalance(acct, m);
}
