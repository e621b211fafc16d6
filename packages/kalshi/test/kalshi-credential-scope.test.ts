// Kalshi's API key endpoints need the native `credentials` scope, as the native ones do: a read-only or
// trading key (all that Kalshi's `read`/`write` scopes can make) cannot list, create or revoke keys.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsRestClient } from './support/docs-client.ts';
import { errorCode, startKalshiExchange } from './support/kalshi-exchange.ts';

let ex: TestExchange;
before(async () => {
  ex = await startKalshiExchange();
});
after(() => ex?.close());

test('a read or read+write key is refused every API key operation', async () => {
  const user = await ex.addUser('rory', 'trader', 1_000_000);
  const auth = ex.gateway.services.auth;
  for (const scopes of [['read'], ['read', 'trade']] as const) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = await auth.addApiKey({
      userId: user.userId,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      scopes: [...scopes],
      label: 'limited',
      now: Date.now(),
    });
    const client = new DocsRestClient(ex.baseUrl, {
      keyId: key.keyId,
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const calls: [string, string, unknown][] = [
      ['GET', '/api_keys', undefined],
      ['POST', '/api_keys', { name: 'x', public_key: publicKey }],
      ['POST', '/api_keys/generate', { name: 'y' }],
      ['DELETE', `/api_keys/${user.keyId}`, undefined],
    ];
    for (const [method, path, body] of calls) {
      const r = await client.request(method, path, body);
      assert.deepEqual(
        [scopes, method, path, r.status, errorCode(r.body)],
        [scopes, method, path, 403, 'forbidden'],
      );
    }
  }
  const keys = await auth.apiKeys(user.userId);
  assert.equal(keys.length, 3, 'no key was created');
  assert.ok(
    keys.every((k) => k.revokedAt === null),
    'no key was revoked',
  );
});

test('a key with the credentials scope manages keys over the Kalshi API', async () => {
  const user = await ex.addUser('cass', 'trader', 1_000_000);
  const client = new DocsRestClient(ex.baseUrl, {
    keyId: user.keyId,
    privateKeyPem: user.privateKeyPem,
  });
  const made = await client.request('POST', '/api_keys/generate', { name: 'bot' });
  assert.equal(made.status, 201);
  const listed = await client.request('GET', '/api_keys');
  assert.equal(listed.status, 200);
});
