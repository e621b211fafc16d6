// The person's own fills as chart markers, in the convention of the side each bought ("Buy NO 66¢" on
// a YES chart, never the YES book's 34¢): an arrow under the candle for YES buys, over it for NO buys,
// on the candle whose bucket holds the fill.

import type { FillRow, MarketInfo } from '../api/types.ts';
import { qty } from '../format/units.ts';
import type { Bar } from './candle-bars.ts';
import { orderLabel, sidePrice } from './order-convention.ts';

export interface FillMarker {
  /** The bar's time (seconds) the fill belongs to. */
  readonly time: number;
  readonly side: 'buy' | 'sell';
  readonly text: string;
}

/** Markers for `fills` on `bars` (oldest first); fills before the first bar are left out. */
export function fillMarkers(
  m: MarketInfo,
  fills: readonly FillRow[],
  bars: readonly Bar[],
): FillMarker[] {
  const out: FillMarker[] = [];
  for (const f of [...fills].sort((a, b) => a.ts - b.ts)) {
    const at = f.ts / 1000;
    let bar: Bar | undefined;
    for (let lo = 0, hi = bars.length - 1; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      if (bars[mid]!.time <= at) {
        bar = bars[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (bar === undefined) continue;
    const text = `${orderLabel(m, f.side)} ${qty(m, f.qtyLots)} @ ${sidePrice(m, f.side, f.priceTicks)}`;
    out.push({ time: bar.time, side: f.side, text });
  }
  return out;
}
