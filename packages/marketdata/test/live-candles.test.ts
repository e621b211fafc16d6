// Given trades with command timestamps, when the live candles flush, then each interval's open candle
// carries its bucket's OHLCV, notional and trade count under REST's names, a trade in a later bucket first closes the previous candle (once), buckets
// are UTC-aligned like the read models', and the hub publishes them per market and interval per turn.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '@bourse/engine';
import {
  bucketStart,
  type CandleChange,
  type CandleMessage,
  LiveCandles,
  MarketDataHub,
  type MarketMessage,
} from '../src/index.ts';
import { spec } from './support/rain-market.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** [interval, bucketTs, open, high, low, close, volumeLots, notional, tradeCount, closed] of each change. */
function rows(changes: readonly CandleChange[]) {
  return changes.map(({ interval, candle: c }) => [
    interval,
    c.bucketTs,
    c.openTicks,
    c.highTicks,
    c.lowTicks,
    c.closeTicks,
    c.volumeLots,
    c.notional,
    c.tradeCount,
    c.closed,
  ]);
}

test('a trade at an exact multiple of the interval opens a new bucket; a millisecond earlier is the old one', () => {
  const live = new LiveCandles();
  live.trade(MINUTE - 1, 4_000, 100);
  assert.deepEqual(rows(live.flush()), [
    ['1m', 0, 4_000, 4_000, 4_000, 4_000, 100, 400_000, 1, false],
    ['1h', 0, 4_000, 4_000, 4_000, 4_000, 100, 400_000, 1, false],
    ['1d', 0, 4_000, 4_000, 4_000, 4_000, 100, 400_000, 1, false],
  ]);
  live.trade(MINUTE, 4_100, 200);
  assert.deepEqual(rows(live.flush()), [
    ['1m', 0, 4_000, 4_000, 4_000, 4_000, 100, 400_000, 1, true],
    ['1m', MINUTE, 4_100, 4_100, 4_100, 4_100, 200, 820_000, 1, false],
    ['1h', 0, 4_000, 4_100, 4_000, 4_100, 300, 1_220_000, 2, false],
    ['1d', 0, 4_000, 4_100, 4_000, 4_100, 300, 1_220_000, 2, false],
  ]);
  live.trade(HOUR, 3_900, 100);
  live.trade(DAY, 4_200, 100);
  assert.deepEqual(rows(live.flush()), [
    ['1m', MINUTE, 4_100, 4_100, 4_100, 4_100, 200, 820_000, 1, true],
    ['1m', HOUR, 3_900, 3_900, 3_900, 3_900, 100, 390_000, 1, true],
    ['1m', DAY, 4_200, 4_200, 4_200, 4_200, 100, 420_000, 1, false],
    ['1h', 0, 4_000, 4_100, 4_000, 4_100, 300, 1_220_000, 2, true],
    ['1h', HOUR, 3_900, 3_900, 3_900, 3_900, 100, 390_000, 1, true],
    ['1h', DAY, 4_200, 4_200, 4_200, 4_200, 100, 420_000, 1, false],
    ['1d', 0, 4_000, 4_100, 3_900, 3_900, 400, 1_610_000, 3, true],
    ['1d', DAY, 4_200, 4_200, 4_200, 4_200, 100, 420_000, 1, false],
  ]);
  assert.deepEqual(live.flush(), [], 'nothing changed, nothing sent');
});

test('several trades between flushes give one update per interval with the latest state', () => {
  const live = new LiveCandles();
  const t = 5 * MINUTE + 1_000;
  live.trade(t, 5_000, 100);
  live.trade(t + 1, 5_300, 300);
  live.trade(t + 2, 4_800, 200);
  live.trade(t + 3, 5_100, 100);
  // Notional: 5_000 × 100 + 5_300 × 300 + 4_800 × 200 + 5_100 × 100 ticks·lots.
  assert.deepEqual(rows(live.flush()), [
    ['1m', 5 * MINUTE, 5_000, 5_300, 4_800, 5_100, 700, 3_560_000, 4, false],
    ['1h', 0, 5_000, 5_300, 4_800, 5_100, 700, 3_560_000, 4, false],
    ['1d', 0, 5_000, 5_300, 4_800, 5_100, 700, 3_560_000, 4, false],
  ]);
  assert.deepEqual(live.current('1m'), {
    bucketTs: 5 * MINUTE,
    openTicks: 5_000,
    highTicks: 5_300,
    lowTicks: 4_800,
    closeTicks: 5_100,
    volumeLots: 700,
    notional: 3_560_000,
    tradeCount: 4,
    closed: false,
  });
});

test('a candle opened and closed between two flushes is still sent once, closed', () => {
  const live = new LiveCandles();
  live.trade(10 * MINUTE, 100, 1);
  live.trade(11 * MINUTE + 5, 200, 2);
  live.trade(12 * MINUTE, 300, 3);
  const oneMinute = rows(live.flush()).filter((r) => r[0] === '1m');
  assert.deepEqual(oneMinute, [
    ['1m', 10 * MINUTE, 100, 100, 100, 100, 1, 100, 1, true],
    ['1m', 11 * MINUTE, 200, 200, 200, 200, 2, 400, 1, true],
    ['1m', 12 * MINUTE, 300, 300, 300, 300, 3, 900, 1, false],
  ]);
});

test('hours and days are aligned to UTC, not to the first trade or a time zone', () => {
  const ts = Date.UTC(2026, 10, 23, 13, 47, 12, 345);
  assert.equal(bucketStart(ts, '1m'), Date.UTC(2026, 10, 23, 13, 47));
  assert.equal(bucketStart(ts, '1h'), Date.UTC(2026, 10, 23, 13));
  assert.equal(bucketStart(ts, '1d'), Date.UTC(2026, 10, 23));
  const live = new LiveCandles();
  live.trade(ts, 4_200, 100);
  live.trade(Date.UTC(2026, 10, 23, 23, 59, 59, 999), 4_300, 100);
  live.trade(Date.UTC(2026, 10, 24), 4_400, 100);
  const changes = live.flush();
  assert.deepEqual(
    changes
      .filter((c) => c.interval !== '1m')
      .map((c) => [c.interval, c.candle.bucketTs, c.candle.closed]),
    [
      ['1h', Date.UTC(2026, 10, 23, 13), true],
      ['1h', Date.UTC(2026, 10, 23, 23), true],
      ['1h', Date.UTC(2026, 10, 24), false],
      ['1d', Date.UTC(2026, 10, 23), true],
      ['1d', Date.UTC(2026, 10, 24), false],
    ],
  );
  const day = changes.find((c) => c.interval === '1d' && c.candle.closed)?.candle;
  assert.deepEqual(
    [day?.openTicks, day?.closeTicks, day?.volumeLots, day?.notional, day?.tradeCount],
    [4_200, 4_300, 200, 850_000, 2],
  );
});

test('a seed from history keeps its open and counts before the trades that follow', () => {
  const live = new LiveCandles();
  // A read-model row as it is: its instrument and interval are not wire fields of the candle.
  const history = {
    instrumentId: 7,
    interval: '1m',
    bucketTs: 3 * MINUTE,
    openTicks: 4_000,
    highTicks: 4_600,
    lowTicks: 3_800,
    closeTicks: 4_100,
    volumeLots: 900,
    notional: 3_780_000,
    tradeCount: 5,
  } as const;
  live.seed('1m', history);
  assert.deepEqual(live.flush(), [], 'history is in the snapshot, not an update');
  assert.deepEqual(live.current('1m'), {
    bucketTs: 3 * MINUTE,
    openTicks: 4_000,
    highTicks: 4_600,
    lowTicks: 3_800,
    closeTicks: 4_100,
    volumeLots: 900,
    notional: 3_780_000,
    tradeCount: 5,
    closed: false,
  });
  live.trade(3 * MINUTE + 30_000, 4_700, 100);
  assert.deepEqual(rows(live.flush()).slice(0, 1), [
    ['1m', 3 * MINUTE, 4_000, 4_700, 3_800, 4_700, 1_000, 4_250_000, 6, false],
  ]);
  // A trade already folded before the seed, in its bucket, counts after it.
  const late = new LiveCandles();
  late.trade(3 * MINUTE + 40_000, 4_700, 100);
  late.seed('1m', history);
  assert.deepEqual(rows(late.flush()).slice(0, 1), [
    ['1m', 3 * MINUTE, 4_000, 4_700, 3_800, 4_700, 1_000, 4_250_000, 6, false],
  ]);
  assert.deepEqual(Object.keys(late.current('1m')!), Object.keys(live.current('1m')!));
});

test('prices, volumes and notional stay integers; notional is Σ price × qty like the read models', () => {
  const live = new LiveCandles();
  let notional = 0;
  for (let i = 0; i < 1_000; i++) {
    const priceTicks = 100 + ((i * 37) % 9_800);
    const qtyLots = 1 + (i % 13) * 100;
    live.trade(i * 997, priceTicks, qtyLots);
    notional += priceTicks * qtyLots;
  }
  const changes = live.flush();
  for (const { candle } of changes) {
    for (const v of Object.values(candle)) {
      if (typeof v === 'number') assert.ok(Number.isSafeInteger(v), `${v} is an integer`);
    }
  }
  // 1_000 trades within 997 s: one day, so its candle holds them all.
  const day = changes.find((c) => c.interval === '1d')?.candle;
  assert.deepEqual([day?.tradeCount, day?.notional], [1_000, notional]);
  const minutes = changes.filter((c) => c.interval === '1m');
  assert.equal(
    minutes.reduce((sum, c) => sum + c.candle.notional, 0),
    notional,
  );
});

function fill(seq: number, ts: number, priceTicks: number, qtyLots: number) {
  const event: EngineEvent = {
    type: 'fill',
    tradeId: seq,
    instrumentId: 7,
    takerOrderId: 1,
    makerOrderId: 2,
    takerAccountId: 1,
    makerAccountId: 2,
    takerSide: 'buy',
    priceTicks,
    qtyLots,
    takerFee: 0,
    makerFee: 0,
    takerOpenQtyLots: 0,
    makerOpenQtyLots: 0,
  };
  return { seq, ts, events: [event] };
}

const candles = (out: MarketMessage[]) =>
  out.filter((m): m is CandleMessage => m.channel === 'candles' && m.type === 'candle');

test('the hub sends one candle message per market and interval per flush, after trades and ticker', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined);
  hub.seedCandles(0, []);
  hub.apply(fill(1, 2 * MINUTE + 1, 4_200, 100));
  hub.apply(fill(2, 2 * MINUTE + 2, 4_400, 300));
  const out = hub.flush();
  assert.deepEqual(
    out.map((m) => m.channel),
    ['trades', 'ticker', 'candles', 'candles', 'candles'],
  );
  assert.deepEqual(candles(out)[0], {
    channel: 'candles',
    type: 'candle',
    market: 'RAIN-26-YES',
    instrumentId: 7,
    interval: '1m',
    bucketTs: 2 * MINUTE,
    openTicks: 4_200,
    highTicks: 4_400,
    lowTicks: 4_200,
    closeTicks: 4_400,
    volumeLots: 400,
    notional: 4_200 * 100 + 4_400 * 300,
    tradeCount: 2,
    closed: false,
  });
});

test('seeded candles are not counted twice for commands the history already holds', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', 4_200);
  // The read models' rows for 4_000 × 100 then 4_400 × 300 (seq 10 and 11), as latestCandles() has them.
  const seed = {
    instrumentId: 7,
    bucketTs: 2 * MINUTE,
    openTicks: 4_000,
    highTicks: 4_400,
    lowTicks: 4_000,
    closeTicks: 4_400,
    volumeLots: 400,
    notional: 1_720_000,
    tradeCount: 2,
  };
  hub.seedCandles(11, [
    { ...seed, interval: '1m' },
    { ...seed, interval: '1h', bucketTs: 0 },
    {
      instrumentId: 99,
      interval: '1d',
      bucketTs: 0,
      ...{ openTicks: 1, highTicks: 1, lowTicks: 1, closeTicks: 1 },
      volumeLots: 1,
      notional: 1,
      tradeCount: 1,
    },
  ]);
  const before = hub.candleSnapshot(7, '1m', 2 * MINUTE + 10);
  assert.deepEqual(before?.candle, {
    bucketTs: 2 * MINUTE,
    openTicks: 4_000,
    highTicks: 4_400,
    lowTicks: 4_000,
    closeTicks: 4_400,
    volumeLots: 400,
    notional: 1_720_000,
    tradeCount: 2,
    closed: false,
  });
  assert.equal(before?.complete, true);
  // Seq 11 is in the history already (the read models were ahead of the live stream); 12 is new.
  hub.apply(fill(11, 2 * MINUTE + 5, 4_400, 300));
  hub.apply(fill(12, 2 * MINUTE + 6, 3_900, 100));
  const [m1, h1, d1] = candles(hub.flush());
  assert.deepEqual(
    [m1?.openTicks, m1?.lowTicks, m1?.closeTicks, m1?.volumeLots, m1?.notional, m1?.tradeCount],
    [4_000, 3_900, 3_900, 500, 1_720_000 + 390_000, 3],
  );
  assert.deepEqual([h1?.volumeLots, h1?.notional], [500, 2_110_000]);
  assert.deepEqual(
    [d1?.interval, d1?.openTicks, d1?.volumeLots, d1?.notional],
    ['1d', 3_900, 100, 390_000],
  );
});

test('a snapshot shows the candle as of the last flush, and none once its bucket is over', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined);
  hub.seedCandles(0, []);
  assert.deepEqual(hub.candleSnapshot(7, '1h', HOUR), {
    channel: 'candles',
    type: 'snapshot',
    market: 'RAIN-26-YES',
    instrumentId: 7,
    interval: '1h',
    candle: null,
    complete: true,
  });
  hub.apply(fill(1, HOUR + 10, 4_200, 100));
  assert.equal(hub.candleSnapshot(7, '1h', HOUR + 20)?.candle, null, 'not flushed yet');
  hub.flush();
  hub.apply(fill(2, HOUR + 30, 4_300, 100));
  assert.equal(hub.candleSnapshot(7, '1h', HOUR + 40)?.candle?.closeTicks, 4_200);
  hub.flush();
  assert.equal(hub.candleSnapshot(7, '1h', 2 * HOUR - 1)?.candle?.closeTicks, 4_300);
  assert.equal(hub.candleSnapshot(7, '1h', 2 * HOUR)?.candle, null, 'the hour is over');
  assert.equal(hub.candleSnapshot(8, '1h', 2 * HOUR), undefined);
});

test('without history, candles of buckets that began before the first command are incomplete', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', undefined);
  hub.apply(fill(40, 5 * MINUTE + 30_000, 4_200, 100));
  hub.flush();
  assert.equal(hub.candleSnapshot(7, '1m', 5 * MINUTE + 31_000)?.complete, false);
  hub.apply(fill(41, 6 * MINUTE, 4_300, 100));
  hub.flush();
  assert.equal(hub.candleSnapshot(7, '1m', 6 * MINUTE + 1)?.complete, true);
  assert.equal(hub.candleSnapshot(7, '1h', 6 * MINUTE + 1)?.complete, false);
});
