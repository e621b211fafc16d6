// The fee an order would pay if it takes liquidity, computed as the exchange does (integer arithmetic,
// rounded up; Kalshi-style schedules round up to a whole rounding unit), so the preview before submit
// matches the fee on the fill.

import type { MarketInfo } from '../api/types.ts';

function divCeil(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

function mulDivCeil(a: number, b: number, d: number): number {
  const product = BigInt(a) * BigInt(b);
  const q = product / BigInt(d);
  return Number(product % BigInt(d) === 0n ? q : q + 1n);
}

/** Taker fee in money minor units for `qtyLots` at `priceTicks` (the market's quoting price). */
export function takerFee(m: MarketInfo, priceTicks: number, qtyLots: number): number {
  const f = m.spec.fees;
  const mptl = m.spec.moneyPerTickLot;
  switch (f.kind) {
    case 'none':
      return 0;
    case 'bps':
      return f.takerBps === 0 ? 0 : mulDivCeil(priceTicks * mptl, qtyLots * f.takerBps, 10_000);
    case 'kalshi': {
      const payout = m.spec.payoutTicks ?? 0;
      if (f.takerRatePpm === 0 || payout === 0) return 0;
      const raw = mulDivCeil(
        priceTicks * (payout - priceTicks) * mptl,
        qtyLots * f.takerRatePpm,
        1_000_000 * payout,
      );
      const unit = f.roundingUnit > 0 ? f.roundingUnit : 1;
      return divCeil(raw, unit) * unit;
    }
  }
}

export function feeLabel(m: MarketInfo): string {
  const f = m.spec.fees;
  if (f.kind === 'none') return 'No fees';
  if (f.kind === 'bps') return `Taker ${f.takerBps} bps, maker ${f.makerBps} bps`;
  return `Taker ${f.takerRatePpm / 10_000}% × P × (1−P), maker ${f.makerRatePpm / 10_000}%`;
}
