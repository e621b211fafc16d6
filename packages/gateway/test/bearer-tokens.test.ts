// Bearer tokens: only a signed API-key request mints one; the token then acts as its key (same scopes,
// REST and the WebSocket upgrade) until it expires, is revoked, or its key or user is. Every refusal
// has a stable code and leaves the exchange exactly as it was; only hashes of tokens are ever kept.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RestClient, SocketClient } from '@bourse/client';
import { BearerTokens, hashToken } from '../src/auth/bearer-tokens.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let alice: TestUser;
/** Added to the gateway's clock, to age tokens without waiting. */
let clockOffsetMs = 0;
const issuedTokens: string[] = [];

before(async () => {
  ex = await startTestExchange({ clock: () => Date.now() + clockOffsetMs });
  alice = await ex.addUser('alice', 'trader', 100_000_000);
  await ex.gateway.services.auth.setPassword(alice.userId, 'correct horse battery');
});
after(() => ex.close());

interface Answer {
  status: number;
  code: string | undefined;
  json: Record<string, unknown> | undefined;
}

async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${ex.baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  const code = (json?.error as { code?: string } | undefined)?.code;
  return { status: res.status, code, json };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function mint(user: TestUser, body?: unknown): Promise<Answer> {
  const r = await send(
    'POST',
    '/api/v1/auth/token',
    user.rest.authHeaders('POST', '/api/v1/auth/token'),
    body,
  );
  if (typeof r.json?.token === 'string') issuedTokens.push(r.json.token);
  return r;
}

async function tokenOf(user: TestUser, body?: unknown): Promise<string> {
  const r = await mint(user, body);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return String(r.json!.token);
}

/** Runs a request that must be refused with `status`/`code` and asserts nothing changed. */
async function refused(status: number, code: string, run: () => Promise<Answer>): Promise<void> {
  const before = await ex.gateway.services.core.query.stateHash();
  const r = await run();
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.code, code);
  assert.deepEqual(await ex.gateway.services.core.query.stateHash(), before);
}

const order = { market: 'TEST-26-YES', side: 'buy', priceTicks: 2_000, qtyLots: 100 };

test('a signed request mints a token that acts as its key for orders and reads', async () => {
  const t0 = Date.now();
  const r = await mint(alice);
  assert.equal(r.status, 201);
  const { token, expiresAt, keyId, scopes } = r.json as {
    token: string;
    expiresAt: number;
    keyId: string;
    scopes: string[];
  };
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(keyId, alice.keyId);
  assert.deepEqual([...scopes].sort(), ['credentials', 'read', 'trade']);
  assert.ok(expiresAt >= t0 + 3_600_000 && expiresAt <= Date.now() + 3_600_000);

  const placed = await send('POST', '/api/v1/orders', bearer(token), order);
  assert.equal(placed.status, 201, JSON.stringify(placed.json));
  const orderId = placed.json!.orderId as number;
  const open = await send('GET', '/api/v1/orders/open', bearer(token));
  assert.equal(open.status, 200);
  const ids = (open.json!.items as { orderId: number }[]).map((o) => o.orderId);
  assert.ok(ids.includes(orderId));
  const me = await send('GET', '/api/v1/account', bearer(token));
  assert.equal(me.json!.via, 'key');
  assert.equal(me.json!.username, 'alice');
});

test('ttlSeconds is honoured within bounds and refused outside them', async () => {
  const r = await mint(alice, { ttlSeconds: 60 });
  assert.equal(r.status, 201);
  const expiresAt = r.json!.expiresAt as number;
  assert.ok(Math.abs(expiresAt - (Date.now() + 60_000)) < 5_000);
  for (const ttlSeconds of [59, 86_401, 1.5, '600']) {
    await refused(400, 'VALIDATION_FAILED', () => mint(alice, { ttlSeconds }));
  }
});

test('sessions and tokens cannot mint tokens: API_KEY_REQUIRED', async () => {
  const login = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
  });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const live = ex.gateway.services.authenticator.liveTokens;
  await refused(403, 'API_KEY_REQUIRED', () =>
    send('POST', '/api/v1/auth/token', { cookie, 'x-csrf-token': csrfToken }),
  );
  const token = await tokenOf(alice);
  await refused(403, 'API_KEY_REQUIRED', () => send('POST', '/api/v1/auth/token', bearer(token)));
  assert.equal(ex.gateway.services.authenticator.liveTokens, live + 1);
});

test('unknown, garbled and expired tokens get 401 TOKEN_INVALID', async () => {
  const garbage = [
    'x',
    'A'.repeat(43),
    'not a token at all',
    `${'A'.repeat(42)}=`,
    '..'.repeat(30),
  ];
  for (const t of garbage) {
    await refused(401, 'TOKEN_INVALID', () => send('POST', '/api/v1/orders', bearer(t), order));
    await refused(401, 'TOKEN_INVALID', () => send('GET', '/api/v1/account', bearer(t)));
  }
  const token = await tokenOf(alice, { ttlSeconds: 60 });
  assert.equal((await send('GET', '/api/v1/account', bearer(token))).status, 200);
  clockOffsetMs = 61_000;
  try {
    await refused(401, 'TOKEN_INVALID', () => send('POST', '/api/v1/orders', bearer(token), order));
  } finally {
    clockOffsetMs = 0;
  }
  // Expired tokens are dropped, not revived when the clock agrees again.
  await refused(401, 'TOKEN_INVALID', () => send('GET', '/api/v1/account', bearer(token)));
});

test("a token carries its key's scopes: a read-only key's token cannot trade", async () => {
  const created = await alice.rest.request<{ keyId: string; privateKeyPem: string }>(
    'POST',
    '/api/v1/account/api-keys',
    { generate: true, scopes: ['read'], label: 'read-only' },
  );
  const readOnly: TestUser = {
    ...alice,
    keyId: created.keyId,
    privateKeyPem: created.privateKeyPem,
    rest: new RestClient({
      baseUrl: ex.baseUrl,
      credentials: { keyId: created.keyId, privateKey: created.privateKeyPem },
    }),
  };
  const r = await mint(readOnly);
  assert.deepEqual(r.json!.scopes, ['read']);
  const token = String(r.json!.token);
  assert.equal((await send('GET', '/api/v1/portfolio/balances', bearer(token))).status, 200);
  await refused(403, 'FORBIDDEN', () => send('POST', '/api/v1/orders', bearer(token), order));
});

test("revoking a key ends its tokens at once; disabling a user ends the user's", async () => {
  const bob = await ex.addUser('bob', 'trader', 10_000_000);
  const token = await tokenOf(bob);
  const other = await tokenOf(bob);
  assert.equal((await send('GET', '/api/v1/account', bearer(token))).status, 200);
  const revoked = await send('DELETE', `/api/v1/account/api-keys/${bob.keyId}`, bearer(token));
  assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
  for (const t of [token, other]) {
    await refused(401, 'TOKEN_INVALID', () => send('POST', '/api/v1/orders', bearer(t), order));
  }

  const carol = await ex.addUser('carol', 'trader', 10_000_000);
  const carolToken = await tokenOf(carol);
  await ex.admin.rest.request('PATCH', `/api/v1/admin/users/${carol.userId}`, { disabled: true });
  await refused(401, 'TOKEN_INVALID', () =>
    send('POST', '/api/v1/orders', bearer(carolToken), order),
  );
});

test('DELETE /auth/token revokes the presented token only', async () => {
  const token = await tokenOf(alice);
  const keep = await tokenOf(alice);
  await refused(401, 'TOKEN_INVALID', () =>
    send('DELETE', '/api/v1/auth/token', alice.rest.authHeaders('DELETE', '/api/v1/auth/token')),
  );
  const r = await send('DELETE', '/api/v1/auth/token', bearer(token));
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { revoked: true });
  await refused(401, 'TOKEN_INVALID', () => send('GET', '/api/v1/account', bearer(token)));
  await refused(401, 'TOKEN_INVALID', () => send('DELETE', '/api/v1/auth/token', bearer(token)));
  assert.equal((await send('GET', '/api/v1/account', bearer(keep))).status, 200);
});

test('the WebSocket upgrade accepts a bearer token and refuses a bad one', async () => {
  const rest = new RestClient({ baseUrl: ex.baseUrl, token: await tokenOf(alice) });
  const socket = await SocketClient.connect(rest);
  const ack = await socket.place({
    market: ex.market,
    side: 'buy',
    priceTicks: 1_000,
    qtyLots: 100,
  });
  assert.equal(typeof ack.orderId, 'number');
  await socket.close();
  const bad = new RestClient({ baseUrl: ex.baseUrl, token: 'B'.repeat(43) });
  await assert.rejects(SocketClient.connect(bad), (e: { status?: number }) => e.status === 401);
});

test('the client mints with a signed request, then sends only the bearer header', async () => {
  const client = new RestClient({
    baseUrl: ex.baseUrl,
    credentials: { keyId: alice.keyId, privateKey: alice.privateKeyPem },
  });
  const issued = await client.useToken(600);
  issuedTokens.push(issued.token);
  assert.deepEqual(client.authHeaders('POST', '/api/v1/orders'), {
    authorization: `Bearer ${issued.token}`,
  });
  const ack = await client.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 1_500,
    qtyLots: 100,
  });
  assert.equal(ack.status, 'resting');
  assert.equal((await client.account()).username, 'alice');
  await client.dropToken();
  assert.equal(client.token, undefined);
  await refused(401, 'TOKEN_INVALID', () => send('GET', '/api/v1/account', bearer(issued.token)));
  assert.equal((await client.account()).username, 'alice');
});

test('the client renews an expired or revoked token by itself and sends the request once more', async () => {
  const client = new RestClient({
    baseUrl: ex.baseUrl,
    credentials: { keyId: alice.keyId, privateKey: alice.privateKeyPem },
    clock: () => Date.now() + clockOffsetMs, // the client's clock agrees with the server's
  });
  const first = await client.useToken(60);
  issuedTokens.push(first.token);
  const before = await ex.gateway.services.core.query.stateHash();
  clockOffsetMs += 61_000; // the token has expired (both clocks move on; they never go back here)
  try {
    const ack = await client.placeOrder({
      market: ex.market,
      side: 'buy',
      priceTicks: 1_400,
      qtyLots: 100,
    });
    assert.equal(ack.status, 'resting');
    const second = client.token!;
    issuedTokens.push(second);
    assert.notEqual(second, first.token);
    // Exactly one order was placed: the refused attempt changed nothing.
    const after = await ex.gateway.services.core.query.stateHash();
    assert.equal(after.seq, before.seq + 1);
    // Revoked elsewhere: renewed as well.
    await send('DELETE', '/api/v1/auth/token', bearer(second));
    assert.equal((await client.account()).username, 'alice');
    assert.notEqual(client.token, second);
    issuedTokens.push(client.token!);
  } finally {
    clockOffsetMs -= 61_000;
  }
  // A token given as an option is not the client's to renew: the refusal reaches the caller.
  const given = new RestClient({ baseUrl: ex.baseUrl, token: first.token });
  await assert.rejects(given.account(), (e: { code?: string }) => e.code === 'TOKEN_INVALID');
});

test('no raw token is stored: the auth database never holds one, the table holds hashes', () => {
  assert.ok(issuedTokens.length > 5);
  const files = readdirSync(ex.dataDir).filter((f) => f.startsWith('auth.db'));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const bytes = readFileSync(join(ex.dataDir, f));
    for (const t of issuedTokens) {
      assert.equal(bytes.includes(t), false, `${f} holds a token`);
      assert.equal(bytes.includes(hashToken(t)), false, `${f} holds a token hash`);
    }
  }
});

test('each key keeps a bounded number of live tokens, oldest dropped first', () => {
  const table = new BearerTokens(3, 100);
  const grant = { keyId: 'k', userId: 1, scopes: ['read' as const], expiresAt: 10_000 };
  const tokens = [0, 1, 2, 3].map(() => table.mint(grant, 0));
  assert.equal(table.size, 3);
  assert.deepEqual(table.lookup(tokens[0]!, 1), { ok: false, reason: 'unknown' });
  assert.equal(table.lookup(tokens[3]!, 1).ok, true);
  assert.deepEqual(table.lookup(tokens[3]!, 10_000), { ok: false, reason: 'expired' });
  assert.equal(table.size, 2);
  table.revokeKey('k');
  assert.equal(table.size, 0);
  const small = new BearerTokens(10, 4);
  for (let i = 0; i < 10; i++) small.mint({ ...grant, keyId: `k${i}` }, 0);
  assert.equal(small.size, 4);
});

test('the OpenAPI document describes the token route, the bearer scheme and the new codes', async () => {
  const doc = (await (await fetch(`${ex.baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { security: Record<string, unknown>[] }>>;
    components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
    'x-error-codes': { code: string; status: number }[];
  };
  assert.deepEqual(doc.components.securitySchemes.bearer?.scheme, 'bearer');
  const mintOp = doc.paths['/api/v1/auth/token']?.post;
  assert.deepEqual(
    mintOp?.security.map((s) => Object.keys(s)),
    [['signedKey', 'signedTimestamp', 'signature']],
  );
  assert.ok(doc.paths['/api/v1/auth/token']?.delete?.security.some((s) => 'bearer' in s));
  assert.ok(doc.paths['/api/v1/orders']?.post?.security.some((s) => 'bearer' in s));
  const codes = new Map(doc['x-error-codes'].map((e) => [e.code, e.status]));
  assert.equal(codes.get('TOKEN_INVALID'), 401);
  assert.equal(codes.get('API_KEY_REQUIRED'), 403);
});
