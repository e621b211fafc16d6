// Surveillance through the admin API: the kill switch freezes an account (its open orders are
// cancelled, new ones refused with ACCOUNT_FROZEN over REST) and unfreezes it; only admins may.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let sam: TestUser;

before(async () => {
  ex = await startTestExchange();
  sam = await ex.addUser('sam', 'trader', 1_000_000_000);
});
after(() => ex.close());

const frozen = (accountId: number, value: boolean, as: TestUser = ex.admin) =>
  as.rest.request<{ accountId: number; frozen: boolean; cancelledOrders: number; seq: number }>(
    'PUT',
    `/api/v1/admin/accounts/${accountId}/frozen`,
    { frozen: value },
  );

test('freezing cancels the open orders and refuses new ones; unfreezing lets the account trade', async () => {
  const order = { market: ex.market, side: 'buy' as const, priceTicks: 4_000, qtyLots: 100 };
  await sam.rest.placeOrder(order);
  await sam.rest.placeOrder({ ...order, priceTicks: 3_900 });
  const r = await frozen(sam.accountId, true);
  assert.deepEqual([r.accountId, r.frozen, r.cancelledOrders], [sam.accountId, true, 2]);
  const open = await sam.rest.request<{ items: unknown[] }>('GET', '/api/v1/orders', undefined, {
    status: 'open',
  });
  assert.equal(open.items.length, 0);
  assert.deepEqual(await refusal(sam.rest.placeOrder(order)), {
    status: 403,
    code: 'ACCOUNT_FROZEN',
  });
  const thawed = await frozen(sam.accountId, false);
  assert.deepEqual([thawed.frozen, thawed.cancelledOrders], [false, 0]);
  assert.ok((await sam.rest.placeOrder(order)).orderId > 0);
});

test('only admins freeze, and only accounts that exist', async () => {
  assert.equal((await refusal(frozen(sam.accountId, true, sam))).status, 403);
  assert.deepEqual(await refusal(frozen(99_999, true)), { status: 404, code: 'UNKNOWN_ACCOUNT' });
});
