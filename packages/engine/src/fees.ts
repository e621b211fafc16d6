// Fee arithmetic. Every fee is a non-negative integer in the money asset's minor units and rounds up
// (the remainder favours the exchange); Kalshi's style rounds up to a whole `roundingUnit` (a cent).

import type { FeeSchedule } from './instrument.ts';
import { divCeil, mulDivCeil } from './units.ts';

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * A fee rate compiled once per instrument: the rate reduced to a small fraction so the hot path does
 * one exact multiply-divide per fee. `mode` 0 = no fee, 1 = share of notional, 2 = Kalshi's P × (1 − P).
 */
export interface FeeRate {
  readonly mode: 0 | 1 | 2;
  readonly num: number;
  readonly den: number;
  readonly unit: number;
}

const NO_FEE: FeeRate = { mode: 0, num: 0, den: 1, unit: 1 };

export function compileFeeRate(
  fees: FeeSchedule,
  which: 'taker' | 'maker' | 'max',
  payoutTicks: number,
): FeeRate {
  const pick = (maker: number, taker: number) =>
    which === 'taker' ? taker : which === 'maker' ? maker : Math.max(maker, taker);
  switch (fees.kind) {
    case 'none':
      return NO_FEE;
    case 'bps': {
      const bps = pick(fees.makerBps, fees.takerBps);
      if (bps === 0) return NO_FEE;
      const g = gcd(bps, 10_000);
      return { mode: 1, num: bps / g, den: 10_000 / g, unit: 1 };
    }
    case 'kalshi': {
      const ppm = pick(fees.makerRatePpm, fees.takerRatePpm);
      if (ppm === 0 || payoutTicks === 0) return NO_FEE;
      const g = gcd(ppm, 1_000_000);
      const unit = fees.roundingUnit > 0 ? fees.roundingUnit : 1;
      return { mode: 2, num: ppm / g, den: (1_000_000 / g) * payoutTicks, unit };
    }
  }
}

/** The fee for one fill of `qtyLots` at `priceTicks` under a compiled rate. */
export function feeAt(
  r: FeeRate,
  priceTicks: number,
  qtyLots: number,
  moneyPerTickLot: number,
  payoutTicks: number,
): number {
  if (r.mode === 0) return 0;
  return feeOnBase(r, feeBase(r.mode, priceTicks, moneyPerTickLot, payoutTicks), qtyLots);
}

/**
 * The part of a fee that depends on the price alone, in money per lot before the rate: the notional
 * (mode 1) or, for Kalshi's P × (1 − P) (mode 2), price × (payout − price) × money per tick-lot (the
 * rate's `den` carries the other factor of payout, so the product stays a safe integer). A taker's
 * and a maker's fee of one fill share it, and an order's fee reserve has one for its whole life, so
 * it is computed once per fill and once per order, and each fee is then one multiply-divide.
 */
export function feeBase(
  mode: FeeRate['mode'],
  priceTicks: number,
  moneyPerTickLot: number,
  payoutTicks: number,
): number {
  return mode === 2
    ? priceTicks * (payoutTicks - priceTicks) * moneyPerTickLot
    : priceTicks * moneyPerTickLot;
}

/** The fee of `qtyLots` under a compiled rate, on a base from `feeBase` in the rate's mode. */
export function feeOnBase(r: FeeRate, base: number, qtyLots: number): number {
  if (r.mode === 0) return 0;
  const raw = mulDivCeil(base, qtyLots * r.num, r.den);
  return r.mode === 1 ? raw : divCeil(raw, r.unit) * r.unit;
}
