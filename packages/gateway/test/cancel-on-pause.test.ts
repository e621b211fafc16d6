// End to end over real sockets: orders placed with `cancelOnPause` (REST and WebSocket) show the flag
// in every order view; an admin pause cancels them (status cancelled, reason `paused`, reservation
// released) and leaves the others resting; an exchange halt does the same in every market. The
// OpenAPI document publishes the field.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketClient } from '@bourse/client';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  ex = await startTestExchange();
  alice = await ex.addUser('alice', 'trader', 1_000_000_000);
  bob = await ex.addUser('bob', 'trader', 1_000_000_000);
});
after(() => ex.close());

async function until(done: () => boolean, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) await sleep(10);
}

const setStatus = (status: 'open' | 'paused') =>
  ex.admin.rest.request('POST', `/api/v1/admin/markets/${ex.market}/status`, { status });
const setHalt = (halted: boolean) =>
  ex.admin.rest.request('POST', '/api/v1/admin/halt', { halted });

const usdReserved = async (u: TestUser) =>
  (await u.rest.balances()).items.find((b) => b.assetId === 1)?.reserved;

test('a pause cancels the orders placed with cancelOnPause and keeps the others', async () => {
  const ws = await SocketClient.connect(alice.rest);
  const pushed: Record<string, unknown>[] = [];
  ws.onMessage = (m) => pushed.push(m);
  await ws.subscribe('orders');

  const viaRest = await alice.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 4_000,
    qtyLots: 300,
    cancelOnPause: true,
  });
  const viaWs = await ws.place({
    market: ex.market,
    side: 'buy',
    priceTicks: 3_900,
    qtyLots: 200,
    cancelOnPause: true,
  });
  const plain = await bob.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 4_100,
    qtyLots: 100,
  });
  for (const ack of [viaRest, viaWs, plain]) assert.equal(ack.status, 'resting');

  // Every view of an open order shows the flag: the live order, the open list, the history.
  const live = await alice.rest.order(viaRest.orderId);
  assert.deepEqual([live.status, live.cancelOnPause], ['open', true]);
  assert.equal((await bob.rest.order(plain.orderId)).cancelOnPause, false);
  const open = (await alice.rest.openOrders()).items;
  assert.deepEqual(
    open.map((o) => [o.orderId, o.cancelOnPause]).sort(),
    [
      [viaRest.orderId, true],
      [viaWs.orderId, true],
    ].sort(),
  );
  const history = (await alice.rest.orders({ status: 'open' })).items;
  assert.deepEqual(
    history.map((o) => o.cancelOnPause),
    [true, true],
  );
  await until(() => pushed.some((m) => JSON.stringify(m).includes('"cancelOnPause":true')));
  assert.ok(
    pushed.some((m) => JSON.stringify(m).includes('"cancelOnPause":true')),
    'the orders channel carries the flag',
  );
  // Principal plus the fee reservation.
  assert.ok((await usdReserved(alice))! > 4_000 * 300 + 3_900 * 200);
  const bobReserved = await usdReserved(bob);

  await setStatus('paused');
  for (const id of [viaRest.orderId, viaWs.orderId]) {
    const o = await alice.rest.order(id);
    assert.deepEqual(
      [o.status, o.cancelReason, o.cancelOnPause, o.openQtyLots],
      ['cancelled', 'paused', true, 0],
    );
  }
  assert.equal((await bob.rest.order(plain.orderId)).status, 'open');
  assert.equal(await usdReserved(alice), 0);
  assert.equal(await usdReserved(bob), bobReserved);
  await until(() => pushed.some((m) => JSON.stringify(m).includes('"reason":"paused"')));
  assert.ok(pushed.some((m) => JSON.stringify(m).includes('"reason":"paused"')));
  ws.close();

  await setStatus('open');
  assert.equal((await bob.rest.order(plain.orderId)).status, 'open');
});

test('a halt cancels the flagged orders in every market', async () => {
  const flagged = await alice.rest.placeOrder({
    market: ex.market,
    side: 'sell',
    priceTicks: 7_000,
    qtyLots: 100,
    cancelOnPause: true,
  });
  const plain = await alice.rest.placeOrder({
    market: ex.market,
    side: 'sell',
    priceTicks: 7_100,
    qtyLots: 100,
    cancelOnPause: false,
  });
  await setHalt(true);
  try {
    const f = await alice.rest.order(flagged.orderId);
    assert.deepEqual([f.status, f.cancelReason], ['cancelled', 'paused']);
    const p = await alice.rest.order(plain.orderId);
    assert.deepEqual([p.status, p.cancelOnPause], ['open', false]);
  } finally {
    await setHalt(false);
  }
});

test('the OpenAPI document describes cancelOnPause on the order body', async () => {
  const doc = (await (await fetch(`${ex.baseUrl}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
    >;
  };
  const schema = doc.paths['/api/v1/orders']?.post?.requestBody?.content['application/json']
    ?.schema as { properties: Record<string, { type: string }> };
  assert.equal(schema.properties.cancelOnPause?.type, 'boolean');
  await assert.rejects(
    alice.rest.request('POST', '/api/v1/orders', {
      market: ex.market,
      side: 'buy',
      priceTicks: 4_000,
      qtyLots: 100,
      cancelOnPause: 'yes',
    }),
    (e: { status?: number }) => e.status === 400,
  );
});
