// The auth store on PostgreSQL, shared by two gateways' authenticators as in a cluster: what one
// gateway creates (users, keys, sessions, bearer tokens) works on the other, and what one revokes stops
// working on both, including each other's caches, once the change is passed between them.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RequestSigner } from '@bourse/client';
import { PostgresTestServer } from '../../projections/test/support/postgres-server.ts';
import { type AuthChange, Authenticator } from '../src/auth/authenticator.ts';
import { AuthStore } from '../src/index.ts';

let pg: PostgresTestServer;
const stores: AuthStore[] = [];

before(async () => {
  pg = await PostgresTestServer.start();
});

after(async () => {
  for (const s of stores) await s.close();
  await pg?.stop();
});

const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** Two gateways on one database; each passes its changes to the other, as the NATS subject does. */
async function twoGateways() {
  const db = await pg.createDatabase();
  const [a, b] = await Promise.all([AuthStore.openPostgres(db), AuthStore.openPostgres(db)]);
  stores.push(a, b);
  let now = 1_700_000_000_000;
  const clock = () => now;
  const peerOf: Authenticator[] = [];
  const make = (store: AuthStore, i: number) =>
    new Authenticator(store, clock, {
      timestampWindowMs: 30_000,
      peers: { publish: (c: AuthChange) => peerOf[1 - i]!.applyPeerChange(c) },
    });
  peerOf.push(make(a, 0), make(b, 1));
  return {
    a,
    b,
    gwA: peerOf[0]!,
    gwB: peerOf[1]!,
    tick: (ms: number) => {
      now += ms;
    },
    clock,
  };
}

test('users, keys and sessions made on one gateway work on the other', async () => {
  const { a, b, gwA, gwB, clock } = await twoGateways();
  assert.equal(a.shared, true);
  const user = await a.createUser({
    username: 'ann',
    role: 'trader',
    password: 'pw-123456',
    now: 1,
  });
  assert.deepEqual(await b.userByName('ann'), user);
  assert.equal((await b.checkPassword('ann', 'pw-123456'))?.userId, user.userId);
  const pair = generateKeyPairSync('ed25519');
  const key = await a.addApiKey({
    userId: user.userId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes: ['read', 'trade'],
    label: 'x',
    now: 1,
  });
  const signer = new RequestSigner({ keyId: key.keyId, privateKey: pair.privateKey });
  const signed = lower(signer.headers('POST', '/api/v1/orders', clock() + 1));
  assert.equal((await gwB.authenticateRequest('POST', '/api/v1/orders', signed))?.userId, 1);
  // An API tier assigned on A reaches B's principals once A announces the user changed.
  await a.setApiTier(user.userId, 'premier');
  gwA.forgetUser(user.userId);
  const tiered = lower(signer.headers('POST', '/api/v1/orders', clock() + 3));
  assert.equal(
    (await gwB.authenticateRequest('POST', '/api/v1/orders', tiered))?.apiTier,
    'premier',
  );
  const session = await a.createSession(user.userId, clock(), 60_000, { userAgent: 'ua' });
  const cookie = { cookie: `bourse_session=${session.token}` };
  const viaB = await gwB.authenticateRequest('GET', '/api/v1/account', cookie);
  assert.equal(viaB?.sessionId, session.sessionId);
  assert.equal((await b.sessions(user.userId, clock())).length, 1);
  // Logout on A: B refuses the cookie at once (sessions are read from the store every time).
  await a.deleteSession(session.token);
  await assert.rejects(gwB.authenticateRequest('GET', '/api/v1/account', cookie), {
    code: 'UNAUTHENTICATED',
  });
  // The key revoked on A: B's cached key is forgotten through the peer message.
  await a.revokeApiKey(user.userId, key.keyId, clock());
  await gwA.forgetKey(key.keyId);
  const again = lower(signer.headers('POST', '/api/v1/orders', clock() + 2));
  await assert.rejects(gwB.authenticateRequest('POST', '/api/v1/orders', again), {
    code: 'UNKNOWN_API_KEY',
  });
});

test('a bearer token minted on one gateway works on the other until revoked on either', async () => {
  const { a, gwA, gwB, clock } = await twoGateways();
  const user = await a.createUser({ username: 'bo', role: 'trader', now: 1 });
  const pair = generateKeyPairSync('ed25519');
  const key = await a.addApiKey({
    userId: user.userId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes: ['read', 'trade'],
    label: 'x',
    now: 1,
  });
  const signer = new RequestSigner({ keyId: key.keyId, privateKey: pair.privateKey });
  const signed = lower(signer.headers('POST', '/api/v1/auth/token', clock() + 1));
  const minter = await gwA.authenticateRequest('POST', '/api/v1/auth/token', signed);
  const issued = await gwA.issueToken(minter!, 60_000);
  const bearer = { authorization: `Bearer ${issued.token}` };
  const onB = await gwB.authenticateRequest('GET', '/api/v1/orders', bearer);
  assert.equal(onB?.userId, user.userId);
  assert.equal(onB?.keyId, key.keyId);
  const revokedOn: string[] = [];
  gwA.onRevoked((r) => revokedOn.push(`A ${r.kind}`));
  // Revoked on B (where it was only adopted): A forgets it too, and the store no longer has it.
  assert.equal(await gwB.revokeToken(onB!), true);
  assert.deepEqual(revokedOn, ['A token']);
  await assert.rejects(gwA.authenticateRequest('GET', '/api/v1/orders', bearer), {
    code: 'TOKEN_INVALID',
  });
});

test('disabling a user on one gateway ends its tokens and cached record on the other', async () => {
  const { a, gwA, gwB, clock } = await twoGateways();
  const user = await a.createUser({ username: 'cy', role: 'trader', now: 1 });
  const pair = generateKeyPairSync('ed25519');
  const key = await a.addApiKey({
    userId: user.userId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    scopes: ['read', 'trade'],
    label: 'x',
    now: 1,
  });
  const signer = new RequestSigner({ keyId: key.keyId, privateKey: pair.privateKey });
  const headers = (ts: number) => lower(signer.headers('POST', '/api/v1/orders', ts));
  assert.ok(await gwB.authenticateRequest('POST', '/api/v1/orders', headers(clock() + 1)));
  await a.setDisabled(user.userId, true);
  gwA.forgetUser(user.userId);
  await gwA.forgetUserTokens(user.userId);
  await assert.rejects(gwB.authenticateRequest('POST', '/api/v1/orders', headers(clock() + 2)), {
    code: 'FORBIDDEN',
  });
});
