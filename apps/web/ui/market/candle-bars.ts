// Candle bars in display units (cents for binary markets, dollars for spot; contracts or lots of
// volume): built from the read models' candles and extended by live trades. Bars are floats because
// they only feed the chart; prices and amounts elsewhere stay integers.

import type { CandleRow, MarketInfo, TradeRow } from '../api/types.ts';

export type Interval = '1m' | '1h' | '1d';
export const INTERVAL_MS: Record<Interval, number> = {
  '1m': 60_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

export interface Bar {
  /** Bucket start, seconds since the epoch (the chart's time unit). */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function displayPrice(m: MarketInfo): (ticks: number) => number {
  const perTick =
    m.kind === 'binary'
      ? (m.spec.moneyPerTickLot * (m.spec.lotsPerContract ?? 1)) / 10_000
      : m.spec.moneyPerTickLot / 1_000_000;
  return (t) => t * perTick;
}

function displayVolume(m: MarketInfo, lots: number): number {
  return m.kind === 'binary' ? lots / (m.spec.lotsPerContract ?? 1) : lots;
}

export function toBar(m: MarketInfo, c: CandleRow): Bar {
  const p = displayPrice(m);
  return {
    time: c.bucketTs / 1000,
    open: p(c.openTicks),
    high: p(c.highTicks),
    low: p(c.lowTicks),
    close: p(c.closeTicks),
    volume: displayVolume(m, c.volumeLots),
  };
}

/** Folds trades (oldest first) into `bars` in place: the current bucket grows, a new bucket appends. */
export function foldTrades(
  m: MarketInfo,
  bars: Bar[],
  trades: readonly TradeRow[],
  interval: Interval,
): void {
  const step = INTERVAL_MS[interval];
  const toPrice = displayPrice(m);
  for (const tr of trades) {
    const bucket = (Math.floor(tr.ts / step) * step) / 1000;
    const px = toPrice(tr.priceTicks);
    const vol = displayVolume(m, tr.qtyLots);
    const last = bars.at(-1);
    if (last !== undefined && last.time === bucket) {
      last.high = Math.max(last.high, px);
      last.low = Math.min(last.low, px);
      last.close = px;
      last.volume += vol;
    } else if (last === undefined || bucket > last.time) {
      bars.push({ time: bucket, open: px, high: px, low: px, close: px, volume: vol });
    }
  }
}

/** History from the read models, then any live bars newer than its last bucket. */
export function mergeHistory(
  m: MarketInfo,
  candles: readonly CandleRow[],
  live: readonly Bar[],
): Bar[] {
  const loaded = candles.map((c) => toBar(m, c));
  const lastLoaded = loaded.at(-1)?.time ?? 0;
  return [...loaded, ...live.filter((b) => b.time > lastLoaded)];
}
