// Candle bars in display units (cents for binary markets, dollars for spot; contracts or lots of
// volume): built from the read models' candles and kept current by the socket's `candles` channel,
// whose candles are the read models' own (same buckets, same fields), so one conversion serves both.
// Bars are floats because they only feed the chart; prices and amounts elsewhere stay integers.

import type { CandleInterval, CandleRow, MarketInfo } from '../api/types.ts';

export type Interval = CandleInterval;

export interface Bar {
  /** Bucket start, seconds since the epoch (the chart's time unit). */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Trades in the bucket: of two states of one bucket, the one with more trades is the newer. */
  trades: number;
}

export function displayPrice(m: MarketInfo): (ticks: number) => number {
  const perTick =
    m.kind === 'binary'
      ? (m.spec.moneyPerTickLot * (m.spec.lotsPerContract ?? 1)) / 10_000
      : m.spec.moneyPerTickLot / 1_000_000;
  return (t) => t * perTick;
}

/** The price axis in the market's unit: "40¢" for binary markets, "$150.00" for spot. */
export interface AxisFormat {
  readonly format: (price: number) => string;
  /** One tick in display units, the axis's smallest step. */
  readonly minMove: number;
}

export function axisFormat(m: MarketInfo): AxisFormat {
  const minMove = displayPrice(m)(m.spec.tickSize);
  // Decimals of the tick in display units (1¢ → 0, 0.1¢ → 1, $0.01 → 2); floats only draw here.
  let digits = 0;
  while (
    digits < 6 &&
    Math.abs(Math.round(minMove * 10 ** digits) - minMove * 10 ** digits) > 1e-9
  ) {
    digits++;
  }
  const format =
    m.kind === 'binary'
      ? (p: number) => `${p.toFixed(digits)}¢`
      : (p: number) => `$${p.toFixed(Math.max(2, digits))}`;
  return { format, minMove };
}

function displayVolume(m: MarketInfo, lots: number): number {
  return m.kind === 'binary' ? lots / (m.spec.lotsPerContract ?? 1) : lots;
}

/** A candle from REST or from the socket (a `LiveCandle` has every `CandleRow` field) as a bar. */
export function toBar(m: MarketInfo, c: CandleRow): Bar {
  const p = displayPrice(m);
  return {
    time: c.bucketTs / 1000,
    open: p(c.openTicks),
    high: p(c.highTicks),
    low: p(c.lowTicks),
    close: p(c.closeTicks),
    volume: displayVolume(m, c.volumeLots),
    trades: c.tradeCount,
  };
}

/**
 * Puts a live candle into `bars` (oldest first) in place: a newer state of the last buckets replaces
 * it, a later bucket appends. Returns the index of the bar that changed, or undefined when nothing did
 * (an older state, or a bucket older than the last bar that `bars` does not have).
 */
export function upsertBar(bars: Bar[], bar: Bar): number | undefined {
  for (let i = bars.length - 1; i >= 0; i--) {
    const b = bars[i]!;
    if (b.time < bar.time) {
      if (i !== bars.length - 1) return undefined;
      bars.push(bar);
      return i + 1;
    }
    if (b.time === bar.time) {
      if (bar.trades < b.trades) return undefined;
      bars[i] = bar;
      return i;
    }
  }
  if (bars.length > 0) return undefined;
  bars.push(bar);
  return 0;
}

/** History from the read models merged with the live bars: per bucket the newer state wins. */
export function mergeHistory(
  m: MarketInfo,
  candles: readonly CandleRow[],
  live: readonly Bar[],
): Bar[] {
  const bars = candles.map((c) => toBar(m, c));
  for (const b of live) upsertBar(bars, b);
  return bars;
}
