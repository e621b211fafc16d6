// Candles on the chart: read-model history in display units, live candles from the socket (REST's
// fields, so one conversion serves both) replacing their bucket's bar or opening the next one, and
// history and live bars merged with the newer state of a bucket (more trades) winning, whichever
// arrived first.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveCandle } from '../ui/api/types.ts';
import { axisFormat, mergeHistory, toBar, upsertBar } from '../ui/market/candle-bars.ts';
import { binaryMarket } from './support/market-info.ts';

const m = binaryMarket();

const candle = (
  bucketTs: number,
  openTicks: number,
  closeTicks: number,
  volumeLots: number,
  tradeCount: number,
) =>
  ({
    bucketTs,
    openTicks,
    highTicks: Math.max(openTicks, closeTicks),
    lowTicks: Math.min(openTicks, closeTicks),
    closeTicks,
    volumeLots,
    notional: closeTicks * volumeLots,
    tradeCount,
    closed: false,
  }) satisfies LiveCandle;

const row = (
  bucketTs: number,
  openTicks: number,
  closeTicks: number,
  volumeLots: number,
  tradeCount: number,
) => ({
  bucketTs,
  openTicks,
  highTicks: Math.max(openTicks, closeTicks),
  lowTicks: Math.min(openTicks, closeTicks),
  closeTicks,
  volumeLots,
  tradeCount,
});

test('history converts to cents and contracts; live candles update their bucket or open the next', () => {
  const bars = mergeHistory(m, [row(60_000, 4_000, 4_200, 700, 3)], []);
  assert.deepEqual(bars, [
    { time: 60, open: 40, high: 42, low: 40, close: 42, volume: 7, trades: 3 },
  ]);
  assert.equal(upsertBar(bars, toBar(m, candle(60_000, 4_000, 4_100, 1_000, 5))), 0);
  assert.deepEqual(bars[0], {
    time: 60,
    open: 40,
    high: 41,
    low: 40,
    close: 41,
    volume: 10,
    trades: 5,
  });
  assert.equal(upsertBar(bars, toBar(m, candle(120_000, 4_300, 4_300, 100, 1))), 1);
  assert.equal(bars.length, 2);
  assert.equal(upsertBar(bars, toBar(m, candle(120_000, 4_300, 4_300, 100, 1))), 1, 'same state');
  assert.equal(upsertBar(bars, toBar(m, candle(60_000, 1_000, 1_000, 100, 4))), undefined);
  assert.equal(bars[0]!.close, 41, 'an older state of a bucket does not rewrite it');
  assert.equal(upsertBar(bars, toBar(m, candle(0, 1_000, 1_000, 100, 1))), undefined);
  assert.equal(bars.length, 2, 'a bucket older than the chart is not inserted');
});

test('history arriving after live candles keeps the newer state of each bucket', () => {
  const live = [toBar(m, candle(60_000, 100, 300, 300, 3))];
  upsertBar(live, toBar(m, candle(120_000, 5_000, 5_000, 100, 1)));
  const merged = mergeHistory(m, [row(0, 100, 100, 100, 1), row(60_000, 100, 200, 200, 2)], live);
  assert.deepEqual(
    merged.map((b) => [b.time, b.close, b.trades]),
    [
      [0, 1, 1],
      [60, 3, 3],
      [120, 50, 1],
    ],
  );
  const newer = mergeHistory(m, [row(60_000, 100, 400, 400, 4)], live);
  assert.deepEqual(
    newer.map((b) => [b.time, b.close, b.trades]),
    [
      [60, 4, 4],
      [120, 50, 1],
    ],
  );
});

test('the price axis reads in the market’s unit: cents for binary markets, dollars for spot', () => {
  const binaryAxis = axisFormat(m);
  assert.equal(binaryAxis.format(40), '40¢');
  assert.equal(binaryAxis.minMove, 1);
  const spotAxis = axisFormat({
    ...m,
    kind: 'spot',
    spec: { ...m.spec, kind: 'spot', tickSize: 1, moneyPerTickLot: 10_000 },
  });
  assert.equal(spotAxis.format(150.5), '$150.50');
});
