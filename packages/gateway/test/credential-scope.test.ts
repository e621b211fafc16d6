// Key and session management has its own scope, `credentials`: a leaked read-only (or trading) key
// cannot list, create or revoke keys, nor list or end web sessions, whether it signs or uses a bearer
// token it minted; a key never creates a key with more than it has; a web session (the user at the
// screen) keeps every operation, and keys it creates do not get `credentials` unless asked for.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RestClient } from '@bourse/client';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let tess: TestUser;
let cookie: { cookie: string; csrf: string };

before(async () => {
  ex = await startTestExchange();
  tess = await ex.addUser('tess', 'trader', 10_000_000);
  await ex.gateway.services.auth.setPassword(tess.userId, 'a long enough password');
  const login = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'tess', password: 'a long enough password' }),
  });
  assert.equal(login.status, 200);
  cookie = {
    cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!,
    csrf: ((await login.json()) as { csrfToken: string }).csrfToken,
  };
});
after(() => ex.close());

/** A key of tess's with these scopes, registered directly in the store. */
async function keyWith(scopes: ('read' | 'trade' | 'credentials')[]): Promise<RestClient> {
  const pair = generateKeyPairSync('ed25519');
  const key = await ex.gateway.services.auth.addApiKey({
    userId: tess.userId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes,
    label: scopes.join('+'),
    now: Date.now(),
  });
  return new RestClient({
    baseUrl: ex.baseUrl,
    credentials: { keyId: key.keyId, privateKey: pair.privateKey },
  });
}

const publicPem = () =>
  generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Every key and session operation, against tess's own keys and sessions. */
function operations(rest: RestClient): [string, () => Promise<unknown>][] {
  return [
    ['list keys', () => rest.request('GET', '/api/v1/account/api-keys')],
    ['create a key', () => rest.request('POST', '/api/v1/account/api-keys', { generate: true })],
    [
      'register a read-only key',
      () =>
        rest.request('POST', '/api/v1/account/api-keys', {
          publicKeyPem: publicPem(),
          scopes: ['read'],
        }),
    ],
    ['revoke a key', () => rest.request('DELETE', `/api/v1/account/api-keys/${tess.keyId}`)],
    ['list sessions', () => rest.request('GET', '/api/v1/auth/sessions')],
    ['end other sessions', () => rest.request('DELETE', '/api/v1/auth/sessions')],
    ['end a session', () => rest.request('DELETE', `/api/v1/auth/sessions/${'0'.repeat(32)}`)],
  ];
}

async function sessionStillWorks(): Promise<void> {
  const res = await fetch(`${ex.baseUrl}/api/v1/account`, { headers: { cookie: cookie.cookie } });
  assert.equal(res.status, 200);
}

for (const scopes of [['read'], ['read', 'trade']] as const) {
  test(`a ${scopes.join('+')} key is refused every key and session operation`, async () => {
    const signed = await keyWith([...scopes]);
    const bearer = await keyWith([...scopes]);
    await bearer.useToken();
    for (const [via, rest] of [
      ['signed', signed],
      ['bearer', bearer],
    ] as const) {
      for (const [name, call] of operations(rest)) {
        assert.deepEqual(
          [via, name, await refusal(call())],
          [via, name, { status: 403, code: 'FORBIDDEN' }],
        );
      }
    }
    await sessionStillWorks();
    const keys = await ex.gateway.services.auth.apiKeys(tess.userId);
    assert.equal(keys.find((k) => k.keyId === tess.keyId)?.revokedAt, null);
    assert.equal(keys.filter((k) => k.label === '').length, 0, 'no key was created');
  });
}

test('a key with the credentials scope manages keys and sessions', async () => {
  const rest = await keyWith(['read', 'credentials']);
  const listed = await rest.request<{ items: unknown[] }>('GET', '/api/v1/account/api-keys');
  assert.ok(listed.items.length >= 1);
  await rest.request('GET', '/api/v1/auth/sessions');
  const made = await rest.request<{ scopes: string[] }>('POST', '/api/v1/account/api-keys', {
    publicKeyPem: publicPem(),
    scopes: ['read'],
  });
  assert.deepEqual(made.scopes, ['read']);
});

test('a key never creates a key with more than it has', async () => {
  const rest = await keyWith(['read', 'credentials']);
  for (const scopes of [['trade'], ['read', 'trade'], ['admin']]) {
    assert.deepEqual(
      await refusal(
        rest.request('POST', '/api/v1/account/api-keys', { publicKeyPem: publicPem(), scopes }),
      ),
      { status: 403, code: 'FORBIDDEN' },
    );
  }
  // Without scopes the new key gets the creator's, less key management.
  const made = await rest.request<{ scopes: string[] }>('POST', '/api/v1/account/api-keys', {
    publicKeyPem: publicPem(),
  });
  assert.deepEqual(made.scopes, ['read']);
});

test('a web session manages keys; its keys get credentials only when asked', async () => {
  const post = (body: unknown) =>
    fetch(`${ex.baseUrl}/api/v1/account/api-keys`, {
      method: 'POST',
      headers: {
        cookie: cookie.cookie,
        'x-csrf-token': cookie.csrf,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  const plain = await post({ publicKeyPem: publicPem() });
  assert.equal(plain.status, 201);
  assert.deepEqual(((await plain.json()) as { scopes: string[] }).scopes, ['read', 'trade']);
  const manager = await post({ publicKeyPem: publicPem(), scopes: ['read', 'credentials'] });
  assert.equal(manager.status, 201);
  assert.deepEqual(((await manager.json()) as { scopes: string[] }).scopes, [
    'read',
    'credentials',
  ]);
});
