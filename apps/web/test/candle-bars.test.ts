// Candles on the chart: read-model history in display units, and live trades folded into the current
// bucket or opening the next one (late trades for older buckets never rewrite history).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarketInfo } from '../ui/api/types.ts';
import { foldTrades, mergeHistory } from '../ui/market/candle-bars.ts';

const m = {
  market: 'RAIN',
  instrumentId: 1,
  kind: 'binary',
  status: 'open',
  lastPriceTicks: null,
  bestBidTicks: null,
  bestAskTicks: null,
  volume24hLots: 0,
  openInterestLots: 0,
  escrow: 0,
  settlement: null,
  spec: {
    kind: 'binary',
    instrumentId: 1,
    symbol: 'RAIN',
    tickSize: 100,
    minPriceTicks: 100,
    maxPriceTicks: 9_900,
    lotSize: 100,
    moneyPerTickLot: 1,
    payoutTicks: 10_000,
    lotsPerContract: 100,
    fees: { kind: 'none' },
  },
} as const satisfies MarketInfo;

const trade = (ts: number, priceTicks: number, qtyLots: number) => ({
  tradeId: ts,
  ts,
  priceTicks,
  qtyLots,
  takerSide: 'buy' as const,
});

test('history converts to cents and contracts; live trades extend it by the minute', () => {
  const bars = mergeHistory(
    m,
    [
      {
        bucketTs: 60_000,
        openTicks: 4_000,
        highTicks: 4_500,
        lowTicks: 3_900,
        closeTicks: 4_200,
        volumeLots: 700,
      },
    ],
    [],
  );
  assert.deepEqual(bars, [{ time: 60, open: 40, high: 45, low: 39, close: 42, volume: 7 }]);
  foldTrades(m, bars, [trade(61_000, 4_600, 100), trade(119_999, 4_100, 200)], '1m');
  assert.deepEqual(bars[0], { time: 60, open: 40, high: 46, low: 39, close: 41, volume: 10 });
  foldTrades(m, bars, [trade(120_000, 4_300, 100), trade(30_000, 1_000, 100)], '1m');
  assert.equal(bars.length, 2);
  assert.deepEqual(bars[1], { time: 120, open: 43, high: 43, low: 43, close: 43, volume: 1 });
  assert.equal(bars[0]!.low, 39, 'a late trade for an older bucket is not folded into history');
});

test('live bars older than the loaded history are dropped when history arrives', () => {
  const live = [{ time: 60, open: 1, high: 1, low: 1, close: 1, volume: 1 }];
  foldTrades(m, live, [trade(120_500, 5_000, 100)], '1m');
  const merged = mergeHistory(
    m,
    [
      {
        bucketTs: 60_000,
        openTicks: 100,
        highTicks: 100,
        lowTicks: 100,
        closeTicks: 200,
        volumeLots: 100,
      },
    ],
    live,
  );
  assert.deepEqual(
    merged.map((b) => b.time),
    [60, 120],
  );
  assert.equal(merged[0]!.close, 2, 'the read model wins for buckets it has');
});
