// Bad requests through the official SDK, through raw HTTP from the docs-written client and over the
// WebSocket: each gets Kalshi's error shape (`{"error":{"code","message"}}` or a numbered WebSocket
// error) with the right status, and the engine's state hash is the same afterwards.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsRestClient, DocsSocket, kalshiHeaders } from './support/docs-client.ts';
import {
  addTrader,
  errorCode,
  sdkFailure,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let bob: Trader;
let aliceOrder = '';

const order = (over: Record<string, unknown>) => ({
  ticker: ex.market,
  side: 'bid' as const,
  count: '1',
  price: '0.20',
  time_in_force: 'good_till_canceled' as const,
  self_trade_prevention_type: 'taker_at_cross' as const,
  ...over,
});

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 10);
  bob = await addTrader(ex, 'bob', 10);
  aliceOrder = (await alice.orders.createOrderV2(order({ client_order_id: 'alice-live' }))).data
    .order_id;
});

after(() => ex?.close());

const stateHash = async () => (await ex.gateway.services.core.query.stateHash()).hash;

test('bad orders through the SDK get Kalshi errors and change nothing', async () => {
  const before = await stateHash();
  const cases: [string, () => Promise<unknown>, number, string][] = [
    ['price 0', () => alice.orders.createOrderV2(order({ price: '0' })), 400, 'invalid_price'],
    ['price 1', () => alice.orders.createOrderV2(order({ price: '1.00' })), 400, 'invalid_price'],
    ['price > 1', () => alice.orders.createOrderV2(order({ price: '1.5' })), 400, 'invalid_price'],
    ['off grid', () => alice.orders.createOrderV2(order({ price: '0.405' })), 400, 'invalid_price'],
    [
      'not a price',
      () => alice.orders.createOrderV2(order({ price: '0,4' })),
      400,
      'invalid_price',
    ],
    ['count 0', () => alice.orders.createOrderV2(order({ count: '0' })), 400, 'invalid_count'],
    ['count < 0', () => alice.orders.createOrderV2(order({ count: '-1' })), 400, 'invalid_count'],
    ['fraction', () => alice.orders.createOrderV2(order({ count: '0.5' })), 400, 'invalid_count'],
    [
      'unknown ticker',
      () => alice.orders.createOrderV2(order({ ticker: 'NOPE-26' })),
      404,
      'market_not_found',
    ],
    [
      'insufficient balance',
      () => alice.orders.createOrderV2(order({ price: '0.99', count: '1000' })),
      400,
      'insufficient_balance',
    ],
    [
      'duplicate client_order_id',
      () => alice.orders.createOrderV2(order({ client_order_id: 'alice-live' })),
      409,
      'order_already_exists',
    ],
    [
      'bad side',
      () => alice.orders.createOrderV2(order({ side: 'buy' as 'bid' })),
      400,
      'invalid_parameters',
    ],
    ['cancel another', () => bob.orders.cancelOrderV2(aliceOrder), 404, 'order_not_found'],
    ['read another', () => bob.orders.getOrder(aliceOrder), 404, 'order_not_found'],
    [
      'amend another',
      () =>
        bob.orders.amendOrderV2(aliceOrder, {
          ticker: ex.market,
          side: 'bid',
          price: '0.25',
          count: '1',
        }),
      404,
      'order_not_found',
    ],
    [
      'decrease another',
      () => bob.orders.decreaseOrderV2(aliceOrder, { reduce_by: '1' }),
      404,
      'order_not_found',
    ],
    [
      'decrease both ways',
      () => alice.orders.decreaseOrderV2(aliceOrder, { reduce_by: '1', reduce_to: '0' }),
      400,
      'invalid_parameters',
    ],
    ['unknown market', () => bob.market.getMarket('NOPE-26'), 404, 'market_not_found'],
  ];
  for (const [name, call, status, code] of cases) {
    const r = await sdkFailure(call());
    assert.deepEqual({ name, status: r.status, code: errorCode(r.body) }, { name, status, code });
  }
  const dup = await sdkFailure(
    alice.orders.createOrderV2(order({ client_order_id: 'alice-live' })),
  );
  assert.equal(
    (dup.body as { error: { details: string } }).error.details,
    `order_id=${aliceOrder}`,
  );
  assert.equal(await stateHash(), before);
  const still = (await alice.orders.getOrder(aliceOrder)).data.order;
  assert.deepEqual([still.status, still.remaining_count_fp], ['resting', '1.00']);
});

test('bad credentials and bodies over raw HTTP get 401/400 in Kalshi shape', async () => {
  const before = await stateHash();
  const anonymous = new DocsRestClient(ex.baseUrl);
  const asAlice = new DocsRestClient(ex.baseUrl, alice.creds);
  const path = '/trade-api/v2/portfolio/events/orders';
  const body = order({});
  const wrongKey = {
    ...kalshiHeaders(bob.creds, 'POST', path),
    'KALSHI-ACCESS-KEY': alice.creds.keyId,
  };
  const stale = kalshiHeaders(alice.creds, 'POST', path, Date.now() - 60_000);
  const otherPath = kalshiHeaders(alice.creds, 'POST', '/trade-api/v2/portfolio/orders');
  const cases: [string, Promise<{ status: number; body: unknown }>, number, string][] = [
    [
      'wrong signature',
      anonymous.request('POST', '/portfolio/events/orders', body, wrongKey),
      401,
      'unauthorized',
    ],
    [
      'stale timestamp',
      anonymous.request('POST', '/portfolio/events/orders', body, stale),
      401,
      'unauthorized',
    ],
    [
      'signed for another path',
      anonymous.request('POST', '/portfolio/events/orders', body, otherPath),
      401,
      'unauthorized',
    ],
    ['unsigned', anonymous.request('GET', '/portfolio/balance'), 401, 'unauthorized'],
    [
      'another trader',
      new DocsRestClient(ex.baseUrl, bob.creds).request(
        'DELETE',
        `/portfolio/orders/${aliceOrder}`,
      ),
      404,
      'order_not_found',
    ],
    [
      'legacy price 0',
      asAlice.request('POST', '/portfolio/orders', {
        ticker: ex.market,
        action: 'buy',
        side: 'yes',
        yes_price: 0,
        count: 1,
      }),
      400,
      'invalid_price',
    ],
    [
      'legacy two prices',
      asAlice.request('POST', '/portfolio/orders', {
        ticker: ex.market,
        action: 'buy',
        side: 'yes',
        yes_price: 20,
        no_price: 80,
        count: 1,
      }),
      400,
      'invalid_parameters',
    ],
    [
      'bad status filter',
      anonymous.request('GET', '/markets?status=active'),
      400,
      'invalid_parameters',
    ],
    [
      'bad cursor',
      asAlice.request('GET', '/portfolio/fills?cursor=nonsense'),
      400,
      'invalid_parameters',
    ],
    ['no such endpoint', anonymous.request('GET', '/nope'), 404, 'not_found'],
  ];
  for (const [name, call, status, code] of cases) {
    const r = await call;
    assert.deepEqual({ name, status: r.status, code: errorCode(r.body) }, { name, status, code });
  }
  const raw = await fetch(`${ex.baseUrl}${path}`, {
    method: 'POST',
    headers: { ...kalshiHeaders(alice.creds, 'POST', path), 'content-type': 'application/json' },
    body: '{"ticker":',
  });
  assert.equal(raw.status, 400);
  assert.equal(errorCode(await raw.json()), 'invalid_parameters');
  assert.equal(await stateHash(), before);
});

test('the WebSocket refuses unsigned handshakes and answers bad commands with Kalshi codes', async () => {
  await assert.rejects(
    DocsSocket.open(ex.baseUrl, {
      keyId: alice.creds.keyId,
      privateKeyPem: bob.creds.privateKeyPem,
    }),
    /HTTP 401/,
  );
  const ws = await DocsSocket.open(ex.baseUrl, alice.creds);
  const cases: [string, unknown, number][] = [
    ['subscribe', undefined, 2],
    ['subscribe', { channels: [] }, 3],
    ['subscribe', { channels: ['nope'] }, 8],
    ['subscribe', { channels: ['orderbook_delta'] }, 14],
    ['subscribe', { channels: ['orderbook_delta'], market_ticker: 'NOPE-26' }, 16],
    [
      'subscribe',
      { channels: ['trade'], market_ticker: ex.market, market_tickers: [ex.market] },
      11,
    ],
    ['unsubscribe', { sids: [] }, 4],
    ['unsubscribe', { sids: [99] }, 7],
    ['update_subscription', { sids: [1, 2], action: 'add_markets' }, 12],
    ['frobnicate', {}, 5],
  ];
  for (const [cmd, params, code] of cases) {
    const id = ws.send(cmd, params);
    const reply = await ws.waitFor((m) => m.id === id);
    assert.deepEqual([cmd, reply.type, (reply.msg as { code: number }).code], [cmd, 'error', code]);
  }
  const id = ws.send('subscribe', { channels: ['trade', 'ticker'] });
  await ws.waitFor((m) => m.id === id && (m.msg as { sid?: number }).sid === 2);
  const list = ws.send('list_subscriptions');
  const subs = await ws.waitFor((m) => m.id === list);
  assert.deepEqual(subs.msg, [
    { channel: 'trade', sid: 1 },
    { channel: 'ticker', sid: 2 },
  ]);
  ws.close();
});

test('API keys: list, register a public key, generate one, delete', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const listed = (await alice.apiKeys.getApiKeys()).data.api_keys;
  assert.deepEqual(
    listed.map((k) => [k.api_key_id, k.scopes]),
    [[alice.creds.keyId, ['read', 'write']]],
  );
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const created = await alice.apiKeys.createApiKey({
    name: 'bot',
    public_key: pem,
    scopes: ['read'],
  });
  assert.equal(created.status, 201);
  const readOnly = new DocsRestClient(ex.baseUrl, {
    keyId: created.data.api_key_id,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  assert.equal((await readOnly.request('GET', '/portfolio/balance')).status, 200);
  const denied = await readOnly.request('POST', '/portfolio/events/orders', order({}));
  assert.deepEqual([denied.status, errorCode(denied.body)], [403, 'forbidden']);
  const generated = (await alice.apiKeys.generateApiKey({ name: 'generated' })).data;
  const viaGenerated = new DocsRestClient(ex.baseUrl, {
    keyId: generated.api_key_id,
    privateKeyPem: generated.private_key,
  });
  assert.equal((await viaGenerated.request('GET', '/portfolio/balance')).status, 200);
  assert.equal((await alice.apiKeys.deleteApiKey(generated.api_key_id)).status, 204);
  const revoked = await viaGenerated.request('GET', '/portfolio/balance');
  assert.deepEqual([revoked.status, errorCode(revoked.body)], [401, 'unauthorized']);
  assert.equal((await alice.apiKeys.getApiKeys()).data.api_keys.length, 2);
});
