// Candle intervals and their UTC-aligned buckets: the one definition the live candles here and the SQL
// read models (@bourse/projections) share, so a trade lands in the same bucket on the socket and in
// REST. A trade belongs to the bucket that starts at `ts − (ts mod size)` of its command timestamp;
// buckets are never shifted by time zone, so they line up across backends.

import type { CandleInterval } from '@bourse/protocol';

export type { CandleInterval };

export const CANDLE_INTERVALS: readonly CandleInterval[] = ['1m', '1h', '1d'];

export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = {
  '1m': 60_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

/** Start of the bucket of `ts` (ms since the epoch, non-negative) for `interval`. */
export function bucketStart(ts: number, interval: CandleInterval): number {
  const size = INTERVAL_MS[interval];
  return ts - (ts % size);
}

export function isCandleInterval(x: unknown): x is CandleInterval {
  return x === '1m' || x === '1h' || x === '1d';
}
