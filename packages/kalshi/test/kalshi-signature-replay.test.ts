// A captured Kalshi-signed request cannot be used again on the Kalshi API: not as sent, not with its
// signature re-encoded (junk, whitespace, base64url, padding, unused bits), not with another body, and
// not on the WebSocket handshake. Kalshi's scheme itself (timestamp + METHOD + path) is unchanged.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { reencodings } from '../../gateway/test/support/signature-variants.ts';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { kalshiHeaders } from './support/docs-client.ts';
import {
  addTrader,
  kalshiOrder,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

const ORDERS = '/trade-api/v2/portfolio/events/orders';
const KALSHI_WS = '/trade-api/ws/v2';
const SIG = 'KALSHI-ACCESS-SIGNATURE';

let ex: TestExchange;
let alice: Trader;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
});
after(() => ex?.close());

async function post(headers: Record<string, string>, body: unknown): Promise<number> {
  const res = await fetch(ex.baseUrl + ORDERS, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.body?.cancel();
  return res.status;
}

async function restingAt(price: string): Promise<number> {
  const orders = await alice.user.rest.openOrders();
  const ticks = Math.round(Number(price) * 10_000);
  return orders.items.filter((o) => o.priceTicks === ticks).length;
}

test('REST: a used signature, re-encoded or with another body, is refused', async () => {
  const headers = kalshiHeaders(alice.creds, 'POST', ORDERS);
  assert.equal(await post(headers, kalshiOrder(ex.market, { price: '0.31' })), 201);
  for (const [name, variant] of reencodings(headers[SIG]!)) {
    const status = await post(
      { ...headers, [SIG]: variant },
      kalshiOrder(ex.market, { price: '0.31' }),
    );
    assert.deepEqual([name, status], [name, 401]);
  }
  assert.equal(await post(headers, kalshiOrder(ex.market, { price: '0.32' })), 401);
  assert.equal(await restingAt('0.31'), 1);
  assert.equal(await restingAt('0.32'), 0);
});

test('REST: a fresh signature written non-canonically is refused', async () => {
  let ts = Date.now();
  const names = reencodings(kalshiHeaders(alice.creds, 'GET', ORDERS)[SIG]!).map(([n]) => n);
  for (const name of names) {
    const headers = kalshiHeaders(alice.creds, 'POST', ORDERS, ++ts);
    const variant = reencodings(headers[SIG]!).find(([n]) => n === name)![1];
    if (variant === headers[SIG]) continue;
    const status = await post(
      { ...headers, [SIG]: variant },
      kalshiOrder(ex.market, { price: '0.33' }),
    );
    assert.deepEqual([name, status], [name, 401]);
  }
  assert.equal(await restingAt('0.33'), 0);
});

function handshake(headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(ex.baseUrl.replace(/^http/, 'ws') + KALSHI_WS, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

test('WebSocket: a used handshake signature, re-encoded or not, opens no other socket', async () => {
  const headers = kalshiHeaders(alice.creds, 'GET', KALSHI_WS);
  assert.equal(await handshake(headers), 101);
  assert.equal(await handshake(headers), 401);
  for (const [name, variant] of reencodings(headers[SIG]!)) {
    assert.deepEqual([name, await handshake({ ...headers, [SIG]: variant })], [name, 401]);
  }
});
