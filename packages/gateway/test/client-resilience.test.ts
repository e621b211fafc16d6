// @bourse/client against the sandbox's faults, over real sockets: it honours Retry-After (the fault
// table records a single 429: nothing came back before the window ended), places an order once
// whatever answer was lost (client order id, lookup before resend), and its LiveBook equals the
// exchange's book again after a sequence gap, a forced disconnect and a frozen feed, and counts a
// duplicated fill once.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BourseApiError, LiveBook, type LiveBookEvent, RestClient } from '@bourse/client';
import { Sandbox } from '../src/sandbox/sandbox.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let bob: TestUser;
let carol: TestUser;
let careful: RestClient;
const sandbox = new Sandbox();
const faults = sandbox.faults;
let since = 0;
/** The injections recorded in the sandbox's event record since the test began. */
const recorded = () =>
  sandbox.recorder.list({ kind: 'fault', after: since }).map((e) => ({
    kind: e.action,
    accountId: e.account,
    target: e.target,
    detail: e.detail.what,
    ts: e.wallAt,
  }));
const feeds: LiveBook[] = [];

before(async () => {
  ex = await startTestExchange({ sandbox });
  bob = await ex.addUser('bob', 'trader', 1_000_000_000);
  carol = await ex.addUser('carol', 'trader', 1_000_000_000);
  careful = new RestClient({
    baseUrl: ex.baseUrl,
    credentials: { keyId: bob.keyId, privateKey: bob.privateKeyPem },
    retry: { attempts: 5, backoffMs: 50 },
  });
});
after(() => ex.close());
beforeEach(() => {
  faults.clear();
  since = sandbox.recorder.count;
});
afterEach(async () => {
  for (const f of feeds.splice(0)) await f.close();
  faults.clear();
  await bob.rest.cancelAll();
  await carol.rest.cancelAll();
});

const now = () => ex.gateway.services.clock();
const order = (priceTicks: number, side: 'buy' | 'sell' = 'buy') => ({
  market: ex.market,
  side,
  priceTicks,
  qtyLots: 100,
});

async function eventually(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await done()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting until ${what}`);
}

/** The feed's view of the book equals the exchange's (prices and quantities). */
async function agrees(feed: LiveBook): Promise<boolean> {
  const mine = feed.depth(ex.market);
  if (mine === undefined) return false;
  const theirs = await carol.rest.book(ex.market);
  const levels = (s: {
    bids: readonly (readonly number[])[];
    asks: readonly (readonly number[])[];
  }) => JSON.stringify([s.bids.map((l) => l.slice(0, 2)), s.asks.map((l) => l.slice(0, 2))]);
  return levels(mine) === levels(theirs);
}

async function openFeed(events: LiveBookEvent[], options: { staleAfterMs?: number } = {}) {
  const feed = await LiveBook.open(careful, {
    markets: [ex.market],
    fills: true,
    reconnectMs: 50,
    onEvent: (e) => events.push(e),
    ...options,
  });
  feeds.push(feed);
  await eventually('the first snapshot', () => feed.depth(ex.market) !== undefined);
  return feed;
}

test('Retry-After is honoured: one 429, then the request goes through after the window', async () => {
  faults.add({ kind: 'rateLimit', accountId: bob.accountId, retryAfterSeconds: 1 }, now());
  const t0 = performance.now();
  const balances = await careful.balances();
  assert.ok(balances.items.length > 0);
  assert.ok(performance.now() - t0 >= 950, 'waited out the window');
  assert.equal(recorded().length, 1, 'nothing was sent before Retry-After elapsed');
});

test('without a retry policy the 429 is thrown, and the next request still waits it out', async () => {
  faults.add({ kind: 'rateLimit', accountId: bob.accountId, retryAfterSeconds: 1 }, now());
  const refused = await bob.rest.balances().catch((e: unknown) => e);
  assert.ok(refused instanceof BourseApiError && refused.status === 429);
  assert.equal(refused.retryAfterSeconds, 1);
  await bob.rest.balances();
  assert.equal(recorded().length, 1);
});

test('an order whose answer was lost (5xx after execution) is placed once and recovered', async () => {
  faults.add(
    {
      kind: 'serverError',
      accountId: bob.accountId,
      route: 'POST /api/v1/orders',
      status: 503,
      afterExecution: true,
    },
    now(),
  );
  const ack = await careful.placeOrder(order(2_000) as never);
  assert.equal(ack.recovered, true);
  assert.equal(ack.status, 'resting');
  const open = (await bob.rest.openOrders()).items;
  assert.deepEqual(
    open.map((o) => o.orderId),
    [ack.orderId],
  );
});

test('an order refused by a 5xx before execution is resent and placed once', async () => {
  faults.add(
    { kind: 'serverError', accountId: bob.accountId, route: 'POST /api/v1/orders', count: 2 },
    now(),
  );
  const ack = await careful.placeOrder({ ...order(2_100), clientOrderId: 'mine-1' } as never);
  assert.equal(ack.recovered, undefined);
  const open = (await bob.rest.openOrders()).items;
  assert.deepEqual(
    open.map((o) => o.clientOrderId),
    ['mine-1'],
  );
  assert.equal(recorded().length, 2);
});

test('an order that outlives the client timeout is resent under its id and rests once', async () => {
  const hasty = new RestClient({
    baseUrl: ex.baseUrl,
    credentials: { keyId: bob.keyId, privateKey: bob.privateKeyPem },
    retry: { attempts: 3, backoffMs: 50, timeoutMs: 400 },
  });
  faults.add(
    { kind: 'latency', accountId: bob.accountId, latencyMs: 1_500, route: 'POST /api/v1/orders' },
    now(),
  );
  const ack = await hasty.placeOrder(order(2_200) as never);
  // The first request is still held; once it runs, its client order id is taken: refused.
  await sleep(1_800);
  const open = (await bob.rest.openOrders()).items;
  assert.deepEqual(
    open.map((o) => o.orderId),
    [ack.orderId],
  );
});

test('LiveBook resynchronises after a sequence gap', async () => {
  const events: LiveBookEvent[] = [];
  const feed = await openFeed(events);
  faults.add({ kind: 'sequenceGap', accountId: bob.accountId }, now());
  await carol.rest.placeOrder(order(3_000) as never);
  await carol.rest.placeOrder(order(3_100) as never);
  await eventually('the feed agrees with the exchange', () => agrees(feed));
  assert.ok(events.some((e) => e.type === 'gap'));
});

test('LiveBook reconnects and resubscribes after a forced disconnect', async () => {
  const events: LiveBookEvent[] = [];
  const feed = await openFeed(events);
  faults.add({ kind: 'disconnect', accountId: bob.accountId }, now());
  await carol.rest.placeOrder(order(3_200) as never);
  await eventually('reconnected', () => events.some((e) => e.type === 'reconnected'));
  await carol.rest.placeOrder(order(3_300) as never);
  await eventually('the feed agrees with the exchange', () => agrees(feed));
});

test('LiveBook notices a frozen book and resnapshots it', async () => {
  const events: LiveBookEvent[] = [];
  const feed = await openFeed(events, { staleAfterMs: 300 });
  faults.add({ kind: 'staleBook', accountId: bob.accountId, durationMs: 60_000 }, now());
  await carol.rest.placeOrder(order(3_400) as never);
  await eventually('the feed agrees with the exchange', () => agrees(feed));
  assert.ok(events.some((e) => e.type === 'stale'));
});

test('LiveBook counts a duplicated fill once', async () => {
  const feed = await openFeed([]);
  faults.add({ kind: 'duplicateMessages', accountId: bob.accountId, channel: 'fills' }, now());
  await carol.rest.placeOrder(order(4_000, 'sell') as never);
  await careful.placeOrder(order(4_000) as never);
  await eventually(
    'the fill arrived',
    () => recorded().length === 1 && feed.filledLots(ex.market) > 0,
  );
  await careful.balances();
  assert.equal(feed.filledLots(ex.market), 100);
});
