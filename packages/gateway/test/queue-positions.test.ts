// End to end over real sockets: queue positions on the native API. Two users rest orders at one price;
// each sees the lots ahead of their own orders; a fill at the front moves the later orders forward;
// another user's order id and an unknown one are 404 ORDER_NOT_FOUND; a filled, cancelled or parked
// order is 409 ORDER_NOT_RESTING; the list form filters by market; a read-only key may ask; the
// OpenAPI document describes both endpoints.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

before(async () => {
  ex = await startTestExchange();
  alice = await ex.addUser('alice', 'trader', 1_000_000_000);
  bob = await ex.addUser('bob', 'trader', 1_000_000_000);
  carol = await ex.addUser('carol', 'trader', 1_000_000_000);
});
after(() => ex.close());

const buy = (u: TestUser, priceTicks: number, qtyLots: number) =>
  u.rest.placeOrder({ market: ex.market, side: 'buy', priceTicks, qtyLots });
const sell = (u: TestUser, priceTicks: number, qtyLots: number) =>
  u.rest.placeOrder({ market: ex.market, side: 'sell', priceTicks, qtyLots });

const notFound = { status: 404, code: 'ORDER_NOT_FOUND' };
const notResting = { status: 409, code: 'ORDER_NOT_RESTING' };

test('two users at one price: positions, a fill at the front, ownership and finished orders', async () => {
  const a1 = (await buy(alice, 4_000, 300)).orderId;
  const b1 = (await buy(bob, 4_000, 200)).orderId;
  const a2 = (await buy(alice, 4_000, 100)).orderId;
  const a3 = (await sell(alice, 6_000, 100)).orderId;

  assert.deepEqual(await alice.rest.queuePosition(a1), {
    orderId: a1,
    market: ex.market,
    priceTicks: 4_000,
    side: 'buy',
    aheadLots: 0,
  });
  assert.equal((await bob.rest.queuePosition(b1)).aheadLots, 300);
  assert.equal((await alice.rest.queuePosition(a2)).aheadLots, 500);
  assert.deepEqual(
    (await alice.rest.queuePositions()).items.map((q) => [q.orderId, q.side, q.aheadLots]),
    [
      [a1, 'buy', 0],
      [a2, 'buy', 500],
      [a3, 'sell', 0],
    ],
  );
  assert.deepEqual((await bob.rest.queuePositions(ex.market)).items, [
    { orderId: b1, market: ex.market, priceTicks: 4_000, side: 'buy', aheadLots: 300 },
  ]);

  // Another user's order is answered exactly like a missing one; so are malformed ids.
  await assert.rejects(bob.rest.queuePosition(a1), notFound);
  await assert.rejects(alice.rest.queuePosition(9_999_999), notFound);
  await assert.rejects(alice.rest.request('GET', '/api/v1/orders/abc/queue-position'), notFound);

  // Carol sells 300 at 40¢: A1 (the front) fills; B1 and A2 move up by 300.
  const taken = await sell(carol, 4_000, 300);
  assert.equal(taken.filledQtyLots, 300);
  assert.equal((await bob.rest.queuePosition(b1)).aheadLots, 0);
  assert.equal((await alice.rest.queuePosition(a2)).aheadLots, 200);
  await assert.rejects(alice.rest.queuePosition(a1), notResting);
  await assert.rejects(bob.rest.queuePosition(a1), notFound, 'still not found for another user');

  // A partial fill of the front order moves the order behind it by what was taken.
  await sell(carol, 4_000, 100);
  assert.equal((await bob.rest.queuePosition(b1)).aheadLots, 0);
  assert.equal((await alice.rest.queuePosition(a2)).aheadLots, 100);

  // Cancelled: not resting.
  await alice.rest.cancelOrder(a3);
  await assert.rejects(alice.rest.queuePosition(a3), notResting);
  assert.deepEqual(
    (await alice.rest.queuePositions()).items.map((q) => [q.orderId, q.aheadLots]),
    [[a2, 100]],
  );
  await alice.rest.cancelAll();
  await bob.rest.cancelAll();
});

test('a parked stop is not resting and is left out of the list', async () => {
  const stop = await alice.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    type: 'stopLimit',
    stopPriceTicks: 9_000,
    priceTicks: 9_100,
    qtyLots: 100,
  });
  assert.equal(stop.status, 'parked');
  await assert.rejects(alice.rest.queuePosition(stop.orderId), notResting);
  await assert.rejects(bob.rest.queuePosition(stop.orderId), notFound);
  assert.deepEqual((await alice.rest.queuePositions()).items, []);
  await alice.rest.cancelOrder(stop.orderId);
});

test('the list form checks its market; a read-only key may ask', async () => {
  await assert.rejects(alice.rest.queuePositions('NOPE'), {
    status: 404,
    code: 'MARKET_NOT_FOUND',
  });
  await assert.rejects(
    alice.rest.request('GET', '/api/v1/orders/queue-positions', undefined, { depth: 3 }),
    { status: 400, code: 'VALIDATION_FAILED' },
  );
  const viewer = await ex.addUser('vic', 'viewer');
  assert.deepEqual(await viewer.rest.queuePositions(), { items: [] });
  await assert.rejects(viewer.rest.queuePosition(1), notFound);
});

test('the OpenAPI document and the error catalogue describe the endpoints', async () => {
  const doc = (await (await fetch(`${ex.baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    'x-error-codes': { code: string; status: number }[];
  };
  const one = doc.paths['/api/v1/orders/{orderId}/queue-position']?.get;
  const list = doc.paths['/api/v1/orders/queue-positions']?.get;
  assert.ok(one !== undefined && list !== undefined, 'both paths are published');
  assert.equal(one['x-scope'], 'read');
  assert.equal(list['x-scope'], 'read');
  const schema = (op: Record<string, unknown>) =>
    JSON.stringify((op.responses as Record<string, unknown>)['200']);
  assert.ok(schema(one).includes('aheadLots'), schema(one));
  assert.ok(schema(list).includes('aheadLots'), schema(list));
  assert.deepEqual(
    (list.parameters as { name: string }[]).map((p) => p.name),
    ['market'],
  );
  assert.equal(doc['x-error-codes'].find((e) => e.code === 'ORDER_NOT_RESTING')?.status, 409);
});
