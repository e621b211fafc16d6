// Order groups through the native API, end to end: a market maker groups its quotes under a cap;
// a taker's fills reach it and every remaining quote of the group is cancelled (reason `orderGroup`)
// while an ungrouped quote stays; the group refuses new orders until reset; limit, trigger and
// delete act at once; another account's group is not found; bad bodies change nothing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let maker: TestUser;
let taker: TestUser;

before(async () => {
  ex = await startTestExchange();
  maker = await ex.addUser('mo', 'market-maker', 1_000_000_000);
  taker = await ex.addUser('tess', 'trader', 1_000_000_000);
});
after(() => ex.close());

const createGroup = (who: TestUser, limitLots: number) => who.rest.createOrderGroup(limitLots);
const getGroup = (who: TestUser, id: number) => who.rest.orderGroup(id);

async function refused(call: Promise<unknown>): Promise<[number, string]> {
  const { status, code } = await refusal(call);
  return [status, code];
}

test('reaching the cap cancels the group’s other quotes; a reset lets it quote again', async () => {
  const g = await createGroup(maker, 300);
  assert.deepEqual([g.limitLots, g.triggered, g.matchedLots, g.orderIds], [300, false, 0, []]);
  const quote = (priceTicks: number, grouped: boolean) =>
    maker.rest.placeOrder({
      market: ex.market,
      side: 'sell',
      priceTicks,
      qtyLots: 200,
      ...(grouped ? { orderGroupId: g.orderGroupId } : {}),
    });
  const a = await quote(6_000, true);
  const b = await quote(6_100, true);
  const c = await quote(6_200, false);
  assert.deepEqual((await getGroup(maker, g.orderGroupId)).orderIds, [a.orderId, b.orderId]);
  assert.equal((await maker.rest.order(a.orderId)).orderGroupId, g.orderGroupId);

  const ack = await taker.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 6_100,
    qtyLots: 300,
    tif: 'ioc',
  });
  assert.equal(ack.filledQtyLots, 300);
  const after = await getGroup(maker, g.orderGroupId);
  assert.deepEqual([after.triggered, after.matchedLots, after.orderIds], [true, 300, []]);
  const rest = await maker.rest.order(b.orderId);
  assert.deepEqual([rest.status, rest.cancelReason], ['cancelled', 'orderGroup']);
  assert.equal((await maker.rest.order(c.orderId)).status, 'open', 'the ungrouped quote stays');
  assert.deepEqual(await refused(quote(6_000, true)), [409, 'ORDER_GROUP_TRIGGERED']);

  const reset = await maker.rest.resetOrderGroup(g.orderGroupId);
  assert.deepEqual([reset.triggered, reset.matchedLots], [false, 0]);
  const again = await quote(6_000, true);
  assert.equal(again.status, 'resting');
  await maker.rest.cancelAll();
});

test('limit, trigger and delete act at once; the list shows the account’s groups', async () => {
  const g = await createGroup(maker, 1_000);
  const q = await maker.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 3_000,
    qtyLots: 100,
    orderGroupId: g.orderGroupId,
  });
  const limited = await maker.rest.setOrderGroupLimit(g.orderGroupId, 500);
  assert.deepEqual([limited.limitLots, limited.triggered], [500, false]);
  const triggered = await maker.rest.triggerOrderGroup(g.orderGroupId);
  assert.deepEqual([triggered.triggered, triggered.orderIds], [true, []]);
  assert.equal((await maker.rest.order(q.orderId)).cancelReason, 'orderGroup');

  const d = await createGroup(maker, 100);
  const r = await maker.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 3_100,
    qtyLots: 100,
    orderGroupId: d.orderGroupId,
  });
  const deleted = await maker.rest.deleteOrderGroup(d.orderGroupId);
  assert.deepEqual(deleted.cancelledOrderIds, [r.orderId]);
  assert.deepEqual(await refused(getGroup(maker, d.orderGroupId)), [404, 'UNKNOWN_ORDER_GROUP']);
  const listed = await maker.rest.orderGroups();
  assert.ok(listed.items.some((x) => x.orderGroupId === g.orderGroupId && x.triggered));
  assert.ok(!listed.items.some((x) => x.orderGroupId === d.orderGroupId));
  assert.deepEqual((await taker.rest.orderGroups()).items, []);
});

test('another account’s group is not found, and bad requests change nothing', async () => {
  const g = await createGroup(maker, 500);
  const before = await ex.gateway.services.core.query.stateHash();
  const cases: [() => Promise<unknown>, number, string][] = [
    [() => getGroup(taker, g.orderGroupId), 404, 'UNKNOWN_ORDER_GROUP'],
    [
      () => taker.rest.request('POST', `/api/v1/order-groups/${g.orderGroupId}/trigger`),
      404,
      'UNKNOWN_ORDER_GROUP',
    ],
    [
      () => taker.rest.request('DELETE', `/api/v1/order-groups/${g.orderGroupId}`),
      404,
      'UNKNOWN_ORDER_GROUP',
    ],
    [() => getGroup(maker, 999_999), 404, 'UNKNOWN_ORDER_GROUP'],
    [() => maker.rest.request('GET', '/api/v1/order-groups/abc'), 404, 'UNKNOWN_ORDER_GROUP'],
    [
      () => maker.rest.request('POST', '/api/v1/order-groups', { limitLots: 0 }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      () => maker.rest.request('POST', '/api/v1/order-groups', { limit: 5 }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      () =>
        taker.rest.placeOrder({
          market: ex.market,
          side: 'buy',
          priceTicks: 3_000,
          qtyLots: 100,
          orderGroupId: g.orderGroupId,
        }),
      404,
      'UNKNOWN_ORDER_GROUP',
    ],
  ];
  for (const [call, status, code] of cases) assert.deepEqual(await refused(call()), [status, code]);
  // The refused order was journaled as a rejection; the engine's state is as it was.
  assert.equal((await ex.gateway.services.core.query.stateHash()).hash, before.hash);
});
