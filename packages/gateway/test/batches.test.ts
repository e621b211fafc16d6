// Batches answer one result per item in request order: an item the gateway refuses (unknown market,
// another account's or a missing order) gets its error and journals nothing, the rest go in one
// journal batch and get their acks or the engine's rejections.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestExchange, type TestExchange } from './support/test-exchange.ts';

let ex: TestExchange;

before(async () => {
  ex = await startTestExchange();
});
after(() => ex.close());

test('batch place and batch cancel answer each item in order', async () => {
  const ann = await ex.addUser('ann', 'trader', 100_000_000);
  const bob = await ex.addUser('bob', 'trader', 100_000_000);
  const bid = { market: ex.market, side: 'buy', priceTicks: 4000, qtyLots: 100 } as const;
  const placed = await ann.rest.placeOrders([
    bid,
    { ...bid, market: 'NO-SUCH-MARKET' },
    { ...bid, priceTicks: 4100 },
  ]);
  assert.equal(placed.results.length, 3);
  const [first, missing, third] = placed.results;
  assert.ok(first !== undefined && 'order' in first && first.order.status === 'resting');
  assert.ok(missing !== undefined && 'error' in missing);
  assert.equal(missing.error.code, 'MARKET_NOT_FOUND');
  assert.ok(third !== undefined && 'order' in third && third.order.orderId > first.order.orderId);

  const bobs = await bob.rest.placeOrder({ ...bid, priceTicks: 3900 });
  const cancelled = (await ann.rest.cancelOrders([
    third.order.orderId,
    bobs.orderId,
    999_999,
    first.order.orderId,
  ])) as { results: Record<string, unknown>[] };
  assert.deepEqual(
    cancelled.results.map((r) =>
      r.cancelled === true ? 'cancelled' : (r.error as { code: string }).code,
    ),
    ['cancelled', 'ORDER_NOT_FOUND', 'ORDER_NOT_FOUND', 'cancelled'],
  );
  assert.equal(cancelled.results[0]!.orderId, third.order.orderId);
  assert.equal((await bob.rest.order(bobs.orderId)).status, 'open');
});
