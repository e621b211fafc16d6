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

interface AlertItem {
  alertId: string;
  kind: string;
  market: string;
  accountIds: number[];
  status: string;
  statusBy: string | null;
  statusNote: string | null;
}
interface AlertDetail extends AlertItem {
  fills: { takerAccountId: number; makerAccountId: number; priceTicks: number; qtyLots: number }[];
  orders: unknown[];
}

test('linked accounts trading together raise a wash alert an admin reads, acknowledges and escalates', async () => {
  const ann = await ex.addUser('ann', 'trader', 1_000_000_000);
  const bob = await ex.addUser('bob', 'trader', 1_000_000_000);
  const links = await ex.admin.rest.request<{ items: { accountId: number; owner: string }[] }>(
    'PUT',
    '/api/v1/admin/surveillance/owners',
    { accountIds: [ann.accountId, bob.accountId], owner: 'ann-and-bob' },
  );
  assert.deepEqual(
    links.items.map((l) => l.owner),
    ['ann-and-bob', 'ann-and-bob'],
  );
  const o = { market: ex.market, priceTicks: 6_000, qtyLots: 100 };
  await ann.rest.placeOrder({ ...o, side: 'sell' });
  await bob.rest.placeOrder({ ...o, side: 'buy', tif: 'ioc' });

  const list = await ex.admin.rest.request<{ items: AlertItem[] }>(
    'GET',
    '/api/v1/admin/surveillance/alerts',
    undefined,
    { accountId: bob.accountId },
  );
  assert.deepEqual(
    list.items.map((a) => [a.kind, a.market, a.accountIds, a.status]),
    [['wash', ex.market, [ann.accountId, bob.accountId].sort((x, y) => x - y), 'open']],
  );
  const id = encodeURIComponent(list.items[0]!.alertId);
  const detail = await ex.admin.rest.request<AlertDetail>(
    'GET',
    `/api/v1/admin/surveillance/alerts/${id}`,
  );
  assert.deepEqual(
    detail.fills.map((f) => [f.takerAccountId, f.makerAccountId, f.priceTicks, f.qtyLots]),
    [[bob.accountId, ann.accountId, 6_000, 100]],
  );
  const status = (s: string, note?: string) =>
    ex.admin.rest.request<AlertDetail>('POST', `/api/v1/admin/surveillance/alerts/${id}/status`, {
      status: s,
      ...(note === undefined ? {} : { note }),
    });
  const acked = await status('acknowledged', 'family accounts, reviewed');
  assert.deepEqual(
    [acked.status, acked.statusBy, acked.statusNote],
    ['acknowledged', 'admin', 'family accounts, reviewed'],
  );
  assert.equal((await status('escalated')).status, 'escalated');
  const escalated = await ex.admin.rest.request<{ items: AlertItem[] }>(
    'GET',
    '/api/v1/admin/surveillance/alerts',
    undefined,
    { status: 'escalated' },
  );
  assert.deepEqual(
    escalated.items.map((a) => a.alertId),
    [list.items[0]!.alertId],
  );
  // The metrics page counts alerts by kind and status, for the alert rule on unread alerts.
  const metrics = await (await fetch(`${ex.baseUrl}/metrics`)).text();
  assert.match(metrics, /^bourse_surveillance_alerts\{kind="wash",status="escalated"\} 1$/m);

  // Refusals: a trader, an unknown alert, a bad status, an unknown account to link.
  assert.equal(
    (await refusal(sam.rest.request('GET', '/api/v1/admin/surveillance/alerts'))).status,
    403,
  );
  assert.equal(
    (await refusal(ex.admin.rest.request('GET', '/api/v1/admin/surveillance/alerts/nope'))).status,
    404,
  );
  assert.equal((await refusal(status('closed'))).status, 400);
  const unknown = ex.admin.rest.request('PUT', '/api/v1/admin/surveillance/owners', {
    accountIds: [99_999],
  });
  assert.equal((await refusal(unknown)).status, 404);
  const unlinked = await ex.admin.rest.request<{ items: unknown[] }>(
    'DELETE',
    `/api/v1/admin/surveillance/owners/${bob.accountId}`,
  );
  assert.equal(unlinked.items.length, 1);
});

test('thresholds: the defaults, a market override and its removal', async () => {
  type View = {
    defaults: Record<string, number>;
    markets: {
      market: string;
      overrides: Record<string, number>;
      effective: Record<string, number>;
    }[];
  };
  const path = '/api/v1/admin/surveillance/thresholds';
  const before = await ex.admin.rest.request<View>('GET', path);
  assert.equal(before.defaults.spoofSizeFactor, 5);
  const set = await ex.admin.rest.request<View>('PUT', `${path}/${ex.market}`, {
    overrides: { spoofSizeFactor: 8, markWindowMs: 30_000 },
  });
  assert.deepEqual(
    set.markets.map((m) => [m.market, m.overrides]),
    [[ex.market, { spoofSizeFactor: 8, markWindowMs: 30_000 }]],
  );
  assert.equal(set.markets[0]?.effective.preSettleMinShare, before.defaults.preSettleMinShare);
  const bad = ex.admin.rest.request('PUT', `${path}/${ex.market}`, { overrides: { nope: 1 } });
  assert.equal((await refusal(bad)).status, 400);
  const cleared = await ex.admin.rest.request<View>('PUT', `${path}/${ex.market}`, {
    overrides: {},
  });
  assert.deepEqual(cleared.markets, []);
});
