// Given trades with command timestamps, when the live candles flush, then each interval's open candle
// carries its bucket's OHLCV, a trade in a later bucket first closes the previous candle (once), buckets
// are UTC-aligned like the read models', and the hub publishes them per market and interval per turn.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinarySpec, EngineEvent } from '@bourse/engine';
import {
  bucketStart,
  type CandleChange,
  type CandleMessage,
  LiveCandles,
  MarketDataHub,
  type MarketMessage,
} from '../src/index.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** [interval, start, open, high, low, close, volumeLots, trades, closed] of each change. */
function rows(changes: readonly CandleChange[]) {
  return changes.map(({ interval, candle: c }) => [
    interval,
    c.start,
    c.open,
    c.high,
    c.low,
    c.close,
    c.volumeLots,
    c.trades,
    c.closed,
  ]);
}

test('a trade at an exact multiple of the interval opens a new bucket; a millisecond earlier is the old one', () => {
  const live = new LiveCandles();
  live.trade(MINUTE - 1, 4_000, 100);
  assert.deepEqual(rows(live.flush()), [
    ['1m', 0, 4_000, 4_000, 4_000, 4_000, 100, 1, false],
    ['1h', 0, 4_000, 4_000, 4_000, 4_000, 100, 1, false],
    ['1d', 0, 4_000, 4_000, 4_000, 4_000, 100, 1, false],
  ]);
  live.trade(MINUTE, 4_100, 200);
  assert.deepEqual(rows(live.flush()), [
    ['1m', 0, 4_000, 4_000, 4_000, 4_000, 100, 1, true],
    ['1m', MINUTE, 4_100, 4_100, 4_100, 4_100, 200, 1, false],
    ['1h', 0, 4_000, 4_100, 4_000, 4_100, 300, 2, false],
    ['1d', 0, 4_000, 4_100, 4_000, 4_100, 300, 2, false],
  ]);
  live.trade(HOUR, 3_900, 100);
  live.trade(DAY, 4_200, 100);
  assert.deepEqual(rows(live.flush()), [
    ['1m', MINUTE, 4_100, 4_100, 4_100, 4_100, 200, 1, true],
    ['1m', HOUR, 3_900, 3_900, 3_900, 3_900, 100, 1, true],
    ['1m', DAY, 4_200, 4_200, 4_200, 4_200, 100, 1, false],
    ['1h', 0, 4_000, 4_100, 4_000, 4_100, 300, 2, true],
    ['1h', HOUR, 3_900, 3_900, 3_900, 3_900, 100, 1, true],
    ['1h', DAY, 4_200, 4_200, 4_200, 4_200, 100, 1, false],
    ['1d', 0, 4_000, 4_100, 3_900, 3_900, 400, 3, true],
    ['1d', DAY, 4_200, 4_200, 4_200, 4_200, 100, 1, false],
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
  assert.deepEqual(rows(live.flush()), [
    ['1m', 5 * MINUTE, 5_000, 5_300, 4_800, 5_100, 700, 4, false],
    ['1h', 0, 5_000, 5_300, 4_800, 5_100, 700, 4, false],
    ['1d', 0, 5_000, 5_300, 4_800, 5_100, 700, 4, false],
  ]);
  assert.deepEqual(live.current('1m'), {
    start: 5 * MINUTE,
    open: 5_000,
    high: 5_300,
    low: 4_800,
    close: 5_100,
    volumeLots: 700,
    trades: 4,
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
    ['1m', 10 * MINUTE, 100, 100, 100, 100, 1, 1, true],
    ['1m', 11 * MINUTE, 200, 200, 200, 200, 2, 1, true],
    ['1m', 12 * MINUTE, 300, 300, 300, 300, 3, 1, false],
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
      .map((c) => [c.interval, c.candle.start, c.candle.closed]),
    [
      ['1h', Date.UTC(2026, 10, 23, 13), true],
      ['1h', Date.UTC(2026, 10, 23, 23), true],
      ['1h', Date.UTC(2026, 10, 24), false],
      ['1d', Date.UTC(2026, 10, 23), true],
      ['1d', Date.UTC(2026, 10, 24), false],
    ],
  );
  const day = changes.find((c) => c.interval === '1d' && c.candle.closed)?.candle;
  assert.deepEqual([day?.open, day?.close, day?.volumeLots, day?.trades], [4_200, 4_300, 200, 2]);
});

test('a seed from history keeps its open and counts before the trades that follow', () => {
  const live = new LiveCandles();
  const history = { start: 3 * MINUTE, open: 4_000, high: 4_600, low: 3_800, close: 4_100 };
  live.seed('1m', { ...history, volumeLots: 900, trades: 5 });
  assert.deepEqual(live.flush(), [], 'history is in the snapshot, not an update');
  assert.equal(live.current('1m')?.open, 4_000);
  live.trade(3 * MINUTE + 30_000, 4_700, 100);
  assert.deepEqual(rows(live.flush()).slice(0, 1), [
    ['1m', 3 * MINUTE, 4_000, 4_700, 3_800, 4_700, 1_000, 6, false],
  ]);
  // A trade already folded before the seed, in its bucket, counts after it.
  const late = new LiveCandles();
  late.trade(3 * MINUTE + 40_000, 4_700, 100);
  late.seed('1m', { ...history, volumeLots: 900, trades: 5 });
  assert.deepEqual(rows(late.flush()).slice(0, 1), [
    ['1m', 3 * MINUTE, 4_000, 4_700, 3_800, 4_700, 1_000, 6, false],
  ]);
});

test('prices and volumes stay integers', () => {
  const live = new LiveCandles();
  for (let i = 0; i < 1_000; i++) live.trade(i * 997, 100 + ((i * 37) % 9_800), 1 + (i % 13) * 100);
  for (const { candle } of live.flush()) {
    for (const v of Object.values(candle)) {
      if (typeof v === 'number') assert.ok(Number.isSafeInteger(v), `${v} is an integer`);
    }
  }
});

const spec: BinarySpec = {
  kind: 'binary',
  instrumentId: 7,
  symbol: 'RAIN-26-YES',
  seriesTicker: 'RAIN',
  eventTicker: 'RAIN-26',
  title: 'Rain',
  settlementAssetId: 1,
  payoutTicks: 10_000,
  lotsPerContract: 100,
  tickSize: 100,
  minPriceTicks: 100,
  maxPriceTicks: 9900,
  lotSize: 100,
  moneyPerTickLot: 1,
  fees: { kind: 'none' },
  limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
};

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
    start: 2 * MINUTE,
    open: 4_200,
    high: 4_400,
    low: 4_200,
    close: 4_400,
    volumeLots: 400,
    trades: 2,
    closed: false,
  });
});

test('seeded candles are not counted twice for commands the history already holds', () => {
  const hub = new MarketDataHub();
  hub.load(spec, 'open', 4_200);
  const seed = { instrumentId: 7, start: 2 * MINUTE, open: 4_000, high: 4_400, low: 4_000 };
  hub.seedCandles(11, [
    { ...seed, interval: '1m', close: 4_400, volumeLots: 400, trades: 2 },
    { ...seed, interval: '1h', start: 0, close: 4_400, volumeLots: 400, trades: 2 },
    {
      instrumentId: 99,
      interval: '1d',
      start: 0,
      ...{ open: 1, high: 1, low: 1, close: 1 },
      volumeLots: 1,
      trades: 1,
    },
  ]);
  const before = hub.candleSnapshot(7, '1m', 2 * MINUTE + 10);
  assert.equal(before?.candle?.open, 4_000);
  assert.equal(before?.complete, true);
  // Seq 11 is in the history already (the read models were ahead of the live stream); 12 is new.
  hub.apply(fill(11, 2 * MINUTE + 5, 4_400, 300));
  hub.apply(fill(12, 2 * MINUTE + 6, 3_900, 100));
  const [m1, h1, d1] = candles(hub.flush());
  assert.deepEqual(
    [m1?.open, m1?.low, m1?.close, m1?.volumeLots, m1?.trades],
    [4_000, 3_900, 3_900, 500, 3],
  );
  assert.equal(h1?.volumeLots, 500);
  assert.deepEqual([d1?.interval, d1?.open, d1?.volumeLots], ['1d', 3_900, 100]);
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
  assert.equal(hub.candleSnapshot(7, '1h', HOUR + 40)?.candle?.close, 4_200);
  hub.flush();
  assert.equal(hub.candleSnapshot(7, '1h', 2 * HOUR - 1)?.candle?.close, 4_300);
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
