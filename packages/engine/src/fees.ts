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
  /** den × unit when at most 2^52 (one exact division serves both roundings up), else 0. */
  readonly denUnit: number;
}

const NO_FEE: FeeRate = { mode: 0, num: 0, den: 1, unit: 1, denUnit: 1 };

/** Below this, a quotient of two integers rounds up exactly with one float division (see feeOnBase). */
const EXACT = 2 ** 52;

function rate(mode: 1 | 2, num: number, den: number, unit: number): FeeRate {
  const denUnit = den * unit <= EXACT ? den * unit : 0;
  return { mode, num, den, unit, denUnit };
}

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
      return rate(1, bps / g, 10_000 / g, 1);
    }
    case 'kalshi': {
      const ppm = pick(fees.makerRatePpm, fees.takerRatePpm);
      if (ppm === 0 || payoutTicks === 0) return NO_FEE;
      const g = gcd(ppm, 1_000_000);
      const unit = fees.roundingUnit > 0 ? fees.roundingUnit : 1;
      return rate(2, ppm / g, (1_000_000 / g) * payoutTicks, unit);
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

/**
 * The fee of `qtyLots` under a compiled rate, on a base from `feeBase` in the rate's mode:
 * ceil(ceil(base × qty × num / den) / unit) × unit (unit 1 for a share of notional). For integers the
 * two roundings up equal one, ceil(x / (den × unit)), and while x and den × unit are at most 2^52 one
 * float division and `Math.ceil` give it exactly (x / d lies at least 1/d from any integer it is not,
 * more than half a unit in the last place), so the common case is one division, not two or three;
 * larger values take the exact path of `mulDivCeil` and `divCeil` (test: fees.test.ts).
 */
export function feeOnBase(r: FeeRate, base: number, qtyLots: number): number {
  if (r.mode === 0) return 0;
  const x = base * (qtyLots * r.num);
  if (x <= EXACT && x >= 0 && r.denUnit !== 0) return Math.ceil(x / r.denUnit) * r.unit;
  const raw = mulDivCeil(base, qtyLots * r.num, r.den);
  return r.mode === 1 ? raw : divCeil(raw, r.unit) * r.unit;
}
