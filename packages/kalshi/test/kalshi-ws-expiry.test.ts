// Kalshi WebSocket connections last as long as the credentials that opened them: one opened with the
// web session cookie closes with 1008 CREDENTIALS_EXPIRED when the session expires, and not before;
// a signed connection has no expiry. Bearer tokens do not open Kalshi connections at all (they are a
// native-API credential). The gateway's clock is moved instead of waiting.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsSocket } from './support/docs-client.ts';
import { addTrader, startKalshiExchange, type Trader } from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let offsetMs = 0;
const gatewayNow = () => Date.now() + offsetMs;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  ex = await startKalshiExchange({ clock: gatewayNow, ws: { expiryCheckMs: 20 } });
  alice = await addTrader(ex, 'alice', 100);
  await ex.gateway.services.auth.setPassword(alice.user.userId, 'correct horse battery');
});
after(() => ex?.close());

async function subscribes(ws: DocsSocket): Promise<void> {
  const id = ws.send('subscribe', { channels: ['ticker'] });
  await ws.waitFor((m) => m.id === id && m.type === 'subscribed');
}

async function expiredCloses(): Promise<number> {
  const text = await (await fetch(`${ex.baseUrl}/metrics`)).text();
  return Number(/^bourse_ws_expired_closes_total (\S+)$/m.exec(text)![1]);
}

test('a session-cookie Kalshi socket closes with CREDENTIALS_EXPIRED at the session expiry', async () => {
  const signed = await DocsSocket.open(ex.baseUrl, alice.creds);
  const before = await expiredCloses();
  const t0 = gatewayNow();
  const login = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
  });
  assert.equal(login.status, 200);
  const t1 = gatewayNow();
  const setCookie = login.headers.get('set-cookie') ?? '';
  const ttlMs = Number(/Max-Age=(\d+)/.exec(setCookie)![1]) * 1000;
  const session = await DocsSocket.openWith(ex.baseUrl, { cookie: setCookie.split(';')[0]! });

  offsetMs = t0 + ttlMs - 200 - Date.now();
  await sleep(100);
  await subscribes(session);
  offsetMs = t1 + ttlMs + 1 - Date.now();
  assert.deepEqual(await session.closed, { code: 1008, reason: 'CREDENTIALS_EXPIRED' });
  assert.equal(await expiredCloses(), before + 1);
  await subscribes(signed);
  signed.close();
});

test('a bearer token does not open a Kalshi socket', async () => {
  offsetMs = 0;
  const path = '/api/v1/auth/token';
  const res = await fetch(`${ex.baseUrl}${path}`, {
    method: 'POST',
    headers: alice.user.rest.authHeaders('POST', path),
  });
  assert.equal(res.status, 201);
  const { token } = (await res.json()) as { token: string };
  await assert.rejects(
    DocsSocket.openWith(ex.baseUrl, { authorization: `Bearer ${token}` }),
    /HTTP 401/,
  );
});
