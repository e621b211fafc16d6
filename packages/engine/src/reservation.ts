// An order's reservation: the money and position it sets aside while open. Computed before the order
// is accepted (so a rejection changes nothing), moved from available to reserved when it is, and given
// back when the order is re-reserved or finishes; a fill releases its share in matching.ts.

import { BUY } from './book.ts';
import type { EngineState } from './engine-state.ts';
import { feeBase, feeOnBase } from './fees.ts';
import { feePeakPrice } from './rules.ts';
import { invariant } from './invariant.ts';
import type { Account, Instrument } from './state.ts';

/** What an order needs set aside: position lots to close, principal and fees in money, base units. */
export interface Reservation {
  resPos: number;
  resCash: number;
  resFee: number;
}

/**
 * Computes into `out` what an order of `qty` at limit `limit` needs, counting `ownPos` lots of
 * position the order itself already holds reserved (an amend re-reserves without releasing first).
 */
export function computeReservation(
  inst: Instrument,
  acct: Account,
  side: number,
  limit: number,
  qty: number,
  ownPos: number,
  out: Reservation,
): void {
  const spec = inst.spec;
  const mult = spec.moneyPerTickLot;
  if (spec.kind === 'binary') {
    const pos = acct.positions[inst.index];
    let closable = 0;
    if (pos !== undefined) {
      closable =
        side === BUY
          ? Math.max(-pos.lots, 0) - pos.reservedNo + ownPos
          : Math.max(pos.lots, 0) - pos.reservedYes + ownPos;
    }
    const resPos = qty < closable ? qty : closable;
    const perLot = side === BUY ? limit : spec.payoutTicks - limit;
    out.resPos = resPos;
    out.resCash = perLot * (qty - resPos) * mult;
    out.resFee = feeReserveFor(inst, side, limit, qty);
  } else if (side === BUY) {
    out.resPos = 0;
    out.resCash = limit * qty * mult;
    out.resFee = feeReserveFor(inst, side, limit, qty);
  } else {
    out.resPos = qty * spec.baseUnitsPerLot;
    out.resCash = 0;
    out.resFee = 0; // sellers pay fees out of the proceeds
  }
}

/**
 * The most an order of `qty` at `limit` can pay in fees, at the worst price it can trade at and the
 * higher of the maker and taker rates. Spot sellers pay out of their proceeds and reserve nothing.
 */
export function feeReserveFor(inst: Instrument, side: number, limit: number, qty: number): number {
  return feeOnBase(inst.feeMax, feeReserveBase(inst, side, limit), qty);
}

/**
 * The price part of an order's fee reserve (`feeBase` at its peak price), the same for its whole
 * life: the reserve of any open quantity is `feeOnBase(inst.feeMax, base, open)`.
 */
export function feeReserveBase(inst: Instrument, side: number, limit: number): number {
  const spec = inst.spec;
  const mode = inst.feeMax.mode;
  if (mode === 0) return 0;
  if (spec.kind === 'spot') {
    return side === BUY ? feeBase(mode, limit, spec.moneyPerTickLot, 0) : 0;
  }
  const feePrice = feePeakPrice(spec, side === BUY ? 'buy' : 'sell', limit);
  return feeBase(mode, feePrice, spec.moneyPerTickLot, spec.payoutTicks);
}

export function applyReservation(
  e: EngineState,
  inst: Instrument,
  acct: Account,
  slot: number,
  r: Reservation,
): void {
  const s = e.store;
  const m = inst.moneyAsset;
  s.resCash[slot] = r.resCash;
  s.resFee[slot] = r.resFee;
  s.resPos[slot] = r.resPos;
  const money = r.resCash + r.resFee;
  if (money > 0) {
    acct.available[m]! -= money;
    acct.reserved[m]! += money;
    invariant(acct.available[m]! >= 0, 'a reservation overdrew the available balance');
    e.touchBalance(acct, m);
  }
  if (r.resPos > 0) {
    if (inst.spec.kind === 'binary') {
      const pos = e.positionOf(acct, inst);
      if (s.side[slot] === BUY) pos.reservedNo += r.resPos;
      else pos.reservedYes += r.resPos;
      e.touchAccount(acct.index);
    } else {
      const b = inst.baseAsset;
      acct.available[b]! -= r.resPos;
      acct.reserved[b]! += r.resPos;
      invariant(acct.available[b]! >= 0, 'a reservation overdrew the available base units');
      e.touchBalance(acct, b);
    }
  }
}

/** Gives back everything an order still has reserved. */
export function releaseReservation(
  e: EngineState,
  inst: Instrument,
  acct: Account,
  slot: number,
): void {
  const s = e.store;
  const m = inst.moneyAsset;
  const money = s.resCash[slot]! + s.resFee[slot]!;
  if (money > 0) {
    acct.available[m]! += money;
    acct.reserved[m]! -= money;
    invariant(acct.reserved[m]! >= 0, 'a release gave back more than was reserved');
    e.touchBalance(acct, m);
  }
  const rp = s.resPos[slot]!;
  if (rp > 0) {
    if (inst.spec.kind === 'binary') {
      const pos = e.positionOf(acct, inst);
      if (s.side[slot] === BUY) pos.reservedNo -= rp;
      else pos.reservedYes -= rp;
      e.touchAccount(acct.index);
    } else {
      const b = inst.baseAsset;
      acct.available[b]! += rp;
      acct.reserved[b]! -= rp;
      invariant(acct.reserved[b]! >= 0, 'a release gave back more base units than were reserved');
      e.touchBalance(acct, b);
    }
  }
  s.resCash[slot] = 0;
  s.resFee[slot] = 0;
  s.resPos[slot] = 0;
}
