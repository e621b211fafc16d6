// End to end over real sockets: two users trade and a `candles` subscriber follows the open 1m candle,
// one update per turn, until it equals what REST's candles (the read models) say of the bucket; a
// subscriber that joins later gets a snapshot equal to REST; a trade in the next minute first closes
// the previous candle; a gateway started after the trades (so it never saw them live) starts from the
// read models and shows the minute's true open. The core's clock is moved to a known point in a
// minute, so no step straddles a minute by chance.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CandleInterval,
  type CandleMessage,
  type CandleSnapshotMessage,
  type LiveCandle,
  RestClient,
  SocketClient,
} from '@bourse/client';
import { createGateway } from '../src/index.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

const MINUTE = 60_000;
let offsetMs = 0;
const coreNow = () => Date.now() + offsetMs;

/** Moves the core's clock forward to `intoMs` after the start of its next minute. */
function toNextMinute(intoMs = 2_000): number {
  const now = coreNow();
  const target = now - (now % MINUTE) + MINUTE + intoMs;
  offsetMs += target - now;
  return target - intoMs;
}

let ex: TestExchange;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  ex = await startTestExchange({}, { clock: coreNow });
  alice = await ex.addUser('alice', 'trader', 1_000_000_000);
  bob = await ex.addUser('bob', 'trader', 1_000_000_000);
});
after(() => ex.close());

/** Everything a socket is sent, and waits on it. */
class Inbox {
  readonly ws: SocketClient;
  readonly messages: Record<string, unknown>[] = [];

  constructor(ws: SocketClient) {
    this.ws = ws;
    ws.onMessage = (m) => this.messages.push(m);
  }

  candles(interval: CandleInterval): CandleMessage[] {
    return this.messages.filter(
      (m): m is CandleMessage & Record<string, unknown> =>
        m.channel === 'candles' && m.type === 'candle' && m.interval === interval,
    );
  }

  snapshots(interval: CandleInterval): CandleSnapshotMessage[] {
    return this.messages.filter(
      (m): m is CandleSnapshotMessage & Record<string, unknown> =>
        m.channel === 'candles' && m.type === 'snapshot' && m.interval === interval,
    );
  }

  async until(done: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 500 && !done(); i++) await sleep(10);
    assert.ok(done(), `timed out waiting for ${what}`);
  }
}

async function connect(baseUrl = ex.baseUrl): Promise<Inbox> {
  return new Inbox(await SocketClient.connect(new RestClient({ baseUrl })));
}

/** Bob offers, Alice lifts: one trade per price, all in Alice's one command. */
async function trade(prices: readonly number[], qtyLots = 100): Promise<void> {
  for (const priceTicks of prices) {
    await bob.rest.placeOrder({ market: ex.market, side: 'sell', priceTicks, qtyLots });
  }
  const ack = await alice.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: Math.max(...prices),
    qtyLots: qtyLots * prices.length,
  });
  assert.equal(ack.fills.length, prices.length);
}

/** What REST says of the bucket at `start`: [open, high, low, close, volumeLots, trades]. */
async function restCandle(interval: CandleInterval, start: number): Promise<number[]> {
  const items = (await alice.rest.candles(ex.market, interval)).items;
  const c = items.find((r) => r.bucketTs === start);
  assert.ok(c !== undefined, `REST has a ${interval} candle at ${start}`);
  return [c.openTicks, c.highTicks, c.lowTicks, c.closeTicks, c.volumeLots, c.tradeCount].map(
    Number,
  );
}

const ohlcv = (c: LiveCandle) => [c.open, c.high, c.low, c.close, c.volumeLots, c.trades];

test('a 1m subscriber follows two users trading and ends with what REST says of the minute', async () => {
  const minute = toNextMinute();
  const watcher = await connect();
  const subscribed = await watcher.ws.subscribeCandles(ex.market, '1m');
  assert.deepEqual(
    [subscribed.type, subscribed.channel, subscribed.market, subscribed.interval],
    ['subscribed', 'candles', ex.market, '1m'],
  );
  await watcher.until(() => watcher.snapshots('1m').length === 1, 'the snapshot');
  const [snapshot] = watcher.snapshots('1m');
  assert.equal(snapshot?.candle, null, 'nothing traded in this minute yet');
  assert.equal(snapshot?.complete, true);

  await trade([4_000, 4_200], 200); // two fills in one command: one update
  await watcher.until(() => watcher.candles('1m').length >= 1, 'the first update');
  const first = watcher.candles('1m')[0]!;
  assert.deepEqual(
    [first.start, first.closed, ...ohlcv(first)],
    [minute, false, 4_000, 4_200, 4_000, 4_200, 400, 2],
  );
  await trade([4_100]);
  await trade([3_900]);
  await watcher.until(() => watcher.candles('1m').at(-1)?.trades === 4, 'four trades');
  const last = watcher.candles('1m').at(-1)!;
  assert.deepEqual(ohlcv(last), [4_000, 4_200, 3_900, 3_900, 600, 4]);
  assert.deepEqual(ohlcv(last), await restCandle('1m', minute));
  for (const m of watcher.candles('1m')) {
    assert.equal(m.start, minute);
    for (const v of ohlcv(m)) assert.ok(Number.isSafeInteger(v));
  }

  // Joining after the trades: the snapshot is the minute so far, as REST has it.
  const late = await connect();
  await late.ws.subscribeCandles(ex.market, '1m');
  await late.ws.subscribeCandles(ex.market, '1h');
  await late.until(() => late.snapshots('1h').length === 1, 'the late snapshots');
  const lateMinute = late.snapshots('1m')[0]?.candle;
  assert.ok(lateMinute);
  assert.deepEqual(
    [lateMinute.start, ...ohlcv(lateMinute)],
    [minute, ...(await restCandle('1m', minute))],
  );
  const lateHour = late.snapshots('1h')[0]?.candle;
  assert.ok(lateHour);
  assert.deepEqual(ohlcv(lateHour), await restCandle('1h', lateHour.start));

  // The next minute's first trade closes this one (once, with its final state) before opening its own.
  const next = toNextMinute();
  const before = watcher.candles('1m').length;
  await trade([4_500]);
  await watcher.until(() => watcher.candles('1m').length >= before + 2, 'close and open');
  const [closed, opened, ...rest] = watcher.candles('1m').slice(before);
  assert.deepEqual(rest, []);
  assert.deepEqual([closed?.start, closed?.closed], [minute, true]);
  assert.deepEqual(ohlcv(closed!), await restCandle('1m', minute));
  assert.deepEqual(
    [opened?.start, opened?.closed, ...ohlcv(opened!)],
    [next, false, 4_500, 4_500, 4_500, 4_500, 100, 1],
  );
  assert.deepEqual(ohlcv(opened!), await restCandle('1m', next));
  await late.until(() => late.candles('1h').length >= 1, 'the hour update');
  const hour = late.candles('1h').at(-1)!;
  assert.deepEqual(ohlcv(hour), await restCandle('1h', hour.start));

  // Unsubscribed, the watcher hears no more, while the late socket still does.
  const gone = await watcher.ws.unsubscribeCandles(ex.market, '1m');
  assert.deepEqual([gone.type, gone.interval], ['unsubscribed', '1m']);
  const heard = watcher.candles('1m').length;
  const lateHeard = late.candles('1m').length;
  await trade([4_600]);
  await late.until(() => late.candles('1m').length > lateHeard, 'the late socket update');
  assert.equal(watcher.candles('1m').length, heard);
  await watcher.ws.close();
  await late.ws.close();
});

test('a bad candles subscription is refused like other bad subscriptions', async () => {
  const s = await connect();
  for (const interval of [undefined, '5m', 60]) {
    await assert.rejects(
      s.ws.request({ op: 'subscribe', channel: 'candles', market: ex.market, interval }),
      {
        code: 'VALIDATION_FAILED',
      },
    );
  }
  await assert.rejects(s.ws.subscribeCandles('NOPE', '1m'), { code: 'MARKET_NOT_FOUND' });
  await assert.rejects(s.ws.request({ op: 'subscribe', channel: 'candles', interval: '1m' }), {
    code: 'VALIDATION_FAILED',
  });
  await s.ws.close();
});

test('a gateway started after trades shows the open candle from history, true open included', async () => {
  const minute = toNextMinute();
  await trade([5_000]);
  await trade([5_200, 5_300]);
  // A second gateway over the same core: it never saw these trades live.
  const second = createGateway({
    core: ex.gateway.services.core,
    authStore: ex.gateway.services.auth,
  });
  await second.ready;
  await new Promise<void>((resolve) => second.server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
    const s = await connect(url);
    await s.ws.subscribeCandles(ex.market, '1m');
    await s.until(() => s.snapshots('1m').length === 1, 'the snapshot');
    const snapshot = s.snapshots('1m')[0]!;
    assert.equal(snapshot.complete, true);
    assert.ok(snapshot.candle);
    assert.deepEqual(
      [snapshot.candle.start, ...ohlcv(snapshot.candle)],
      [minute, 5_000, 5_300, 5_000, 5_300, 300, 3],
    );
    assert.deepEqual(ohlcv(snapshot.candle), await restCandle('1m', minute));
    await trade([4_800]);
    await s.until(() => s.candles('1m').length === 1, 'the update');
    const update = s.candles('1m')[0]!;
    assert.deepEqual(ohlcv(update), [5_000, 5_300, 4_800, 4_800, 400, 4]);
    assert.deepEqual(ohlcv(update), await restCandle('1m', minute));
    await s.ws.close();
  } finally {
    await second.close();
  }
});
