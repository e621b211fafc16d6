// Rate limits (429 + Retry-After), web sessions (HttpOnly cookie, CSRF header), the WebSocket's own
// refusals, and the operational endpoints (/metrics, /healthz, /readyz, /openapi.json, /docs, /).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type BourseApiError, SocketClient } from '@bourse/client';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let alice: TestUser;

before(async () => {
  ex = await startTestExchange({
    // No built web UI here, so `/` shows the landing page.
    webDir: '/nonexistent',
    rateLimits: {
      perIp: { capacity: 1_000, refillPerSecond: 1_000 },
      perKey: { capacity: 5, refillPerSecond: 0.5 },
      marketMakerMultiplier: 1,
    },
  });
  alice = await ex.addUser('alice', 'trader', 10_000_000);
  await ex.gateway.services.auth.setPassword(alice.userId, 'correct horse battery');
});
after(() => ex.close());

test('a key over its rate limit gets 429 with Retry-After, other keys are unaffected', async () => {
  let limited: BourseApiError | undefined;
  for (let i = 0; i < 10 && limited === undefined; i++) {
    try {
      await alice.rest.balances();
    } catch (error) {
      limited = error as BourseApiError;
    }
  }
  assert.equal(limited?.status, 429);
  assert.equal(limited?.code, 'RATE_LIMITED');
  assert.ok((limited?.retryAfterSeconds ?? 0) >= 1);
  const bob = await ex.addUser('bob', 'trader');
  assert.equal((await bob.rest.account()).username, 'bob');
});

test('password login sets an HttpOnly SameSite cookie; writes need the CSRF header', async () => {
  const bad = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'wrong' }),
  });
  assert.equal(bad.status, 401);
  assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'BAD_CREDENTIALS');
  const res = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const session = cookie.split(';')[0]!;
  const me = await fetch(`${ex.baseUrl}/api/v1/account`, { headers: { cookie: session } });
  assert.equal(((await me.json()) as { username: string }).username, 'alice');
  const order = JSON.stringify({ market: ex.market, side: 'buy', priceTicks: 1_000, qtyLots: 100 });
  const noCsrf = await fetch(`${ex.baseUrl}/api/v1/orders`, {
    method: 'POST',
    headers: { cookie: session, 'content-type': 'application/json' },
    body: order,
  });
  assert.equal(noCsrf.status, 403);
  const withCsrf = await fetch(`${ex.baseUrl}/api/v1/orders`, {
    method: 'POST',
    headers: { cookie: session, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: order,
  });
  assert.equal(withCsrf.status, 201);

  // The session cookie also opens a WebSocket with private channels (same-origin only).
  const { default: WebSocket } = await import('ws');
  const wsUrl = `${ex.baseUrl.replace('http', 'ws')}/api/v1/ws`;
  const ws = new WebSocket(wsUrl, { headers: { cookie: session } });
  await new Promise((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  const answer = new Promise<string>((ok) => ws.once('message', (d) => ok(d.toString())));
  ws.send(JSON.stringify({ op: 'subscribe', channel: 'orders', id: 1 }));
  assert.equal(JSON.parse(await answer).type, 'subscribed');
  ws.close();
  const foreign = new WebSocket(wsUrl, {
    headers: { cookie: session, origin: 'http://evil.example' },
  });
  const status = await new Promise<number>((ok) => {
    foreign.once('unexpected-response', (_req, res) => ok(res.statusCode ?? 0));
    foreign.once('open', () => ok(101));
  });
  assert.equal(status, 403);
});

test('password guessing is slowed per username', async () => {
  let status = 0;
  for (let i = 0; i < 12 && status !== 429; i++) {
    const res = await fetch(`${ex.baseUrl}/api/v1/session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: `guess-${i}` }),
    });
    status = res.status;
  }
  assert.equal(status, 429);
});

test('the socket refuses bad messages with codes and keeps private channels private', async () => {
  const anon = await SocketClient.connect(
    new (await import('@bourse/client')).RestClient({ baseUrl: ex.baseUrl }),
  );
  await assert.rejects(anon.subscribe('fills'), { code: 'UNAUTHENTICATED' });
  await assert.rejects(anon.subscribe('book', 'NOPE'), { code: 'MARKET_NOT_FOUND' });
  await assert.rejects(
    anon.place({ market: ex.market, side: 'buy', priceTicks: 1_000, qtyLots: 100 }),
    {
      code: 'UNAUTHENTICATED',
    },
  );
  await assert.rejects(anon.request({ op: 'dance' }), { code: 'VALIDATION_FAILED' });
  const pong = await anon.request({ op: 'ping' });
  assert.equal(pong.type, 'pong');
  await anon.close();
  const res = await fetch(`${ex.baseUrl}/api/v1/ws`, {
    headers: { connection: 'Upgrade', upgrade: 'websocket', 'KALSHI-ACCESS-KEY': alice.keyId },
  }).catch(() => undefined);
  assert.ok(res === undefined || res.status >= 400);
});

test('operations endpoints: metrics, health, readiness, OpenAPI, docs, landing page', async () => {
  const metrics = await (await fetch(`${ex.baseUrl}/metrics`)).text();
  for (const name of [
    'bourse_commands_total',
    'bourse_ack_latency_seconds_bucket',
    'bourse_fsync_latency_seconds_count',
    'bourse_engine_queue_depth',
    'bourse_ws_connections',
    'bourse_ws_messages_out_total',
    'bourse_projection_lag_commands',
    'bourse_event_loop_delay_seconds_bucket',
    'bourse_gc_pause_seconds_bucket{kind="scavenge"',
    'bourse_gc_survived_bytes_bucket',
    'bourse_gc_promoted_bytes_total',
  ]) {
    assert.match(metrics, new RegExp(`^${name}`, 'm'));
  }
  assert.equal((await fetch(`${ex.baseUrl}/healthz`)).status, 200);
  assert.equal((await fetch(`${ex.baseUrl}/readyz`)).status, 200);
  const doc = (await (await fetch(`${ex.baseUrl}/openapi.json`)).json()) as {
    openapi: string;
    paths: Record<string, unknown>;
  };
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.paths['/api/v1/orders/{orderId}']);
  const docs = await (await fetch(`${ex.baseUrl}/docs`)).text();
  assert.match(docs, /POST<\/span> <code>\/api\/v1\/orders<\/code>/);
  assert.doesNotMatch(docs, /<script/);
  assert.match(await (await fetch(`${ex.baseUrl}/`)).text(), /href="\/docs"/);
});

test("metrics count the engine's rejects by their code", async () => {
  const applied = await ex.gateway.services.core.submit({
    type: 'deposit',
    accountId: 987_654,
    assetId: 1,
    amount: 1,
  });
  const rejected = applied.events[0];
  assert.equal(rejected?.type, 'rejected');
  const metrics = await (await fetch(`${ex.baseUrl}/metrics`)).text();
  const line = new RegExp(
    `^bourse_rejects_by_code_total\\{code="${rejected.reason}"\\} (\\d+)$`,
    'm',
  );
  assert.ok(Number(line.exec(metrics)?.[1]) >= 1, metrics);
  assert.match(metrics, /^# TYPE bourse_rejects_by_code_total counter$/m);
});

test('exchange status: public, answered by the engine, follows an admin halt', async () => {
  const status = async () =>
    (await (await fetch(`${ex.baseUrl}/api/v1/exchange/status`)).json()) as {
      halted: boolean;
      tradingActive: boolean;
      seq: number;
    };
  const before = await status();
  assert.equal(before.halted, false);
  assert.equal(before.tradingActive, true);
  const halt = (await ex.admin.rest.request('POST', '/api/v1/admin/halt', { halted: true })) as {
    seq: number;
  };
  assert.deepEqual(await status(), {
    halted: true,
    tradingActive: false,
    seq: halt.seq,
    sandbox: false,
  });
  await ex.admin.rest.request('POST', '/api/v1/admin/halt', { halted: false });
  assert.equal((await status()).halted, false);
});
