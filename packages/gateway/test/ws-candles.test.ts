// End to end over real sockets: two users trade and a `candles` subscriber follows the open 1m candle,
// one update per turn, until it equals what REST's candles (the read models) say of the bucket, field
// for field under the same names (notional and trade count included); a subscriber that joins later
// gets a snapshot equal to REST; a trade in the next minute first closes
// the previous candle; a gateway started after the trades (so it never saw them live) starts from the
// read models and shows the minute's true open. The core's clock is moved to a known point in a
// minute, so no step straddles a minute by chance.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Candle,
  type CandleInterval,
  type CandleMessage,
  type CandleSnapshotMessage,
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

/** What REST says of the bucket at `bucketTs`. */
async function restCandle(interval: CandleInterval, bucketTs: number): Promise<Candle> {
  const items = (await alice.rest.candles(ex.market, interval)).items;
  const c = items.find((r) => r.bucketTs === bucketTs);
  assert.ok(c !== undefined, `REST has a ${interval} candle at ${bucketTs}`);
  return c;
}

/** An update as a REST candle: everything but the message's channel, type, market and `closed`. */
function asRest(m: CandleMessage): Candle {
  const { channel: _channel, type: _type, market: _market, closed: _closed, ...candle } = m;
  return candle;
}

/** A snapshot's candle as a REST candle: with the snapshot's instrument and interval, no `closed`. */
function snapshotAsRest(s: CandleSnapshotMessage): Candle {
  assert.ok(s.candle, 'the snapshot has an open candle');
  const { closed: _closed, ...candle } = s.candle;
  return { instrumentId: s.instrumentId, interval: s.interval, ...candle };
}

/** The candle of the test market's `interval` bucket at `bucketTs`, with every REST field. */
function expected(
  interval: CandleInterval,
  bucketTs: number,
  [openTicks, highTicks, lowTicks, closeTicks]: readonly number[],
  volumeLots: number,
  notional: number,
  tradeCount: number,
): Candle {
  const instrumentId = ex.gateway.services.market(ex.market).spec.instrumentId;
  return {
    instrumentId,
    interval,
    bucketTs,
    openTicks: openTicks!,
    highTicks: highTicks!,
    lowTicks: lowTicks!,
    closeTicks: closeTicks!,
    volumeLots,
    notional,
    tradeCount,
  };
}

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
  assert.equal(first.closed, false);
  assert.deepEqual(
    asRest(first),
    expected('1m', minute, [4_000, 4_200, 4_000, 4_200], 400, 4_000 * 200 + 4_200 * 200, 2),
  );
  await trade([4_100]);
  await trade([3_900]);
  await watcher.until(() => watcher.candles('1m').at(-1)?.tradeCount === 4, 'four trades');
  const last = watcher.candles('1m').at(-1)!;
  assert.deepEqual(
    asRest(last),
    expected('1m', minute, [4_000, 4_200, 3_900, 3_900], 600, 2_440_000, 4),
  );
  assert.deepEqual(asRest(last), await restCandle('1m', minute));
  for (const m of watcher.candles('1m')) {
    assert.equal(m.bucketTs, minute);
    for (const v of Object.values(asRest(m))) {
      if (typeof v === 'number') assert.ok(Number.isSafeInteger(v), `${v} is an integer`);
    }
  }

  // Joining after the trades: the snapshot is the minute so far, as REST has it.
  const late = await connect();
  await late.ws.subscribeCandles(ex.market, '1m');
  await late.ws.subscribeCandles(ex.market, '1h');
  await late.until(() => late.snapshots('1h').length === 1, 'the late snapshots');
  const lateMinute = late.snapshots('1m')[0]!;
  assert.equal(lateMinute.candle?.closed, false);
  assert.deepEqual(snapshotAsRest(lateMinute), await restCandle('1m', minute));
  const lateHour = late.snapshots('1h')[0]!;
  assert.ok(lateHour.candle);
  assert.deepEqual(snapshotAsRest(lateHour), await restCandle('1h', lateHour.candle.bucketTs));

  // The next minute's first trade closes this one (once, with its final state) before opening its own.
  const next = toNextMinute();
  const before = watcher.candles('1m').length;
  await trade([4_500]);
  await watcher.until(() => watcher.candles('1m').length >= before + 2, 'close and open');
  const [closed, opened, ...rest] = watcher.candles('1m').slice(before);
  assert.deepEqual(rest, []);
  assert.deepEqual([closed?.bucketTs, closed?.closed], [minute, true]);
  assert.deepEqual(asRest(closed!), await restCandle('1m', minute));
  assert.equal(opened?.closed, false);
  assert.deepEqual(
    asRest(opened!),
    expected('1m', next, [4_500, 4_500, 4_500, 4_500], 100, 450_000, 1),
  );
  assert.deepEqual(asRest(opened!), await restCandle('1m', next));
  await late.until(() => late.candles('1h').length >= 1, 'the hour update');
  const hour = late.candles('1h').at(-1)!;
  assert.deepEqual(asRest(hour), await restCandle('1h', hour.bucketTs));

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
    assert.deepEqual(
      snapshotAsRest(snapshot),
      expected('1m', minute, [5_000, 5_300, 5_000, 5_300], 300, 1_550_000, 3),
    );
    assert.deepEqual(snapshotAsRest(snapshot), await restCandle('1m', minute));
    await trade([4_800]);
    await s.until(() => s.candles('1m').length === 1, 'the update');
    const update = s.candles('1m')[0]!;
    assert.deepEqual(
      asRest(update),
      expected('1m', minute, [5_000, 5_300, 4_800, 4_800], 400, 2_030_000, 4),
    );
    assert.deepEqual(asRest(update), await restCandle('1m', minute));
    await s.ws.close();
  } finally {
    await second.close();
  }
});
