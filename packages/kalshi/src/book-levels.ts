// The engine's YES-quoted L2 book in Kalshi's shape: bids only, on both legs. YES bids are the engine's
// bids at their price; NO bids are the engine's asks at 1 − price. Each side is sorted ascending, so the
// best bid is the last element, and each level is `[price_dollars, count_fp]`.

import type { BinarySpec } from '@bourse/engine';
import { formatLots, formatTicks } from './fixed-point.ts';

/** [priceTicks, qtyLots, …] as the engine and the market-data hub hand out levels. */
export type EngineLevel = readonly [number, number, ...number[]];

export interface KalshiBook {
  readonly yes_dollars: [string, string][];
  readonly no_dollars: [string, string][];
}

/** `depth` best levels per side (0 or undefined = all). */
export function kalshiBook(
  spec: BinarySpec,
  bids: readonly EngineLevel[],
  asks: readonly EngineLevel[],
  depth = 0,
): KalshiBook {
  const yes = [...bids].sort((a, b) => b[0] - a[0]);
  const no = [...asks].sort((a, b) => a[0] - b[0]);
  const cut = <T>(xs: T[]) => (depth > 0 ? xs.slice(0, depth) : xs);
  return {
    yes_dollars: cut(yes)
      .reverse()
      .map((l) => [formatTicks(l[0], spec), formatLots(l[1], spec)]),
    no_dollars: cut(no)
      .reverse()
      .map((l) => [formatTicks(spec.payoutTicks - l[0], spec), formatLots(l[1], spec)]),
  };
}
