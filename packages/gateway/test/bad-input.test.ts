// Every malformed, out-of-range, unauthorised, replayed or foreign request gets a 4xx with a stable
// code and leaves the exchange exactly as it was (same engine state hash, same last seq).

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RequestSigner } from '@bourse/client';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let alice: TestUser;
let bob: TestUser;
let viewer: TestUser;
let bobOrderId: number;

before(async () => {
  ex = await startTestExchange();
  alice = await ex.addUser('alice', 'trader', 100_000_000);
  bob = await ex.addUser('bob', 'trader', 100_000_000);
  viewer = await ex.addUser('vera', 'viewer');
  bobOrderId = (
    await bob.rest.placeOrder({ market: ex.market, side: 'buy', priceTicks: 3_000, qtyLots: 100 })
  ).orderId;
});
after(() => ex.close());

interface Raw {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

async function send(
  r: Raw,
): Promise<{ status: number; code: string | undefined; headers: Headers }> {
  const res = await fetch(`${ex.baseUrl}${r.path}`, {
    method: r.method,
    headers: r.headers ?? {},
    ...(r.body === undefined ? {} : { body: r.body }),
  });
  const json = (await res.json().catch(() => undefined)) as
    | { error?: { code: string } }
    | undefined;
  return { status: res.status, code: json?.error?.code, headers: res.headers };
}

function signed(
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
  ts = Date.now(),
): Raw {
  const signer = new RequestSigner({ keyId: user.keyId, privateKey: user.privateKeyPem });
  return {
    method,
    path,
    headers: { ...signer.headers(method, path, ts), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  };
}

const order = (o: Record<string, unknown> = {}) => ({
  market: 'TEST-26-YES',
  side: 'buy',
  priceTicks: 4_000,
  qtyLots: 100,
  ...o,
});

async function stateHash() {
  return ex.gateway.services.core.query.stateHash();
}

test('bad requests are refused with a stable code and change nothing', async () => {
  const cases: [string, () => Raw, number, string][] = [
    [
      'malformed JSON',
      () => signed(alice, 'POST', '/api/v1/orders', '{"market":'),
      400,
      'MALFORMED_JSON',
    ],
    [
      'wrong type',
      () => signed(alice, 'POST', '/api/v1/orders', order({ qtyLots: '100' })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'unknown field',
      () => signed(alice, 'POST', '/api/v1/orders', order({ colour: 'red' })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'fractional price',
      () => signed(alice, 'POST', '/api/v1/orders', order({ priceTicks: 40.5 })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'price out of range',
      () => signed(alice, 'POST', '/api/v1/orders', order({ priceTicks: 9_950 })),
      400,
      'PRICE_OUT_OF_RANGE',
    ],
    [
      'price off grid',
      () => signed(alice, 'POST', '/api/v1/orders', order({ priceTicks: 4_050 })),
      400,
      'PRICE_OFF_GRID',
    ],
    [
      'odd lot',
      () => signed(alice, 'POST', '/api/v1/orders', order({ qtyLots: 150 })),
      400,
      'QTY_NOT_LOT_MULTIPLE',
    ],
    [
      'unknown market',
      () => signed(alice, 'POST', '/api/v1/orders', order({ market: 'NOPE' })),
      404,
      'MARKET_NOT_FOUND',
    ],
    [
      'unknown market book',
      () => ({ method: 'GET', path: '/api/v1/markets/NOPE/book' }),
      404,
      'MARKET_NOT_FOUND',
    ],
    [
      'too expensive',
      () => signed(alice, 'POST', '/api/v1/orders', order({ qtyLots: 1_000_000 })),
      422,
      'INSUFFICIENT_FUNDS',
    ],
    [
      'bad signature',
      () => {
        const r = signed(alice, 'POST', '/api/v1/orders', order());
        r.headers!['KALSHI-ACCESS-SIGNATURE'] = signed(alice, 'POST', '/api/v1/other').headers![
          'KALSHI-ACCESS-SIGNATURE'
        ]!;
        return r;
      },
      401,
      'BAD_SIGNATURE',
    ],
    [
      'signature by another key',
      () => {
        const r = signed(bob, 'POST', '/api/v1/orders', order());
        r.headers!['KALSHI-ACCESS-KEY'] = alice.keyId;
        return r;
      },
      401,
      'BAD_SIGNATURE',
    ],
    [
      'expired timestamp',
      () => signed(alice, 'POST', '/api/v1/orders', order(), Date.now() - 120_000),
      401,
      'TIMESTAMP_OUT_OF_WINDOW',
    ],
    [
      'future timestamp',
      () => signed(alice, 'POST', '/api/v1/orders', order(), Date.now() + 120_000),
      401,
      'TIMESTAMP_OUT_OF_WINDOW',
    ],
    [
      'unknown key',
      () => {
        const r = signed(alice, 'GET', '/api/v1/portfolio/balances');
        r.headers!['KALSHI-ACCESS-KEY'] = '00000000-0000-0000-0000-000000000000';
        return r;
      },
      401,
      'UNKNOWN_API_KEY',
    ],
    [
      'no credentials',
      () => ({
        method: 'POST',
        path: '/api/v1/orders',
        body: JSON.stringify(order()),
        headers: { 'content-type': 'application/json' },
      }),
      401,
      'UNAUTHENTICATED',
    ],
    [
      "another user's order: cancel",
      () => signed(alice, 'DELETE', `/api/v1/orders/${bobOrderId}`),
      404,
      'ORDER_NOT_FOUND',
    ],
    [
      "another user's order: get",
      () => signed(alice, 'GET', `/api/v1/orders/${bobOrderId}`),
      404,
      'ORDER_NOT_FOUND',
    ],
    [
      "another user's order: amend",
      () => signed(alice, 'POST', `/api/v1/orders/${bobOrderId}/amend`, { qtyLots: 100 }),
      404,
      'ORDER_NOT_FOUND',
    ],
    [
      'viewer places an order',
      () => signed(viewer, 'POST', '/api/v1/orders', order()),
      403,
      'FORBIDDEN',
    ],
    [
      'trader uses admin',
      () => signed(alice, 'POST', '/api/v1/admin/halt', { halted: true }),
      403,
      'FORBIDDEN',
    ],
    [
      'trader deposits',
      () =>
        signed(alice, 'POST', '/api/v1/admin/deposits', {
          userId: alice.userId,
          asset: 'USD',
          amount: 5,
        }),
      403,
      'FORBIDDEN',
    ],
    [
      'a user without a password',
      () => signed(ex.admin, 'POST', '/api/v1/admin/users', { username: 'nopw', role: 'trader' }),
      400,
      'PASSWORD_REQUIRED',
    ],
    [
      'duplicate username',
      () =>
        signed(ex.admin, 'POST', '/api/v1/admin/users', {
          username: 'alice',
          role: 'trader',
          password: 'long-enough-pw',
        }),
      409,
      'USERNAME_TAKEN',
    ],
    [
      'duplicate asset',
      () =>
        signed(ex.admin, 'POST', '/api/v1/admin/assets', { code: 'USD', scale: 100, assetId: 1 }),
      409,
      'DUPLICATE_ID',
    ],
    ['bad cursor', () => signed(alice, 'GET', '/api/v1/orders?cursor=zzz'), 400, 'INVALID_CURSOR'],
    [
      'bad query type',
      () => ({ method: 'GET', path: '/api/v1/markets/TEST-26-YES/candles?interval=5m' }),
      400,
      'VALIDATION_FAILED',
    ],
    ['unknown route', () => ({ method: 'GET', path: '/api/v1/nothing' }), 404, 'ROUTE_NOT_FOUND'],
    ['wrong method', () => ({ method: 'PUT', path: '/api/v1/markets' }), 405, 'METHOD_NOT_ALLOWED'],
    [
      'wrong media type',
      () => ({
        ...signed(alice, 'POST', '/api/v1/orders', order()),
        headers: {
          ...signed(alice, 'POST', '/api/v1/orders').headers,
          'content-type': 'text/plain',
        },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ];
  const before = await stateHash();
  for (const [name, make, status, code] of cases) {
    const r = await send(make());
    assert.deepEqual({ name, status: r.status, code: r.code }, { name, status, code });
  }
  const afterAll = await stateHash();
  assert.equal(afterAll.hash, before.hash);
  // Only the engine can know the funds are short: that one rejection is journaled (an audit record
  // that changes no state); everything else was refused before reaching the journal.
  assert.equal(afterAll.seq, before.seq + 1);
});

test('a replayed signature is refused and the order is placed once', async () => {
  const r = signed(alice, 'POST', '/api/v1/orders', order({ priceTicks: 2_000 }));
  const first = await send(r);
  assert.equal(first.status, 201);
  const hash = await stateHash();
  const again = await send(r);
  assert.deepEqual([again.status, again.code], [401, 'REPLAYED_SIGNATURE']);
  assert.deepEqual(await stateHash(), hash);
  const open = await alice.rest.openOrders();
  assert.equal(open.items.filter((o) => o.priceTicks === 2_000).length, 1);
});

test('Ed25519 keys sign requests too; a revoked key stops at once', async () => {
  const pair = generateKeyPairSync('ed25519');
  const created = await alice.rest.request<{ keyId: string; keyType: string }>(
    'POST',
    '/api/v1/account/api-keys',
    {
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      scopes: ['read'],
    },
  );
  assert.equal(created.keyType, 'ed25519');
  const signer = new RequestSigner({ keyId: created.keyId, privateKey: pair.privateKey });
  const ok = await send({
    method: 'GET',
    path: '/api/v1/account',
    headers: signer.headers('GET', '/api/v1/account', Date.now()),
  });
  assert.equal(ok.status, 200);
  const readOnlyTrade = await send({
    method: 'POST',
    path: '/api/v1/orders',
    headers: {
      ...signer.headers('POST', '/api/v1/orders', Date.now() + 1),
      'content-type': 'application/json',
    },
    body: JSON.stringify(order()),
  });
  assert.deepEqual([readOnlyTrade.status, readOnlyTrade.code], [403, 'FORBIDDEN']);
  await alice.rest.request('DELETE', `/api/v1/account/api-keys/${created.keyId}`);
  const revoked = await send({
    method: 'GET',
    path: '/api/v1/account',
    headers: signer.headers('GET', '/api/v1/account', Date.now() + 2),
  });
  assert.deepEqual([revoked.status, revoked.code], [401, 'UNKNOWN_API_KEY']);
});

test('a read-only key cannot mint a trading key; weak keys are refused', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const weak = await send(
    signed(alice, 'POST', '/api/v1/account/api-keys', {
      publicKeyPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    }),
  );
  assert.deepEqual([weak.status, weak.code], [400, 'INVALID_KEY']);
  const mint = await send(
    signed(viewer, 'POST', '/api/v1/account/api-keys', { generate: true, scopes: ['trade'] }),
  );
  assert.deepEqual([mint.status, mint.code], [403, 'FORBIDDEN']);
});

test('bad socket messages are refused with codes and change nothing', async () => {
  const { SocketClient } = await import('@bourse/client');
  const ws = await SocketClient.connect(alice.rest);
  const before = await stateHash();
  await assert.rejects(ws.place({ ...order(), qtyLots: '100' } as never), {
    code: 'VALIDATION_FAILED',
  });
  await assert.rejects(ws.place(order({ priceTicks: 9_950 }) as never), {
    code: 'PRICE_OUT_OF_RANGE',
  });
  await assert.rejects(ws.place(order({ market: 'NOPE' }) as never), { code: 'MARKET_NOT_FOUND' });
  await assert.rejects(ws.cancel(bobOrderId), { code: 'ORDER_NOT_FOUND' });
  await assert.rejects(ws.request({ op: 'cancel', orderId: 'x' }), { code: 'VALIDATION_FAILED' });
  const viewerWs = await SocketClient.connect(viewer.rest);
  await assert.rejects(viewerWs.place(order() as never), { code: 'FORBIDDEN' });
  assert.deepEqual(await stateHash(), before);
  await ws.close();
  await viewerWs.close();
});
