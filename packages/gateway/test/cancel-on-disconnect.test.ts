// End to end over real sockets: a trade-scoped socket armed with cancel-on-disconnect (the op, or
// `?cancelOnDisconnect=1` on the handshake) has every open order of its account — resting or parked,
// placed on that socket or not — cancelled by a journaled cancel-all when it closes: a dropped
// connection, a client close, a heartbeat timeout, revoked credentials. Disarming, a market scope, the
// socket's error codes for refused ops (nothing armed after them), and a graceful server shutdown
// (which cancels nothing) are covered too.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RestClient, SocketClient } from '@bourse/client';
import type { AppliedCommand, CommandInput } from '@bourse/core';
import { CoreError } from '@bourse/core';
import WebSocket from 'ws';
import type { GatewayServices } from '../src/api/gateway-services.ts';
import { createLogger } from '../src/ops/logger.ts';
import { submitCancelOnDisconnect } from '../src/ws/cancel-on-disconnect.ts';
import { openBinaryMarket, startTestExchange, type TestExchange } from './support/test-exchange.ts';
import { metricValue, openSocket, WS_PATH } from './support/test-sockets.ts';

const OTHER = 'TEST-27-YES';
const METRIC = 'bourse_ws_cancel_on_disconnect_total';

let ex: TestExchange;

before(async () => {
  ex = await startTestExchange();
  await openBinaryMarket(ex.admin, OTHER, 'Another test market');
});
after(() => ex.close());

/** Polls until `done` holds, for at most `ms`; fails the test if it never does. */
async function eventually(what: string, done: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/** The ids of the account's open orders (resting and parked), optionally in one market. */
async function openIds(rest: RestClient, market?: string): Promise<number[]> {
  const items = (await rest.openOrders()).items;
  return items
    .filter((o) => market === undefined || o.market === market)
    .map((o) => o.orderId as number)
    .sort((a, b) => a - b);
}

/** A resting buy, a resting sell and a parked stop in `market`; their order ids. */
async function quote(place: RestClient | SocketClient, market: string): Promise<number[]> {
  const send = (o: Parameters<RestClient['placeOrder']>[0]) =>
    place instanceof SocketClient ? place.place(o) : place.placeOrder(o);
  const acks = [
    await send({ market, side: 'buy', priceTicks: 3_000, qtyLots: 200 }),
    await send({ market, side: 'sell', priceTicks: 7_000, qtyLots: 100 }),
    await send({
      market,
      side: 'buy',
      type: 'stopLimit',
      stopPriceTicks: 9_000,
      priceTicks: 9_100,
      qtyLots: 100,
    }),
  ];
  assert.deepEqual(
    acks.map((a) => a.status),
    ['resting', 'resting', 'parked'],
  );
  return acks.map((a) => a.orderId);
}

/** Waits until the server has let go of every socket (so a close has been handled there). */
const serverDropped = (e: TestExchange) =>
  eventually(
    'the server dropped the socket',
    async () => e.gateway.services.metrics.wsConnections === 0,
  );

const cancels = () => metricValue(ex.baseUrl, METRIC);

/** The HTTP status a handshake with `query` and `headers` gets: 101 when the socket opens. */
function handshakeStatus(query: string, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(`${ex.baseUrl.replace(/^http/, 'ws')}${WS_PATH}${query}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

test('a dropped armed socket cancels every open order of the account, not only its own', async () => {
  const mia = await ex.addUser('mia', 'market-maker', 1_000_000_000);
  const ws = await SocketClient.connect(mia.rest);
  assert.deepEqual(await ws.cancelOnDisconnect(true), { enabled: true, market: null });
  const viaSocket = await quote(ws, ex.market);
  const viaRest = await quote(mia.rest, OTHER);
  assert.deepEqual(await openIds(mia.rest), [...viaSocket, ...viaRest]);
  const before = await cancels();

  await ws.terminate();
  await eventually('the orders are cancelled', async () => (await openIds(mia.rest)).length === 0);
  assert.equal(await cancels(), before + 1);
  const first = await mia.rest.order(viaSocket[0]!);
  assert.equal(first.status, 'cancelled');
  assert.equal(first.cancelReason, 'cancelAll');
  // The reservations went with the orders.
  const usd = (await mia.rest.balances()).items.find((b) => b.assetId === 1);
  assert.equal(usd?.reserved, 0);
});

test('enabled: false after true disarms: the orders stay', async () => {
  const noah = await ex.addUser('noah', 'trader', 1_000_000_000);
  const ws = await SocketClient.connect(noah.rest);
  await ws.cancelOnDisconnect(true);
  assert.deepEqual(await ws.cancelOnDisconnect(false), { enabled: false, market: null });
  const ids = await quote(ws, ex.market);
  const before = await cancels();

  await ws.terminate();
  await serverDropped(ex);
  await sleep(100);
  assert.equal(await cancels(), before);
  assert.deepEqual(await openIds(noah.rest), ids);
  await noah.rest.cancelAll();
});

test('a market-scoped arm cancels only that market’s orders', async () => {
  const olga = await ex.addUser('olga', 'trader', 1_000_000_000);
  const ws = await SocketClient.connect(olga.rest);
  const kept = await quote(ws, ex.market);
  await quote(olga.rest, OTHER);
  // By symbol or by instrument id; the ack names the symbol either way.
  const id = (await olga.rest.market(OTHER)).instrumentId;
  assert.deepEqual(await ws.cancelOnDisconnect(true, id), { enabled: true, market: OTHER });
  // Arming again replaces the scope.
  assert.deepEqual(await ws.cancelOnDisconnect(true, OTHER), { enabled: true, market: OTHER });
  const before = await cancels();

  await ws.terminate();
  await eventually(
    'the other market is empty',
    async () => (await openIds(olga.rest, OTHER)).length === 0,
  );
  assert.deepEqual(await openIds(olga.rest), kept);
  assert.equal(await cancels(), before + 1);
  await olga.rest.cancelAll();
});

test('a graceful close by the client cancels too', async () => {
  const pia = await ex.addUser('pia', 'trader', 1_000_000_000);
  const ws = await SocketClient.connect(pia.rest);
  await ws.cancelOnDisconnect(true);
  await quote(ws, ex.market);
  await ws.close();
  await eventually('the orders are cancelled', async () => (await openIds(pia.rest)).length === 0);
});

test('?cancelOnDisconnect=1 arms the socket from the handshake', async () => {
  const quinn = await ex.addUser('quinn', 'trader', 1_000_000_000);
  const ws = await SocketClient.connect(quinn.rest, { cancelOnDisconnect: true });
  await quote(ws, ex.market);
  await ws.terminate();
  await eventually(
    'the orders are cancelled',
    async () => (await openIds(quinn.rest)).length === 0,
  );
});

test('a heartbeat timeout and revoked credentials cancel as well', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ write: (line) => lines.push(JSON.parse(line)) });
  const hb = await startTestExchange({ ws: { heartbeatMs: 100 }, logger });
  try {
    const rae = await hb.addUser('rae', 'trader', 1_000_000_000);
    const ws = await SocketClient.connect(rae.rest);
    await ws.cancelOnDisconnect(true);
    await quote(ws, hb.market);
    // No pongs: the server ends the socket after a missed heartbeat.
    ws.pauseReading();
    await eventually(
      'the orders are cancelled',
      async () => (await openIds(rae.rest)).length === 0,
    );
    assert.equal(hb.gateway.services.metrics.wsCancelOnDisconnect, 1);
    const logged = lines.find((l) => l.msg === 'ws cancel on disconnect');
    assert.equal(logged?.level, 'info');
    assert.equal(logged?.accountId, rae.accountId);
    assert.equal(logged?.cause, 'heartbeat');
    assert.equal(logged?.market, null);
    assert.equal(logged?.cancelledOrders, 3);
    ws.resumeReading();
    await ws.terminate();
  } finally {
    await hb.close();
  }

  const sam = await ex.addUser('sam', 'trader', 1_000_000_000);
  const ws = await SocketClient.connect(sam.rest, { cancelOnDisconnect: true });
  assert.equal((await quote(ws, ex.market)).length, 3);
  const path = `/api/v1/account/api-keys/${sam.keyId}`;
  const revoked = await fetch(`${ex.baseUrl}${path}`, {
    method: 'DELETE',
    headers: sam.rest.authHeaders('DELETE', path),
  });
  assert.equal(revoked.status, 200);
  // The key no longer signs, so the engine is asked directly.
  const live = () => ex.gateway.services.core.query.openOrders(sam.accountId);
  await eventually('the orders are cancelled', async () => (await live()).length === 0);
});

test('read-only and anonymous sockets are refused with the socket’s codes', async () => {
  const vic = await ex.addUser('vic', 'viewer');
  const viewer = await SocketClient.connect(vic.rest);
  await assert.rejects(viewer.cancelOnDisconnect(true), { code: 'FORBIDDEN' });
  await viewer.close();

  const anon = await openSocket(ex.baseUrl, {});
  const answer = new Promise<Record<string, unknown>>((resolve) =>
    anon.ws.once('message', (d) => resolve(JSON.parse(d.toString()))),
  );
  anon.ws.send(JSON.stringify({ op: 'cancelOnDisconnect', enabled: true, id: 7 }));
  const error = await answer;
  assert.equal(error.type, 'error');
  assert.equal(error.id, 7);
  assert.equal((error.error as { code: string }).code, 'UNAUTHENTICATED');
  anon.ws.close();

  // Armed from the handshake: refused before the socket opens.
  await assert.rejects(SocketClient.connect(vic.rest, { cancelOnDisconnect: true }), {
    code: 'HANDSHAKE_REFUSED',
    status: 403,
  });
  assert.equal(await handshakeStatus('?cancelOnDisconnect=1', {}), 401);
  assert.equal(await handshakeStatus('?cancelOnDisconnect=0', {}), 101);
});

test('bad input is refused with the socket’s codes and arms nothing', async () => {
  const uma = await ex.addUser('uma', 'trader', 1_000_000_000);
  const ws = await SocketClient.connect(uma.rest);
  const refused = async (msg: Record<string, unknown>, code: string) => {
    await assert.rejects(ws.request({ op: 'cancelOnDisconnect', ...msg }), { code });
  };
  await refused({}, 'VALIDATION_FAILED');
  await refused({ enabled: 'true' }, 'VALIDATION_FAILED');
  await refused({ enabled: 1 }, 'VALIDATION_FAILED');
  await refused({ enabled: true, market: 'NO-SUCH-MARKET' }, 'MARKET_NOT_FOUND');
  await refused({ enabled: true, market: { symbol: ex.market } }, 'VALIDATION_FAILED');
  await refused({ enabled: false, market: ex.market }, 'VALIDATION_FAILED');
  const ids = await quote(ws, ex.market);
  const before = await cancels();
  await ws.terminate();
  await serverDropped(ex);
  await sleep(100);
  assert.equal(await cancels(), before);
  assert.deepEqual(await openIds(uma.rest), ids);
  await uma.rest.cancelAll();

  // A refused op leaves an earlier arm as it was.
  const kept = await SocketClient.connect(uma.rest);
  await kept.cancelOnDisconnect(true, OTHER);
  await assert.rejects(kept.cancelOnDisconnect(true, 'NO-SUCH-MARKET'), {
    code: 'MARKET_NOT_FOUND',
  });
  await quote(kept, ex.market);
  const other = await quote(uma.rest, OTHER);
  await kept.terminate();
  await eventually(
    'the other market is empty',
    async () => (await openIds(uma.rest, OTHER)).length === 0,
  );
  assert.equal((await openIds(uma.rest, ex.market)).length, 3);
  assert.equal(other.length, 3);
  await uma.rest.cancelAll();

  // The handshake parameter takes 1, true, 0 or false.
  const signed = () => uma.rest.authHeaders('GET', WS_PATH);
  assert.equal(await handshakeStatus('?cancelOnDisconnect=yes', signed()), 400);
  assert.equal(await handshakeStatus('?cancelOnDisconnect=true', signed()), 101);
  assert.equal(await handshakeStatus('?cancelOnDisconnect=false', signed()), 101);
});

test('a graceful server shutdown leaves the orders in place', async () => {
  const sd = await startTestExchange();
  try {
    const vera = await sd.addUser('vera', 'trader', 1_000_000_000);
    const ws = await SocketClient.connect(vera.rest, { cancelOnDisconnect: true });
    const ids = await quote(ws, sd.market);
    const closed = new Promise<void>((resolve) => {
      ws.onClose = resolve;
    });
    await sd.gateway.close();
    await closed;
    await sleep(100);
    // The core is still open (the test exchange closes it after the gateway): ask the engine.
    const open = await sd.gateway.services.core.query.openOrders(vera.accountId);
    assert.deepEqual(
      open.map((o) => o.orderId).sort((a, b) => a - b),
      ids,
    );
    assert.equal(sd.gateway.services.metrics.wsCancelOnDisconnect, 0);
  } finally {
    await sd.close();
  }
});

/** Services whose core answers each submit with the next of `answers` (a rejection or an error). */
function fakeServices(answers: (AppliedCommand | Error)[]) {
  const lines: Record<string, unknown>[] = [];
  const submitted: CommandInput[] = [];
  const s = {
    core: {
      submit(input: CommandInput): Promise<AppliedCommand> {
        submitted.push(input);
        const a = answers.shift();
        return a instanceof Error || a === undefined
          ? Promise.reject(a ?? new Error('no answer'))
          : Promise.resolve(a);
      },
    },
    metrics: { wsCancelOnDisconnect: 0 },
    logger: createLogger({ write: (line) => lines.push(JSON.parse(line)) }),
  };
  return { s, services: s as unknown as GatewayServices, lines, submitted };
}

const applied = (events: AppliedCommand['events']): AppliedCommand =>
  ({ seq: 41, ts: 0, command: { type: 'cancelAll' }, events }) as unknown as AppliedCommand;

test('a rejected or failed cancel is logged as a warning; OVERLOADED is retried', async () => {
  const context = { cause: 'closed', code: 1006 } as const;
  const rejected = fakeServices([
    applied([{ type: 'rejected', command: 'cancelAll', reason: 'UNKNOWN_INSTRUMENT' }]),
  ]);
  submitCancelOnDisconnect(
    rejected.services,
    7,
    { instrumentId: 3, symbol: 'X' },
    context,
    () => false,
  );
  await eventually('a warning is logged', async () => rejected.lines.length > 0);
  assert.deepEqual(rejected.submitted, [{ type: 'cancelAll', accountId: 7, instrumentId: 3 }]);
  assert.equal(rejected.s.metrics.wsCancelOnDisconnect, 1);
  assert.equal(rejected.lines[0]?.level, 'warn');
  assert.equal(rejected.lines[0]?.reason, 'UNKNOWN_INSTRUMENT');
  assert.equal(rejected.lines[0]?.market, 'X');

  const failed = fakeServices([new CoreError('CORE_FAILED', 'stopped')]);
  submitCancelOnDisconnect(failed.services, 7, 'allMarkets', context, () => false);
  await eventually('a warning is logged', async () => failed.lines.length > 0);
  assert.equal(failed.lines[0]?.msg, 'ws cancel on disconnect failed');
  assert.equal(failed.submitted.length, 1);

  const busy = fakeServices([
    new CoreError('OVERLOADED', 'busy'),
    new CoreError('OVERLOADED', 'busy'),
    applied([]),
  ]);
  submitCancelOnDisconnect(busy.services, 7, 'allMarkets', context, () => false);
  await eventually('the third attempt is applied', async () => busy.lines.length > 0);
  assert.equal(busy.submitted.length, 3);
  assert.equal(busy.s.metrics.wsCancelOnDisconnect, 1);
  assert.equal(busy.lines[0]?.msg, 'ws cancel on disconnect');
  assert.equal(busy.lines[0]?.cancelledOrders, 0);
});
