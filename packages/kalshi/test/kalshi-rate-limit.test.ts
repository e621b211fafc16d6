// Kalshi requests spend the same per-key token bucket as native requests; past it they get 429 with
// Kalshi's error body and a Retry-After header, and a batch costs one token per order.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestExchange, type TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { kalshiExtension } from '../src/index.ts';
import { DocsRestClient, kalshiHeaders } from './support/docs-client.ts';
import { errorCode } from './support/kalshi-exchange.ts';

let ex: TestExchange;
let client: DocsRestClient;
let creds: { keyId: string; privateKeyPem: string };

before(async () => {
  ex = await startTestExchange({
    extensions: [kalshiExtension()],
    // A bucket that does not refill within the test: 6 tokens per key, then 429.
    rateLimits: {
      perIp: { capacity: 1_000, refillPerSecond: 1_000 },
      perKey: { capacity: 6, refillPerSecond: 0.001 },
      marketMakerMultiplier: 1,
    },
  });
  const user = await ex.addUser('carol', 'trader', 10_000_000);
  creds = { keyId: user.keyId, privateKeyPem: user.privateKeyPem };
  client = new DocsRestClient(ex.baseUrl, creds);
});

after(() => ex?.close());

test('the per-key bucket is shared and a batch costs one token per order', async () => {
  const order = (price: string) => ({
    ticker: ex.market,
    side: 'bid',
    count: '1',
    price,
    time_in_force: 'good_till_canceled',
    self_trade_prevention_type: 'taker_at_cross',
  });
  assert.equal((await client.request('GET', '/portfolio/balance')).status, 200);
  const batch = await client.request('POST', '/portfolio/events/orders/batched', {
    orders: [order('0.10'), order('0.11'), order('0.12'), order('0.13')],
  });
  assert.equal(batch.status, 201);
  assert.equal((await client.request('GET', '/portfolio/orders')).status, 200);
  const limited = await client.request('GET', '/portfolio/balance');
  assert.deepEqual([limited.status, errorCode(limited.body)], [429, 'rate_limited']);
  const path = '/trade-api/v2/portfolio/balance';
  const raw = await fetch(ex.baseUrl + path, { headers: kalshiHeaders(creds, 'GET', path) });
  assert.equal(raw.status, 429);
  assert.ok(Number(raw.headers.get('retry-after')) >= 1);
  const res = await fetch(`${ex.baseUrl}/trade-api/v2/exchange/status`);
  assert.equal(res.status, 200, 'public endpoints only spend the per-IP bucket');
});
