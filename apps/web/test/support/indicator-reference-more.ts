// More textbook formulas for the catalogue's unit tests (see indicator-reference.ts for the
// conventions): Williams' accumulation/distribution, the market facilitation index, the psychological
// line, DeMarker and Elder's ray, each as lines over all bars, NaN where the formula has no value yet.

import type { Bar } from '../../ui/market/candle-bars.ts';
import { closes, ema, type Lines } from './indicator-reference.ts';

export const MORE_REFERENCES: Record<
  string,
  (bars: readonly Bar[], p: Record<string, number>) => Lines
> = {
  // Williams: a rising close adds its distance above the true low, a falling one its distance below
  // the true high (both including the previous close).
  wad: (bars) => {
    let acc = 0;
    return [
      bars.map((b, i) => {
        const p = bars[i - 1];
        if (p === undefined) return Number.NaN;
        if (b.close > p.close) acc += b.close - Math.min(b.low, p.close);
        else if (b.close < p.close) acc += b.close - Math.max(b.high, p.close);
        return acc;
      }),
    ];
  },
  // Bill Williams: range per unit of volume.
  marketfi: (bars) => [bars.map((b) => (b.volume === 0 ? 0 : (b.high - b.low) / b.volume))],
  // Share of rising closes among the last n changes, in percent.
  psl: (bars, p) => {
    const xs = closes(bars);
    return [
      xs.map((_, i) => {
        if (i < p.n!) return Number.NaN;
        let up = 0;
        for (let j = i - p.n! + 1; j <= i; j++) if (xs[j]! > xs[j - 1]!) up++;
        return (100 * up) / p.n!;
      }),
    ];
  },
  // DeMark: summed upward high moves over summed upward plus downward low moves, over n changes.
  demarker: (bars, p) => [
    bars.map((_, i) => {
      if (i < p.n!) return Number.NaN;
      let max = 0;
      let min = 0;
      for (let j = i - p.n! + 1; j <= i; j++) {
        max += Math.max(bars[j]!.high - bars[j - 1]!.high, 0);
        min += Math.max(bars[j - 1]!.low - bars[j]!.low, 0);
      }
      return max + min === 0 ? 0.5 : max / (max + min);
    }),
  ],
  // Elder: the high's and the low's distance from the n-period EMA of closes.
  elderray: (bars, p) => {
    const e = ema(closes(bars), p.n!);
    return [bars.map((b, i) => b.high - e[i]!), bars.map((b, i) => b.low - e[i]!)];
  },
};
