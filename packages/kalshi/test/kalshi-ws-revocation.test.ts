// Kalshi WebSocket connections are authenticated at the handshake, like native ones: revoking the key
// that opened one closes it at once (1008 CREDENTIALS_REVOKED); another trader's connection stays.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsSocket } from './support/docs-client.ts';
import { addTrader, startKalshiExchange, type Trader } from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let bob: Trader;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  bob = await addTrader(ex, 'bob', 100);
});
after(() => ex?.close());

test('revoking the key closes its Kalshi socket and no other', async () => {
  const aliceWs = await DocsSocket.open(ex.baseUrl, alice.creds);
  const bobWs = await DocsSocket.open(ex.baseUrl, bob.creds);
  await alice.user.rest.request('DELETE', `/api/v1/account/api-keys/${alice.creds.keyId}`);
  assert.deepEqual(await aliceWs.closed, { code: 1008, reason: 'CREDENTIALS_REVOKED' });
  const sub = bobWs.send('subscribe', { channels: ['ticker'] });
  await bobWs.waitFor((m) => m.id === sub && m.type === 'subscribed');
  bobWs.close();
});
