// A socket opened with a bearer token or a session cookie lasts as long as that credential: when the
// token or the session expires, the socket is closed with 1008 CREDENTIALS_EXPIRED (counted in
// bourse_ws_expired_closes_total), not before, and only that socket. A signed handshake has no expiry.
// The gateway's clock is moved instead of waiting; the expiry check runs every 20 ms here.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';
import {
  metricValue,
  mintToken,
  type OpenSocket,
  openSocket,
  stillOpen,
  WS_PATH,
} from './support/test-sockets.ts';

let ex: TestExchange;
/** Added to the gateway's clock. */
let offsetMs = 0;
const gatewayNow = () => Date.now() + offsetMs;
/** Moves the gateway's clock so that it reads `t` now. */
const setGatewayNow = (t: number) => {
  offsetMs = t - Date.now();
};

before(async () => {
  ex = await startTestExchange({ clock: gatewayNow, ws: { expiryCheckMs: 20 } });
});
after(() => ex.close());
beforeEach(() => {
  offsetMs = 0;
});

const open = (headers: Record<string, string>) => openSocket(ex.baseUrl, headers);
const signedSocket = (u: TestUser) => open(u.rest.authHeaders('GET', WS_PATH));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the gateway's clock when the socket closes, and how it closed. */
async function closedAt(s: OpenSocket): Promise<{ at: number; code: number; reason: string }> {
  const { code, reason } = await s.closed;
  return { at: gatewayNow(), code, reason };
}

test('a token socket closes with 1008 CREDENTIALS_EXPIRED when its token expires, not before', async () => {
  const hana = await ex.addUser('hana', 'trader', 10_000_000);
  const expiredBefore = await metricValue(ex.baseUrl, 'bourse_ws_expired_closes_total');
  const revokedBefore = await metricValue(ex.baseUrl, 'bourse_ws_revoked_closes_total');
  const short = await mintToken(ex.baseUrl, hana, 60);
  const long = await mintToken(ex.baseUrl, hana, 120);
  const shortWs = await open({ authorization: `Bearer ${short.token}` });
  const longWs = await open({ authorization: `Bearer ${long.token}` });
  const signed = await signedSocket(hana);
  // A socket the client closed itself leaves the schedule: it is not counted when its token expires.
  const gone = await open({ authorization: `Bearer ${short.token}` });
  gone.ws.close();
  await gone.closed;
  const shortClosed = closedAt(shortWs);

  // Just before the expiry (several checks run meanwhile) every socket is still open.
  setGatewayNow(short.expiresAt - 300);
  await sleep(100);
  await stillOpen(shortWs);
  await stillOpen(longWs);
  await stillOpen(signed);

  // The clock reaches the expiry by itself; the socket closes then.
  const closed = await shortClosed;
  assert.equal(closed.code, 1008);
  assert.equal(closed.reason, 'CREDENTIALS_EXPIRED');
  assert.ok(closed.at >= short.expiresAt, `closed ${short.expiresAt - closed.at} ms early`);
  assert.ok(closed.at < short.expiresAt + 1_000, `closed ${closed.at - short.expiresAt} ms late`);
  await stillOpen(longWs);
  await stillOpen(signed);
  assert.equal(await metricValue(ex.baseUrl, 'bourse_ws_expired_closes_total'), expiredBefore + 1);

  // The longer token's socket lasts until its own expiry; the signed socket outlives both.
  setGatewayNow(long.expiresAt + 1);
  assert.deepEqual(await longWs.closed, { code: 1008, reason: 'CREDENTIALS_EXPIRED' });
  await sleep(100);
  await stillOpen(signed);
  signed.ws.close();
  assert.equal(await metricValue(ex.baseUrl, 'bourse_ws_expired_closes_total'), expiredBefore + 2);
  assert.equal(await metricValue(ex.baseUrl, 'bourse_ws_revoked_closes_total'), revokedBefore);
});

test('a socket whose token was revoked before it expired is closed once, as revoked', async () => {
  const ines = await ex.addUser('ines', 'trader', 10_000_000);
  const expiredBefore = await metricValue(ex.baseUrl, 'bourse_ws_expired_closes_total');
  const { token, expiresAt } = await mintToken(ex.baseUrl, ines, 60);
  const socket = await open({ authorization: `Bearer ${token}` });
  const res = await fetch(`${ex.baseUrl}/api/v1/auth/token`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await socket.closed, { code: 1008, reason: 'CREDENTIALS_REVOKED' });
  setGatewayNow(expiresAt + 1);
  await sleep(100);
  assert.equal(await metricValue(ex.baseUrl, 'bourse_ws_expired_closes_total'), expiredBefore);
});

test('a session-cookie socket closes with CREDENTIALS_EXPIRED when the session expires', async () => {
  const jude = await ex.addUser('jude', 'trader', 10_000_000);
  await ex.gateway.services.auth.setPassword(jude.userId, 'correct horse battery');
  const signed = await signedSocket(jude);
  const t0 = gatewayNow();
  const login = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'jude', password: 'correct horse battery' }),
  });
  assert.equal(login.status, 200);
  const t1 = gatewayNow();
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const maxAgeMs = Number(/Max-Age=(\d+)/.exec(login.headers.get('set-cookie') ?? '')![1]) * 1000;
  const session = await open({ cookie });
  const closed = closedAt(session);

  // The session ends between t0 + ttl and t1 + ttl.
  setGatewayNow(t0 + maxAgeMs - 200);
  await sleep(100);
  await stillOpen(session);
  setGatewayNow(t1 + maxAgeMs + 1);
  const c = await closed;
  assert.deepEqual(
    { code: c.code, reason: c.reason },
    { code: 1008, reason: 'CREDENTIALS_EXPIRED' },
  );
  await stillOpen(signed);
  signed.ws.close();
});
