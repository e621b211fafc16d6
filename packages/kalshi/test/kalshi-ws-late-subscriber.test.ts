// A trader who subscribes to `user_orders` only after its order was partly filled: private messages
// are built only once someone listens, yet the next `user_order` carries the order's whole history
// (fills, costs) from before the subscription.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsSocket } from './support/docs-client.ts';
import {
  addTrader,
  kalshiOrder,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let bob: Trader;
let aliceWs: DocsSocket | undefined;

const order = (over: Record<string, unknown>) => kalshiOrder(ex.market, over);

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  bob = await addTrader(ex, 'bob', 100);
});

after(async () => {
  aliceWs?.close();
  await ex?.close();
});

test('a late user_orders subscriber sees fills from before it subscribed', async () => {
  const bid = (await alice.orders.createOrderV2(order({ count: '10' }))).data.order_id;
  const cross = (count: string) =>
    bob.orders.createOrderV2(order({ side: 'ask', count, time_in_force: 'immediate_or_cancel' }));
  assert.equal((await cross('4')).data.fill_count, '4.00');

  const ws = await DocsSocket.open(ex.baseUrl, alice.creds);
  aliceWs = ws;
  const sub = ws.send('subscribe', { channels: ['user_orders'] });
  await ws.waitFor((m) => m.id === sub && m.type === 'subscribed');
  assert.equal((await cross('2')).data.fill_count, '2.00');

  const update = await ws.waitFor(
    (m) => m.type === 'user_order' && (m.msg as { order_id: string }).order_id === bid,
  );
  const msg = update.msg as Record<string, unknown>;
  assert.deepEqual(
    [msg.status, msg.fill_count_fp, msg.remaining_count_fp, msg.maker_fill_cost_dollars],
    ['resting', '6.00', '4.00', '2.4000'],
  );
  // Only the update made after subscribing: nothing was built for the earlier fill.
  assert.equal(ws.messages.filter((m) => m.type === 'user_order').length, 1);
});
