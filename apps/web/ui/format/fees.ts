// The fee an order would pay if it takes liquidity, by the engine's own fee rule (integer arithmetic,
// rounded up; Kalshi-style schedules round up to a whole rounding unit), so the preview before submit
// matches the fee on the fill.

import { feeFor } from '@bourse/engine/rules';
import type { MarketInfo } from '../api/types.ts';

/** Taker fee in money minor units for `qtyLots` at `priceTicks` (the market's quoting price). */
export function takerFee(m: MarketInfo, priceTicks: number, qtyLots: number): number {
  return feeFor(m.spec, 'taker', priceTicks, qtyLots);
}

export function feeLabel(m: MarketInfo): string {
  const f = m.spec.fees;
  if (f.kind === 'none') return 'No fees';
  if (f.kind === 'bps') return `Taker ${f.takerBps} bps, maker ${f.makerBps} bps`;
  return `Taker ${f.takerRatePpm / 10_000}% × P × (1−P), maker ${f.makerRatePpm / 10_000}%`;
}
