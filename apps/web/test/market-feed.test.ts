// The market feed against a scripted socket: snapshot then deltas build the book, a sequence gap asks
// for one fresh snapshot (not one per refused delta) and the book is not shown as ready meanwhile, and
// a burst of messages reaches listeners as one notification; the chart's candles subscription hears
// only its market and interval, the snapshot's open candle first.

import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import type { LiveSocket, WireMessage } from '../ui/api/live-socket.ts';
import { MarketFeed } from '../ui/state/market-feed.ts';

class ScriptedSocket {
  readonly listeners = new Set<(m: WireMessage) => void>();
  readonly subscribed: string[] = [];
  readonly resubscribed: string[] = [];
  onMessage(l: (m: WireMessage) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  readonly released: string[] = [];
  subscribe(channel: string, market?: string, params?: Record<string, string>) {
    const key = `${channel}:${market}${params === undefined ? '' : `:${params.interval}`}`;
    this.subscribed.push(key);
    return () => {
      this.released.push(key);
    };
  }
  resubscribe(channel: string, market: string) {
    this.resubscribed.push(`${channel}:${market}`);
  }
  push(m: Record<string, unknown>) {
    for (const l of this.listeners) l({ market: 'M', instrumentId: 1, ...m });
  }
}

const frame = () => delay(40);

test('book deltas apply in sequence; a gap resubscribes once and waits for a snapshot', async () => {
  const socket = new ScriptedSocket();
  const feed = new MarketFeed(socket as unknown as LiveSocket, 'M');
  feed.start();
  assert.deepEqual(socket.subscribed, ['book:M', 'trades:M', 'ticker:M']);
  let notified = 0;
  feed.subscribe(() => notified++);

  socket.push({
    channel: 'book',
    type: 'snapshot',
    seq: 10,
    bids: [[4000, 500, 1]],
    asks: [[4200, 300, 1]],
  });
  socket.push({ channel: 'book', type: 'delta', seq: 11, bids: [[4100, 200, 1]], asks: [] });
  socket.push({ channel: 'book', type: 'delta', seq: 12, bids: [], asks: [[4200, 0, 0]] });
  await frame();
  assert.equal(notified, 1, 'three messages, one notification');
  let snap = feed.getSnapshot();
  assert.equal(snap.bookReady, true);
  assert.deepEqual(snap.bids, [
    [4100, 200, 1],
    [4000, 500, 1],
  ]);
  assert.deepEqual(snap.asks, []);

  socket.push({ channel: 'book', type: 'delta', seq: 14, bids: [[3900, 100, 1]], asks: [] });
  socket.push({ channel: 'book', type: 'delta', seq: 15, bids: [[3800, 100, 1]], asks: [] });
  await frame();
  snap = feed.getSnapshot();
  assert.deepEqual(socket.resubscribed, ['book:M']);
  assert.equal(snap.bookReady, false);
  assert.equal(snap.resyncs, 1);

  socket.push({ channel: 'book', type: 'snapshot', seq: 15, bids: [[3900, 100, 1]], asks: [] });
  socket.push({ channel: 'book', type: 'delta', seq: 16, bids: [], asks: [[4300, 100, 1]] });
  await frame();
  snap = feed.getSnapshot();
  assert.equal(snap.bookReady, true);
  assert.deepEqual(snap.bids, [[3900, 100, 1]]);
  assert.deepEqual(snap.asks, [[4300, 100, 1]]);
  feed.stop();
});

test('trades go on the tape newest first, merged with history without duplicates', async () => {
  const socket = new ScriptedSocket();
  const feed = new MarketFeed(socket as unknown as LiveSocket, 'M');
  feed.start();
  const trade = (tradeId: number) => ({
    tradeId,
    ts: tradeId,
    priceTicks: 4000,
    qtyLots: 100,
    takerSide: 'buy' as const,
  });
  socket.push({ channel: 'trades', type: 'trades', trades: [trade(3), trade(4)] });
  feed.seedTrades([trade(1), trade(2), trade(3)]);
  socket.push({
    channel: 'ticker',
    type: 'ticker',
    status: 'open',
    lastPriceTicks: 4000,
    bestBidTicks: null,
    bestAskTicks: null,
    volume24hLots: 400,
  });
  await frame();
  const snap = feed.getSnapshot();
  assert.deepEqual(
    snap.trades.map((t) => t.tradeId),
    [4, 3, 2, 1],
  );
  assert.equal(snap.ticker?.lastPriceTicks, 4000);
  feed.stop();
});

test('the chart hears the candles of its interval: the open one of the snapshot, then updates', () => {
  const socket = new ScriptedSocket();
  const feed = new MarketFeed(socket as unknown as LiveSocket, 'M');
  const heard: unknown[] = [];
  let resyncs = 0;
  const stop = feed.onCandles(
    '1m',
    (c) => heard.push([c.bucketTs, c.closeTicks, c.closed]),
    () => resyncs++,
  );
  assert.deepEqual(socket.subscribed, ['candles:M:1m']);
  const candle = {
    bucketTs: 60_000,
    openTicks: 1,
    highTicks: 1,
    lowTicks: 1,
    closeTicks: 1,
    volumeLots: 1,
    notional: 1,
    tradeCount: 1,
  };
  socket.push({ channel: 'candles', type: 'snapshot', interval: '1m', candle, complete: true });
  assert.equal(resyncs, 0, 'the first snapshot is the subscription itself');
  socket.push({ channel: 'candles', type: 'snapshot', interval: '1h', candle, complete: true });
  assert.equal(resyncs, 0, 'another interval is not this chart');
  // A second snapshot comes after a reconnect: closes sent while the socket was down are lost.
  socket.push({
    channel: 'candles',
    type: 'snapshot',
    interval: '1m',
    candle: null,
    complete: true,
  });
  assert.equal(resyncs, 1);
  socket.push({ channel: 'candles', type: 'candle', interval: '1h', ...candle, closed: false });
  socket.push({ channel: 'candles', type: 'candle', interval: '1m', ...candle, closed: true });
  socket.push({
    channel: 'candles',
    type: 'candle',
    interval: '1m',
    ...candle,
    bucketTs: 120_000,
    closeTicks: 2,
    closed: false,
  });
  for (const l of socket.listeners) {
    l({
      market: 'OTHER',
      channel: 'candles',
      type: 'candle',
      interval: '1m',
      ...candle,
      closed: false,
    });
  }
  assert.deepEqual(heard, [
    [60_000, 1, undefined],
    [60_000, 1, true],
    [120_000, 2, false],
  ]);
  stop();
  assert.deepEqual(socket.released, ['candles:M:1m']);
  socket.push({ channel: 'candles', type: 'candle', interval: '1m', ...candle, closed: false });
  assert.equal(heard.length, 3, 'no longer listening');
});
