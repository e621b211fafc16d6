// The web session cookie opens a Kalshi WebSocket only from a page of this origin, as on the native
// socket: a page of another site (or an opaque `Origin: null`) cannot ride a logged-in user's cookie
// into their private channels (cross-site WebSocket hijacking), and is refused at the handshake with
// the native socket's 403 (Kalshi's `forbidden`, details FORBIDDEN). A handshake without `Origin` is
// not a browser's and is accepted; signed handshakes carry no ambient credential and are unaffected.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsSocket, kalshiHeaders } from './support/docs-client.ts';
import { addTrader, startKalshiExchange, type Trader } from './support/kalshi-exchange.ts';

const KALSHI_WS = '/trade-api/ws/v2';
const NATIVE_WS = '/api/v1/ws';
const FOREIGN = 'http://evil.example';

let ex: TestExchange;
let alice: Trader;
let cookie: string;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  await ex.gateway.services.auth.setPassword(alice.user.userId, 'correct horse battery');
  const login = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
  });
  assert.equal(login.status, 200);
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
});
after(() => ex?.close());

interface Refusal {
  readonly status: number;
  readonly body: { error?: { code?: string; details?: string } };
}

/** The handshake's refusal, or undefined when the socket opened (it is closed again at once). */
function refusal(path: string, headers: Record<string, string>): Promise<Refusal | undefined> {
  const ws = new WebSocket(ex.baseUrl.replace(/^http/, 'ws') + path, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(undefined);
    });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    ws.once('error', reject);
  });
}

test('a session-cookie Kalshi handshake from another origin is refused like a native one', async () => {
  for (const origin of [FOREIGN, 'null', 'http://127.0.0.1:1']) {
    const native = await refusal(NATIVE_WS, { cookie, origin });
    assert.equal(native?.status, 403, origin);
    assert.equal(native.body.error?.code, 'FORBIDDEN');
    const kalshi = await refusal(KALSHI_WS, { cookie, origin });
    assert.equal(kalshi?.status, 403, origin);
    assert.equal(kalshi.body.error?.code, 'forbidden');
    assert.equal(kalshi.body.error?.details, 'FORBIDDEN');
  }
});

test('the same origin (or no Origin: not a browser) opens a session socket with private channels', async () => {
  for (const headers of [{ cookie, origin: ex.baseUrl }, { cookie }]) {
    const ws = await DocsSocket.openWith(ex.baseUrl, headers);
    const id = ws.send('subscribe', { channels: ['fill'] });
    await ws.waitFor((m) => m.id === id && m.type === 'subscribed');
    ws.close();
  }
});

test('a signed handshake opens whatever Origin it carries', async () => {
  for (const origin of [FOREIGN, ex.baseUrl]) {
    const ws = await DocsSocket.openWith(ex.baseUrl, {
      ...kalshiHeaders(alice.creds, 'GET', KALSHI_WS),
      origin,
    });
    const id = ws.send('subscribe', { channels: ['fill'] });
    await ws.waitFor((m) => m.id === id && m.type === 'subscribed');
    ws.close();
  }
});
