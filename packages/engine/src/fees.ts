// Fee arithmetic. Every fee is a non-negative integer in the money asset's minor units and rounds up
// (the remainder favours the exchange); Kalshi's style rounds up to a whole `roundingUnit` (a cent).

import type { FeeSchedule } from './instrument.ts';
import { divCeil, mulDivCeil } from './units.ts';

/**
 * Fee for one fill of `qtyLots` at `priceTicks`.
 * `payoutTicks` and `lotsPerContract` describe the binary grid (pass 0 for spot: Kalshi fees need them).
 */
export function feeFor(
  fees: FeeSchedule,
  isTaker: boolean,
  priceTicks: number,
  qtyLots: number,
  moneyPerTickLot: number,
  payoutTicks: number,
  _lotsPerContract: number,
): number {
  switch (fees.kind) {
    case 'none':
      return 0;
    case 'bps': {
      const bps = isTaker ? fees.takerBps : fees.makerBps;
      if (bps === 0) return 0;
      return mulDivCeil(priceTicks * moneyPerTickLot, qtyLots * bps, 10_000);
    }
    case 'kalshi': {
      const ratePpm = isTaker ? fees.takerRatePpm : fees.makerRatePpm;
      if (ratePpm === 0 || payoutTicks === 0) return 0;
      // rate × contracts × P × (1 − P) in money units, where P = price / payout and one contract
      // pays payoutTicks × lotsPerContract × moneyPerTickLot.
      const pq = priceTicks * (payoutTicks - priceTicks); // ≤ payout² / 4
      // Reduce ppm / 1,000,000 first (7% is 7 / 100) so the product stays a safe integer and
      // `mulDivCeil` takes its exact number path instead of BigInt.
      const g = gcd(ratePpm, 1_000_000);
      const exactDenominator = (1_000_000 / g) * payoutTicks;
      const raw = mulDivCeil(pq * moneyPerTickLot, qtyLots * (ratePpm / g), exactDenominator);
      // `raw` is in money units (payout × lotsPerContract × money per tick-lot per contract,
      // with the lots already counted); round up to whole rounding units.
      const unit = fees.roundingUnit > 0 ? fees.roundingUnit : 1;
      return divCeil(raw, unit) * unit;
    }
  }
}

/** The highest fee rate side, used to reserve fees before we know whether an order makes or takes. */
export function maxFeeFor(
  fees: FeeSchedule,
  priceTicks: number,
  qtyLots: number,
  moneyPerTickLot: number,
  payoutTicks: number,
  lotsPerContract: number,
): number {
  const a = feeFor(fees, true, priceTicks, qtyLots, moneyPerTickLot, payoutTicks, lotsPerContract);
  const b = feeFor(fees, false, priceTicks, qtyLots, moneyPerTickLot, payoutTicks, lotsPerContract);
  return a > b ? a : b;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
