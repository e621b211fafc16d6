// Kalshi requests spend Kalshi's own buckets, per API key, reads apart from writes, sized by the
// member's usage tier: Basic by default (20 reads and 10 writes a second at 10 tokens a request),
// another tier when an admin assigns one. `GET /account/limits` answers them through the official SDK
// and a client written from the docs; past a bucket comes 429 with Kalshi's body and Retry-After; a
// batch costs 10 tokens an order and a batch cancel 2 a cancel. The server's clock stands still here,
// so no bucket refills behind the test's back.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { refusal } from '../../gateway/test/support/refusal.ts';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsRestClient, kalshiHeaders } from './support/docs-client.ts';
import {
  addTrader,
  errorCode,
  kalshiOrder,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

let ex: TestExchange;
let now = Date.now();
let carol: Trader;
let dave: Trader;

before(async () => {
  ex = await startKalshiExchange({ clock: () => now, rates: {} });
  carol = await addTrader(ex, 'carol', 1_000);
  dave = await addTrader(ex, 'dave', 1_000);
});

after(() => ex?.close());

const order = (price: string) =>
  kalshiOrder(ex.market, { price }) as unknown as Record<string, unknown>;

test('Basic by default: /account/limits, then 10 writes and 20 reads a second per key', async () => {
  const limits = (await carol.account.getAccountApiLimits()).data;
  assert.deepEqual(limits, {
    usage_tier: 'basic',
    read: { refill_rate: 200, bucket_capacity: 200 },
    write: { refill_rate: 100, bucket_capacity: 100 },
    grants: [],
  });
  const docs = new DocsRestClient(ex.baseUrl, carol.creds);
  for (let i = 0; i < 10; i++) {
    const placed = await docs.request('POST', '/portfolio/events/orders', order('0.10'));
    assert.equal(placed.status, 201, `write ${i + 1}`);
  }
  const eleventh = await docs.request('POST', '/portfolio/events/orders', order('0.10'));
  assert.deepEqual([eleventh.status, errorCode(eleventh.body)], [429, 'rate_limited']);
  // Reads have a bucket of their own: the limits call above was the first of 20.
  for (let i = 1; i < 20; i++) {
    assert.equal((await docs.request('GET', '/portfolio/balance')).status, 200, `read ${i + 1}`);
  }
  const path = '/trade-api/v2/portfolio/balance';
  const raw = await fetch(ex.baseUrl + path, { headers: kalshiHeaders(carol.creds, 'GET', path) });
  assert.equal(raw.status, 429);
  assert.equal(raw.headers.get('retry-after'), '1');
  assert.equal(errorCode(await raw.json()), 'rate_limited');
  // Another member's key is untouched, and public endpoints spend only the per-address bucket.
  assert.equal((await dave.portfolio.getBalance()).status, 200);
  assert.equal((await fetch(`${ex.baseUrl}/trade-api/v2/exchange/status`)).status, 200);
  // A second later both buckets hold a second of budget again.
  now += 1_000;
  assert.equal((await docs.request('GET', '/portfolio/balance')).status, 200);
  assert.equal((await docs.request('POST', '/portfolio/events/orders', order('0.10'))).status, 201);
});

test('batches cost per item, and one larger than the bucket is refused as such', async () => {
  now += 10_000;
  const docs = new DocsRestClient(ex.baseUrl, dave.creds);
  const eleven = Array.from({ length: 11 }, () => order('0.11'));
  const tooBig = await docs.request('POST', '/portfolio/events/orders/batched', { orders: eleven });
  assert.deepEqual([tooBig.status, errorCode(tooBig.body)], [400, 'invalid_parameters']);
  const five = await docs.request('POST', '/portfolio/events/orders/batched', {
    orders: eleven.slice(0, 5),
  });
  assert.equal(five.status, 201);
  const ids = (five.body as { orders: { order_id: string }[] }).orders.map((o) => ({
    order_id: o.order_id,
  }));
  // 50 tokens left: five cancels in one batch cost 10, so four single writes still fit after it.
  const cancelled = await docs.request('DELETE', '/portfolio/events/orders/batched', {
    orders: ids,
  });
  assert.equal(cancelled.status, 200);
  for (let i = 0; i < 4; i++) {
    assert.equal(
      (await docs.request('POST', '/portfolio/events/orders', order('0.12'))).status,
      201,
    );
  }
  const over = await docs.request('POST', '/portfolio/events/orders', order('0.12'));
  assert.equal(over.status, 429);
});

test('an admin assigns a tier per user; /account/limits and the buckets follow', async () => {
  now += 10_000;
  const patch = await ex.admin.rest.request('PATCH', `/api/v1/admin/users/${carol.user.userId}`, {
    apiTier: 'premier',
  });
  assert.equal((patch as { apiTier: string }).apiTier, 'premier');
  const limits = (await carol.account.getAccountApiLimits()).data;
  assert.deepEqual(
    [limits.usage_tier, limits.read, limits.write],
    [
      'premier',
      { refill_rate: 1_000, bucket_capacity: 1_000 },
      { refill_rate: 1_000, bucket_capacity: 2_000 },
    ],
  );
  const docs = new DocsRestClient(ex.baseUrl, carol.creds);
  for (let i = 0; i < 30; i++) {
    assert.equal(
      (await docs.request('POST', '/portfolio/events/orders', order('0.13'))).status,
      201,
    );
  }
  await ex.admin.rest.request('PATCH', `/api/v1/admin/users/${carol.user.userId}`, {
    apiTier: null,
  });
  assert.equal((await carol.account.getAccountApiLimits()).data.usage_tier, 'basic');
  const refused = await refusal(
    ex.admin.rest.request('PATCH', `/api/v1/admin/users/${carol.user.userId}`, {
      apiTier: 'platinum',
    }),
  );
  assert.equal(refused.status, 400);
});

test('the default tier and the budgets are configurable', async () => {
  const started = Date.now();
  const other = await startKalshiExchange({
    clock: () => started,
    rates: {
      defaultTier: 'advanced',
      tiers: {
        advanced: {
          read: { capacity: 50, refillPerSecond: 5 },
          write: { capacity: 20, refillPerSecond: 2 },
        },
      },
    },
  });
  try {
    const erin = await addTrader(other, 'erin', 10);
    const limits = (await erin.account.getAccountApiLimits()).data;
    assert.deepEqual(
      [limits.usage_tier, limits.read, limits.write],
      [
        'advanced',
        { refill_rate: 5, bucket_capacity: 50 },
        { refill_rate: 2, bucket_capacity: 20 },
      ],
    );
  } finally {
    await other.close();
  }
});
