// End to end over real sockets: each sandbox fault, added to the gateway's fault table for one account,
// is what that account's client sees — a 429 with the Retry-After of the window, a 5xx before or after
// execution, added latency, a dropped or duplicated message, a skipped book seq, a forced disconnect,
// a frozen book while trading goes on — and nothing else: the next request or message is normal, and
// another account's traffic is untouched. Every injection is recorded with its time, target and kind.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketClient } from '@bourse/client';
import { Sandbox } from '../src/sandbox/sandbox.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let bob: TestUser;
let carol: TestUser;
let skewMs = 0;
const sandbox = new Sandbox();
const faults = sandbox.faults;
let since = 0;
/** The injections recorded in the sandbox's event record since the test began. */
const recorded = () =>
  sandbox.recorder.list({ kind: 'fault', after: since }).map((e) => ({
    kind: e.action,
    accountId: e.account,
    target: e.target,
    detail: e.detail.what,
    ts: e.wallAt,
  }));

before(async () => {
  ex = await startTestExchange({ sandbox, clock: () => Date.now() + skewMs });
  bob = await ex.addUser('bob', 'trader', 1_000_000_000);
  carol = await ex.addUser('carol', 'trader', 1_000_000_000);
});
after(() => ex.close());
const sockets: SocketClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await socket.close();
  await bob.rest.cancelAll();
});
beforeEach(() => {
  faults.clear();
  since = sandbox.recorder.count;
  skewMs = 0;
});

const now = () => ex.gateway.services.clock();

interface Answer {
  readonly error: { readonly code: string };
  readonly accountId?: number;
}

/** What a socket received (the fields these tests read). */
interface Msg {
  readonly channel?: string;
  readonly type?: string;
  readonly seq?: number;
  readonly items?: readonly { readonly orderId: number }[];
}

/** A signed request by `u`, answered raw (status, headers, body). */
async function call(u: TestUser, method: string, path: string, body?: unknown) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = u.rest.authHeaders(method, path, text ?? '');
  if (text !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${ex.baseUrl}${path}`, {
    method,
    headers,
    ...(text === undefined ? {} : { body: text }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer };
}

const order = (priceTicks: number) => ({
  market: ex.market,
  side: 'buy',
  priceTicks,
  qtyLots: 100,
});

async function openOrderCount(u: TestUser): Promise<number> {
  return (await u.rest.openOrders()).items.length;
}

/** A socket of `u` that keeps every message it receives. */
async function listen(u: TestUser) {
  const socket = await SocketClient.connect(u.rest);
  sockets.push(socket);
  const got: Msg[] = [];
  let closed = false;
  socket.onMessage = (m) => got.push(m as Msg);
  socket.onClose = () => {
    closed = true;
  };
  return { socket, got, isClosed: () => closed };
}

async function eventually(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await done()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting until ${what}`);
}

const bookDeltas = (got: readonly Msg[]) =>
  got.filter((m) => m.channel === 'book' && m.type === 'delta').map((m) => m.seq as number);

test('rateLimit: every request of the account in the window gets 429 with the seconds left', async () => {
  faults.add({ kind: 'rateLimit', accountId: bob.accountId, retryAfterSeconds: 3 }, now());
  const first = await call(bob, 'GET', '/api/v1/portfolio/balances');
  assert.equal(first.status, 429);
  assert.equal(first.headers.get('retry-after'), '3');
  assert.equal(first.body.error.code, 'RATE_LIMITED');
  skewMs = 1_500;
  const second = await call(bob, 'POST', '/api/v1/orders', order(1_000));
  assert.equal(second.status, 429);
  assert.equal(second.headers.get('retry-after'), '2');
  assert.equal((await call(carol, 'GET', '/api/v1/portfolio/balances')).status, 200);
  skewMs = 3_000;
  assert.equal((await call(bob, 'GET', '/api/v1/portfolio/balances')).status, 200);
  assert.equal(await openOrderCount(bob), 0, 'the refused order was not placed');
  assert.deepEqual(
    recorded().map((e) => [e.kind, e.accountId, e.detail]),
    [
      ['rateLimit', bob.accountId, 'GET /api/v1/portfolio/balances → 429 Retry-After 3'],
      ['rateLimit', bob.accountId, 'POST /api/v1/orders → 429 Retry-After 2'],
    ],
  );
  assert.ok(recorded().every((e) => e.ts >= Date.now() - 60_000));
  assert.deepEqual(
    recorded().map((e) => e.target),
    ['GET /api/v1/portfolio/balances', 'POST /api/v1/orders'],
  );
});

test('serverError before execution: the 5xx, nothing placed, then normal answers', async () => {
  faults.add(
    { kind: 'serverError', accountId: bob.accountId, route: 'POST /api/v1/orders' },
    now(),
  );
  assert.equal((await call(bob, 'GET', '/api/v1/portfolio/balances')).status, 200);
  const failed = await call(bob, 'POST', '/api/v1/orders', order(1_100));
  assert.equal(failed.status, 500);
  assert.equal(failed.body.error.code, 'INTERNAL');
  assert.equal(await openOrderCount(bob), 0);
  const ok = await call(bob, 'POST', '/api/v1/orders', order(1_100));
  assert.equal(ok.status, 201);
  assert.equal(await openOrderCount(bob), 1);
  await bob.rest.cancelAll();
  assert.deepEqual(
    recorded().map((e) => [e.kind, e.detail]),
    [['serverError', 'POST /api/v1/orders → 500']],
  );
});

test('serverError after execution: the order is placed and its answer is a 503', async () => {
  faults.add(
    {
      kind: 'serverError',
      accountId: bob.accountId,
      route: 'POST /api/v1/orders',
      status: 503,
      afterExecution: true,
    },
    now(),
  );
  const lost = await call(bob, 'POST', '/api/v1/orders', { ...order(1_200), clientOrderId: 'x1' });
  assert.equal(lost.status, 503);
  assert.equal(lost.headers.get('retry-after'), null);
  const open = (await bob.rest.openOrders()).items;
  assert.deepEqual(
    open.map((o) => o.clientOrderId),
    ['x1'],
  );
  assert.equal((await call(bob, 'GET', '/api/v1/portfolio/balances')).status, 200);
  await bob.rest.cancelAll();
  assert.deepEqual(
    recorded().map((e) => e.detail),
    ['POST /api/v1/orders → 503 after execution'],
  );
});

test('latency: the matching requests are answered late, the others at once', async () => {
  faults.add(
    {
      kind: 'latency',
      accountId: bob.accountId,
      latencyMs: 400,
      count: 2,
      route: 'GET /api/v1/account',
    },
    now(),
  );
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const r = await call(bob, 'GET', '/api/v1/account');
    assert.equal(r.status, 200);
    assert.equal(r.body.accountId, bob.accountId);
    assert.ok(performance.now() - t0 >= 390, 'delayed by the injected latency');
  }
  assert.equal(faults.list(now()).length, 0, 'the count is used up');
  assert.deepEqual(
    recorded().map((e) => e.detail),
    ['GET /api/v1/account → +400 ms', 'GET /api/v1/account → +400 ms'],
  );
});

test('sequenceGap: one book delta is skipped, the stream goes on and a resubscribe resyncs', async () => {
  const bobWs = await listen(bob);
  const carolWs = await listen(carol);
  await bobWs.socket.subscribe('book', ex.market);
  await carolWs.socket.subscribe('book', ex.market);
  faults.add({ kind: 'sequenceGap', accountId: bob.accountId }, now());
  for (const p of [1_300, 1_400, 1_500]) await carol.rest.placeOrder(order(p) as never);
  await eventually('carol saw three deltas', () => bookDeltas(carolWs.got).length === 3);
  await eventually('bob saw two deltas', () => bookDeltas(bobWs.got).length === 2);
  const all = bookDeltas(carolWs.got);
  assert.deepEqual(bookDeltas(bobWs.got), [all[1], all[2]], 'exactly the first delta is missing');
  await carol.rest.cancelAll();
  await eventually('bob saw the cancel-all', () => bookDeltas(bobWs.got).length === 3);
  assert.equal(recorded().length, 1);
  assert.equal(recorded()[0]!.kind, 'sequenceGap');
  assert.equal(recorded()[0]!.detail, `book 1 seq ${all[0]} dropped`);
});

test('duplicateMessages: the next book delta arrives twice, the ones after once', async () => {
  const bobWs = await listen(bob);
  await bobWs.socket.subscribe('book', ex.market);
  faults.add({ kind: 'duplicateMessages', accountId: bob.accountId }, now());
  await carol.rest.placeOrder(order(1_300) as never);
  await carol.rest.placeOrder(order(1_400) as never);
  await eventually('three deltas', () => bookDeltas(bobWs.got).length === 3);
  const [a, b, c] = bookDeltas(bobWs.got);
  assert.equal(a, b);
  assert.equal(c, a! + 1);
  assert.match(recorded()[0]!.target ?? '', /^socket \d+$/);
});

test('dropMessages on a private channel: the next orders update is lost, the next arrives', async () => {
  const bobWs = await listen(bob);
  await bobWs.socket.subscribe('orders');
  faults.add({ kind: 'dropMessages', accountId: bob.accountId, channel: 'orders' }, now());
  const first = await bob.rest.placeOrder(order(1_300) as never);
  const second = await bob.rest.placeOrder(order(1_400) as never);
  const updates = () => bobWs.got.filter((m) => m.channel === 'orders' && m.type === 'update');
  await eventually('an orders update', () => updates().length > 0);
  const ids = updates().flatMap((m) => (m.items ?? []).map((i) => i.orderId));
  assert.ok(!ids.includes(first.orderId), 'the first order update was dropped');
  assert.ok(ids.includes(second.orderId));
  assert.equal(recorded().length, 1);
});

test('disconnect: the account sockets end at once, other sockets stay', async () => {
  const bobWs = await listen(bob);
  const carolWs = await listen(carol);
  const f = faults.add({ kind: 'disconnect', accountId: bob.accountId }, now());
  assert.ok(typeof f !== 'string');
  assert.equal(f.injected, 1);
  await eventually('bob socket closed', () => bobWs.isClosed());
  assert.equal(carolWs.isClosed(), false);
  assert.equal((await carolWs.socket.request({ op: 'ping' })).type, 'pong');
  assert.deepEqual(
    recorded().map((e) => [e.kind, e.accountId, e.detail]),
    [['disconnect', bob.accountId, '1 socket(s) disconnected']],
  );
});

test('staleBook: market data freezes for the account while its orders still trade', async () => {
  const bobWs = await listen(bob);
  await bobWs.socket.subscribe('book', ex.market);
  await bobWs.socket.subscribe('trades', ex.market);
  await bobWs.socket.subscribe('fills');
  faults.add({ kind: 'staleBook', accountId: bob.accountId }, now());
  await carol.rest.placeOrder({ ...order(1_500), side: 'sell' } as never);
  await bob.rest.placeOrder(order(1_500) as never);
  const fills = () => bobWs.got.filter((m) => m.channel === 'fills');
  await eventually('bob got his fill', () => fills().length > 0);
  assert.deepEqual(
    bobWs.got.filter((m) => m.channel === 'book' || m.channel === 'trades').map((m) => m.type),
    ['subscribed', 'snapshot', 'subscribed'],
    'no book delta or trade after the subscribe snapshot',
  );
  faults.clear();
  await carol.rest.placeOrder(order(1_000) as never);
  await eventually('the book moves again', () => bookDeltas(bobWs.got).length === 1);
  assert.ok(recorded().length >= 2 && recorded().every((e) => e.kind === 'staleBook'));
});

test('bad specs are refused with the field and the rule; no fault means no cost', () => {
  const bad = faults.add({ kind: 'latency', accountId: bob.accountId }, now());
  assert.equal(bad, 'latencyMs is required for latency');
  assert.equal(
    faults.add({ kind: 'serverError', accountId: 1, status: 418 }, now()),
    'status must be one of 500, 502, 503, 504',
  );
  assert.equal(faults.active, false);
});

test('the admin API adds, lists and clears faults; the event record names who and what', async () => {
  const added = await ex.admin.rest.request<{ faultId: number; until: number }>(
    'POST',
    '/api/v1/sandbox/faults',
    { kind: 'rateLimit', account: bob.accountId, retryAfterSeconds: 60, market: ex.market },
  );
  assert.ok(added.until > Date.now());
  const listed = await ex.admin.rest.request<{ items: { faultId: number; kind: string }[] }>(
    'GET',
    '/api/v1/sandbox/faults',
  );
  assert.deepEqual(
    listed.items.map((f) => [f.faultId, f.kind]),
    [[added.faultId, 'rateLimit']],
  );
  assert.equal((await call(bob, 'GET', '/api/v1/portfolio/balances')).status, 429);
  await assert.rejects(bob.rest.request('GET', '/api/v1/sandbox/faults'), { status: 403 });
  await assert.rejects(
    ex.admin.rest.request('POST', '/api/v1/sandbox/faults', {
      kind: 'latency',
      account: bob.accountId,
    }),
    { status: 400, code: 'VALIDATION_FAILED', message: /latencyMs is required/ },
  );
  const socket = await SocketClient.connect(bob.rest);
  sockets.push(socket);
  const open = await ex.admin.rest.request<{ items: { socket: number; account: number }[] }>(
    'GET',
    '/api/v1/sandbox/sockets',
  );
  assert.ok(open.items.some((s) => s.account === bob.accountId));
  assert.deepEqual(
    await ex.admin.rest.request('DELETE', `/api/v1/sandbox/faults/${added.faultId}`),
    { cleared: 1 },
  );
  assert.equal((await call(bob, 'GET', '/api/v1/portfolio/balances')).status, 200);
  // Bob reads what he was subjected to: the fault added, the 429 he got, its removal.
  const events = await bob.rest.request<{ items: { action: string; by: string }[] }>(
    'GET',
    '/api/v1/sandbox/events',
    undefined,
    { kind: 'fault', after: since },
  );
  assert.deepEqual(
    events.items.map((e) => [e.action, e.by]),
    [
      ['add', 'admin'],
      ['rateLimit', 'admin'],
      ['clear', 'admin'],
    ],
  );
});
