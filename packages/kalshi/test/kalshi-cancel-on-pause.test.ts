// `cancel_order_on_pause` end to end: orders created through the official SDK (V2, single and
// batched) and through the legacy endpoints (single and batched, from a client written from the docs)
// report the flag in the Order model; an admin pausing the market cancels the flagged ones (status
// `canceled`, also on `user_orders`) and leaves the others resting; an exchange halt does the same.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsRestClient, DocsSocket } from './support/docs-client.ts';
import {
  addTrader,
  kalshiOrder,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let ws: DocsSocket;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  ws = await DocsSocket.open(ex.baseUrl, alice.creds);
  const id = ws.send('subscribe', { channels: ['user_orders'] });
  await ws.waitFor((m) => m.id === id);
});

after(async () => {
  ws?.close();
  await ex?.close();
});

const marketStatus = (status: 'open' | 'paused') =>
  ex.admin.rest.request('POST', `/api/v1/admin/markets/${ex.market}/status`, { status });

async function order(id: string) {
  return (await alice.orders.getOrder(id)).data.order;
}

test('a pause cancels the orders created with cancel_order_on_pause, and only those', async () => {
  const flagged = (
    await alice.orders.createOrderV2(
      kalshiOrder(ex.market, { price: '0.40', cancel_order_on_pause: true }),
    )
  ).data.order_id;
  const plain = (await alice.orders.createOrderV2(kalshiOrder(ex.market, { price: '0.41' }))).data
    .order_id;
  const batch = (
    await alice.orders.batchCreateOrdersV2({
      orders: [
        kalshiOrder(ex.market, { price: '0.30', cancel_order_on_pause: true }),
        kalshiOrder(ex.market, { price: '0.31', cancel_order_on_pause: false }),
      ],
    })
  ).data.orders;
  const [batchFlagged, batchPlain] = batch.map((o) => o.order_id!);
  const docs = new DocsRestClient(ex.baseUrl, alice.creds);
  const legacy = await docs.request('POST', '/portfolio/orders', {
    ticker: ex.market,
    action: 'buy',
    side: 'no',
    no_price: 50,
    count: 2,
    cancel_order_on_pause: true,
  });
  assert.equal(legacy.status, 201);
  const legacyOrder = (legacy.body as { order: Record<string, unknown> }).order;
  assert.deepEqual([legacyOrder.status, legacyOrder.cancel_order_on_pause], ['resting', true]);
  const legacyBatch = await docs.request('POST', '/portfolio/orders/batched', {
    orders: [
      {
        ticker: ex.market,
        action: 'buy',
        side: 'yes',
        yes_price: 20,
        count: 1,
        cancel_order_on_pause: true,
      },
    ],
  });
  assert.equal(legacyBatch.status, 201);
  const legacyBatchOrder = (legacyBatch.body as { orders: { order: Record<string, unknown> }[] })
    .orders[0]!.order;
  assert.equal(legacyBatchOrder.cancel_order_on_pause, true);

  const flaggedIds = [
    flagged,
    batchFlagged!,
    legacyOrder.order_id as string,
    legacyBatchOrder.order_id as string,
  ];
  const plainIds = [plain, batchPlain!];
  for (const id of flaggedIds) {
    const o = await order(id);
    assert.deepEqual([o.status, o.cancel_order_on_pause], ['resting', true], id);
  }
  for (const id of plainIds) {
    const o = await order(id);
    assert.deepEqual([o.status, o.cancel_order_on_pause], ['resting', false], id);
  }
  const listed = (await alice.orders.getOrders(ex.market)).data.orders;
  assert.deepEqual(
    listed
      .filter((o) => o.cancel_order_on_pause)
      .map((o) => o.order_id)
      .sort(),
    [...flaggedIds].sort(),
  );

  await marketStatus('paused');
  for (const id of flaggedIds) {
    const o = await order(id);
    assert.deepEqual(
      [o.status, o.remaining_count_fp, o.cancel_order_on_pause],
      ['canceled', '0.00', true],
      id,
    );
  }
  for (const id of plainIds) assert.equal((await order(id)).status, 'resting', id);
  const canceled = (
    await alice.orders.getOrders(undefined, undefined, undefined, undefined, 'canceled')
  ).data.orders;
  assert.deepEqual(canceled.map((o) => o.order_id).sort(), [...flaggedIds].sort());
  const pushed = await ws.waitFor(
    (m) =>
      m.type === 'user_order' &&
      (m.msg as { order_id: string; status: string }).order_id === flagged &&
      (m.msg as { status: string }).status === 'canceled',
  );
  assert.equal((pushed.msg as { cancel_order_on_pause: boolean }).cancel_order_on_pause, true);
  // The money held for the flagged orders is back: only the two plain bids still hold any.
  const book = (await alice.market.getMarketOrderbook(ex.market)).data.orderbook_fp;
  assert.deepEqual(book.yes_dollars, [
    ['0.3100', '1.00'],
    ['0.4100', '1.00'],
  ]);
  assert.deepEqual(book.no_dollars, []);

  await marketStatus('open');
  for (const id of plainIds) assert.equal((await order(id)).status, 'resting', id);
});

test('an exchange halt cancels them too', async () => {
  const flagged = (
    await alice.orders.createOrderV2(
      kalshiOrder(ex.market, { price: '0.25', cancel_order_on_pause: true }),
    )
  ).data.order_id;
  await ex.admin.rest.request('POST', '/api/v1/admin/halt', { halted: true });
  try {
    assert.equal((await order(flagged)).status, 'canceled');
    const resting = (
      await alice.orders.getOrders(undefined, undefined, undefined, undefined, 'resting')
    ).data.orders;
    assert.ok(resting.length >= 2);
    assert.ok(resting.every((o) => !o.cancel_order_on_pause));
  } finally {
    await ex.admin.rest.request('POST', '/api/v1/admin/halt', { halted: false });
  }
});
