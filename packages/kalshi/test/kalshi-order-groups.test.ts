// Kalshi order groups through the official SDK (`OrderGroupsApi`), unmodified: a market maker puts its
// asks in a group capped at two contracts; a buyer's fills reach the cap and the group's other ask is
// canceled (also on `user_orders`, which names the group); the group refuses orders until reset;
// limit, trigger and delete work; another member's group is not found and bad limits are refused.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsSocket } from './support/docs-client.ts';
import {
  addTrader,
  errorCode,
  kalshiOrder,
  sdkFailure,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let bob: Trader;
let ws: DocsSocket;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  bob = await addTrader(ex, 'bob', 100);
  ws = await DocsSocket.open(ex.baseUrl, alice.creds);
  const id = ws.send('subscribe', { channels: ['user_orders'] });
  await ws.waitFor((m) => m.id === id);
});

after(async () => {
  ws?.close();
  await ex?.close();
});

const ask = (price: string, group: string) =>
  alice.orders.createOrderV2(
    kalshiOrder(ex.market, { side: 'ask', count: '2', price, order_group_id: group }),
  );

test('reaching the cap cancels the group’s other orders; reset lets it trade again', async () => {
  const group = (await alice.orderGroups.createOrderGroup({ contracts_limit: 2 })).data;
  assert.equal(group.subaccount, 0);
  const id = group.order_group_id;
  const first = (await ask('0.60', id)).data.order_id;
  const second = (await ask('0.61', id)).data.order_id;
  const view = (await alice.orderGroups.getOrderGroup(id)).data;
  assert.deepEqual(
    [view.is_auto_cancel_enabled, view.contracts_limit_fp, [...view.orders].sort()],
    [true, '2.00', [first, second].sort()],
  );
  assert.equal((await alice.orders.getOrder(first)).data.order.order_group_id, id);

  // Bob buys two contracts: the first ask fills, the cap is reached, the second ask goes.
  const taken = await bob.orders.createOrderV2(
    kalshiOrder(ex.market, {
      side: 'bid',
      count: '2',
      price: '0.61',
      time_in_force: 'immediate_or_cancel',
    }),
  );
  assert.equal(taken.data.fill_count, '2.00');
  const after = (await alice.orderGroups.getOrderGroup(id)).data;
  assert.deepEqual([after.is_auto_cancel_enabled, after.orders], [false, []]);
  const gone = (await alice.orders.getOrder(second)).data.order;
  assert.deepEqual([gone.status, gone.remaining_count_fp], ['canceled', '0.00']);
  const pushed = await ws.waitFor(
    (m) =>
      m.type === 'user_order' &&
      (m.msg as { order_id: string }).order_id === second &&
      (m.msg as { status: string }).status === 'canceled',
  );
  assert.equal((pushed.msg as { order_group_id: string }).order_group_id, id);

  const refused = await sdkFailure(ask('0.62', id));
  assert.deepEqual([refused.status, errorCode(refused.body)], [409, 'order_group_triggered']);
  await alice.orderGroups.resetOrderGroup(id);
  assert.equal((await alice.orderGroups.getOrderGroup(id)).data.is_auto_cancel_enabled, true);
  const again = (await ask('0.62', id)).data.order_id;
  await alice.orders.cancelOrderV2(again);
});

test('limit, trigger, delete and the list', async () => {
  const id = (await alice.orderGroups.createOrderGroup({ contracts_limit_fp: '5' })).data
    .order_group_id;
  await alice.orderGroups.updateOrderGroupLimit(id, { contracts_limit: 7 });
  const listed = (await alice.orderGroups.getOrderGroups()).data.order_groups ?? [];
  const mine = listed.find((g) => g.id === id);
  assert.deepEqual([mine?.contracts_limit_fp, mine?.is_auto_cancel_enabled], ['7.00', true]);

  const resting = (await ask('0.70', id)).data.order_id;
  await alice.orderGroups.triggerOrderGroup(id);
  assert.equal((await alice.orders.getOrder(resting)).data.order.status, 'canceled');
  await alice.orderGroups.deleteOrderGroup(id);
  const missing = await sdkFailure(alice.orderGroups.getOrderGroup(id));
  assert.equal(missing.status, 404);
  assert.equal((await bob.orderGroups.getOrderGroups()).data.order_groups?.length ?? 0, 0);
});

test('another member’s group and bad limits are refused', async () => {
  const id = (await alice.orderGroups.createOrderGroup({ contracts_limit: 3 })).data.order_group_id;
  const cases: [string, () => Promise<unknown>, number, string][] = [
    ['another member reads it', () => bob.orderGroups.getOrderGroup(id), 404, 'not_found'],
    ['another member triggers it', () => bob.orderGroups.triggerOrderGroup(id), 404, 'not_found'],
    [
      'another member joins it',
      () => bob.orders.createOrderV2(kalshiOrder(ex.market, { order_group_id: id })),
      404,
      'not_found',
    ],
    [
      'a zero limit',
      () => alice.orderGroups.createOrderGroup({ contracts_limit: 0 }),
      400,
      'invalid_parameters',
    ],
    [
      'a fractional limit',
      () => alice.orderGroups.createOrderGroup({ contracts_limit_fp: '1.50' }),
      400,
      'invalid_parameters',
    ],
    ['no limit', () => alice.orderGroups.createOrderGroup({}), 400, 'invalid_parameters'],
    ['a malformed id', () => alice.orderGroups.getOrderGroup('abc'), 404, 'not_found'],
  ];
  for (const [name, call, status, code] of cases) {
    const r = await sdkFailure(call());
    assert.deepEqual({ name, status: r.status, code: errorCode(r.body) }, { name, status, code });
  }
});
