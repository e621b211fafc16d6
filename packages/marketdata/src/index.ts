// Public surface of the market-data package: L2 books, the hub that batches deltas per turn, live
// candles, the candle intervals shared with the read models, and the wire messages it produces.

export {
  bucketStart,
  CANDLE_INTERVALS,
  type CandleInterval,
  INTERVAL_MS,
  isCandleInterval,
} from './candle-intervals.ts';
export { L2Book, type Level } from './l2-book.ts';
export { type CandleChange, type LiveCandle, LiveCandles } from './live-candles.ts';
export {
  type AppliedEvents,
  MarketDataHub,
  type MarketState,
  type SeedCandle,
} from './market-data-hub.ts';
export type * from './market-messages.ts';
export { RollingVolume } from './rolling-volume.ts';
