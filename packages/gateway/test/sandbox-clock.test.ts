// The sandbox clock through the API (`serve --sandbox`): each clock operation moves the exchange's
// simulated time, and what is due happens at the simulated instant — a GTD order expires exactly at
// its expiry (not a millisecond before, after a step or a jump), a scheduled market closes at its
// close, a circuit breaker's pause ends at its reopening, candles fall in simulated minutes, a clock
// run at N× reaches them by itself, a paused clock holds — and every operation is in the event
// record with who did it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sandbox, SandboxClock } from '../src/index.ts';
import {
  listBinaryMarket,
  startTestExchange,
  type TestExchange,
  type TestUser,
} from './support/test-exchange.ts';

/** A fixed start far from the wall clock, so nothing here can pass by the wall clock's doing. */
const START = Date.parse('2030-01-01T00:00:00Z');

let ex: TestExchange;
let sandbox: Sandbox;
let trader: TestUser;

interface Clock {
  now: number;
  mode: string;
  rate: number;
}

const clockOp = (op: string, body?: unknown) =>
  ex.admin.rest.request<Clock>('POST', `/api/v1/sandbox/clock/${op}`, body);

before(async () => {
  sandbox = new Sandbox({ clock: new SandboxClock({ start: START, paused: true }) });
  ex = await startTestExchange({ sandbox });
  trader = await ex.addUser('gtd-trader', 'trader', 1_000_000_000);
});
after(() => ex.close());

async function isOpen(orderId: number): Promise<boolean> {
  const open = (await trader.rest.openOrders()).items as { orderId: number }[];
  return open.some((o) => o.orderId === orderId);
}

async function gtdOrder(expiresAt: number): Promise<number> {
  const ack = await trader.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 1_000,
    qtyLots: 100,
    tif: 'gtd',
    expiresAt,
  });
  assert.equal(ack.status, 'resting');
  return ack.orderId;
}

/** Polls (bounded by count, not by time) until `done`. */
async function eventually(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await done()) return;
    await sleep(10);
  }
  assert.fail(`never happened: ${what}`);
}

test('the exchange advertises the sandbox and its clock; a paused clock holds', async () => {
  const status = (await (await fetch(`${ex.baseUrl}/api/v1/exchange/status`)).json()) as {
    sandbox: boolean;
    clock: Clock;
  };
  assert.equal(status.sandbox, true);
  assert.equal(status.clock.mode, 'paused');
  const first = await ex.admin.rest.request<Clock>('GET', '/api/v1/sandbox/clock');
  await sleep(30);
  const again = await ex.admin.rest.request<Clock>('GET', '/api/v1/sandbox/clock');
  assert.equal(first.now, START, 'the setup did not move a paused clock');
  assert.equal(again.now, first.now, 'paused time stands still while the wall clock moves');
  // Commands are stamped with the simulated time.
  const ack = await trader.rest.placeOrder({
    market: ex.market,
    side: 'buy',
    priceTicks: 500,
    qtyLots: 100,
  });
  assert.equal(ack.ts, START);
  await trader.rest.cancelOrder(ack.orderId);
});

test('step: a GTD order expires exactly at its expiry, not a millisecond before', async () => {
  const now = (await clockOp('pause')).now;
  const orderId = await gtdOrder(now + 60_000);
  assert.equal((await clockOp('step', { ms: 59_999 })).now, now + 59_999);
  assert.equal(await isOpen(orderId), true, 'still open 1 ms before its expiry');
  assert.equal((await clockOp('step', { ms: 1 })).now, now + 60_000);
  assert.equal(await isOpen(orderId), false, 'expired at its expiry');
  const order = await trader.rest.order(orderId);
  assert.deepEqual([order.status, order.cancelReason], ['cancelled', 'expired']);
  assert.equal(order.updatedTs, now + 60_000, 'its expiry is stamped with the simulated instant');
});

test('jump: expiries in between happen at their own times, in order; never backwards', async () => {
  const now = (await clockOp('pause')).now;
  const first = await gtdOrder(now + 1_000);
  const second = await gtdOrder(now + 5_000);
  const third = await gtdOrder(now + 3_600_000);
  assert.equal((await clockOp('jump', { to: now + 999 })).now, now + 999);
  assert.deepEqual([await isOpen(first), await isOpen(second)], [true, true]);
  const jumped = await clockOp('jump', { to: now + 10_000 });
  assert.equal(jumped.now, now + 10_000);
  assert.deepEqual(
    [await isOpen(first), await isOpen(second), await isOpen(third)],
    [false, false, true],
  );
  const events = await ex.admin.rest.request<{
    items: { action: string; detail: Record<string, unknown> }[];
  }>('GET', '/api/v1/sandbox/events', undefined, { kind: 'clock' });
  const jump = events.items.at(-1)!;
  assert.equal(jump.action, 'jump');
  assert.equal(jump.detail.fired, 2, 'one tick per due time, each at that time');

  await assert.rejects(clockOp('jump', { to: now + 9_999 }), {
    status: 409,
    code: 'SANDBOX_CLOCK_BACKWARDS',
  });
  assert.equal(
    (await ex.admin.rest.request<Clock>('GET', '/api/v1/sandbox/clock')).now,
    now + 10_000,
  );
  await trader.rest.cancelOrder(third);
});

test('a scheduled market closes at the simulated time', async () => {
  const symbol = 'SANDBOX-CLOSE-YES';
  await listBinaryMarket(ex.admin, symbol, 'Closes on the simulated clock');
  const now = (await clockOp('pause')).now;
  const closesAt = now + 2 * 3_600_000;
  await ex.admin.rest.request('PUT', `/api/v1/admin/markets/${symbol}/schedule`, {
    opensAt: now + 60_000,
    closesAt,
  });
  const status = async () =>
    (await ex.admin.rest.request<{ status: string }>('GET', `/api/v1/markets/${symbol}`)).status;
  assert.equal(await status(), 'created');
  await clockOp('step', { ms: 60_000 });
  assert.equal(await status(), 'open', 'opened at its opening time');
  await clockOp('jump', { to: closesAt - 1 });
  assert.equal(await status(), 'open');
  await clockOp('step', { ms: 1 });
  assert.equal(await status(), 'closed', 'closed at its closing time');
});

test('run at N×: simulated time passes by itself and due work follows it', async () => {
  const now = (await clockOp('pause')).now;
  // A day of simulated time at 100,000× is under a second of wall time.
  const expiresAt = now + 86_400_000;
  const orderId = await gtdOrder(expiresAt);
  const running = await clockOp('run', { rate: 100_000 });
  assert.deepEqual([running.mode, running.rate], ['running', 100_000]);
  await eventually('the order expired', async () => !(await isOpen(orderId)));
  const after = (await clockOp('pause')).now;
  assert.ok(after >= expiresAt, 'the clock passed the expiry before the order expired');
  const held = await ex.admin.rest.request<Clock>('GET', '/api/v1/sandbox/clock');
  assert.deepEqual([held.now, held.mode], [after, 'paused']);
});

test("a circuit breaker's pause ends at the simulated time; candles fall in simulated buckets", async () => {
  const symbol = 'SANDBOX-CB-YES';
  await listBinaryMarket(ex.admin, symbol, 'Breaker on the simulated clock');
  const rules = { moveTicks: 500, moveBps: 0, windowMs: 60_000, pauseMs: 600_000, bandTicks: 0 };
  await ex.admin.rest.request('PUT', `/api/v1/admin/markets/${symbol}/circuit-breaker`, {
    breaker: rules,
  });
  await ex.admin.rest.request('POST', `/api/v1/admin/markets/${symbol}/status`, { status: 'open' });
  const maker = await ex.addUser('cb-maker', 'trader', 1_000_000_000);
  const now = (await clockOp('pause')).now;
  await maker.rest.placeOrder({ market: symbol, side: 'sell', priceTicks: 5_000, qtyLots: 200 });
  await maker.rest.placeOrder({ market: symbol, side: 'sell', priceTicks: 5_600, qtyLots: 100 });
  await trader.rest.placeOrder({ market: symbol, side: 'buy', priceTicks: 5_000, qtyLots: 100 });
  await trader.rest.placeOrder({ market: symbol, side: 'buy', priceTicks: 5_600, qtyLots: 200 });
  const view = async () =>
    ex.admin.rest.request<{ status: string; reopensAt: number | null }>(
      'GET',
      `/api/v1/markets/${symbol}`,
    );
  const paused = await view();
  assert.deepEqual([paused.status, paused.reopensAt], ['paused', now + 600_000]);
  await clockOp('step', { ms: 599_999 });
  assert.equal((await view()).status, 'paused', 'still paused 1 ms before it reopens');
  await clockOp('step', { ms: 1 });
  assert.equal((await view()).status, 'open', 'reopened at the simulated time');
  // The trades were stamped with the simulated time, so their candle is the simulated minute's.
  const candles = (await trader.rest.candles(symbol, '1m')) as unknown as {
    items: { bucketTs: number; tradeCount: number }[];
  };
  const minute = now - (now % 60_000);
  assert.ok(
    candles.items.some((c) => c.bucketTs === minute && c.tradeCount > 0),
    JSON.stringify(candles),
  );
});

test('the event record lists every clock operation, in order, with who did it', async () => {
  const { items } = await ex.admin.rest.request<{
    items: {
      id: number;
      at: number;
      kind: string;
      action: string;
      account: number | null;
      by: string;
    }[];
  }>('GET', '/api/v1/sandbox/events');
  const clock = items.filter((e) => e.kind === 'clock');
  assert.deepEqual(
    clock.map((e) => e.action),
    [
      'pause',
      'step',
      'step',
      'pause',
      'jump',
      'jump',
      'pause',
      'step',
      'jump',
      'step',
      'pause',
      'run',
      'pause',
      'pause',
      'step',
      'step',
    ],
  );
  assert.ok(clock.every((e) => e.by === 'admin' && e.account === null));
  for (let i = 1; i < items.length; i++) {
    assert.ok(items[i]!.id > items[i - 1]!.id);
    assert.ok(items[i]!.at >= items[i - 1]!.at, 'simulated times never go back');
  }
  // A trader sees the exchange-wide events too, but not another account's.
  const mine = await trader.rest.request<{ items: unknown[] }>('GET', '/api/v1/sandbox/events');
  assert.equal(mine.items.length, items.length);
  await assert.rejects(
    trader.rest.request('GET', '/api/v1/sandbox/events', undefined, {
      account: ex.admin.accountId,
    }),
    { status: 403, code: 'FORBIDDEN' },
  );
  // The clock itself is an admin's.
  await assert.rejects(trader.rest.request('POST', '/api/v1/sandbox/clock/step', { ms: 1 }), {
    status: 403,
  });
});
