// What a half-sent request can hold: headers that never finish and bodies that never end are answered
// 408 and closed once their timeout passes, an address holding its cap of connections gets its next
// one refused while other addresses still trade, and a path an extension does not serve under its
// prefix is answered 404 instead of being left open.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkHttpLimits, DEFAULT_HTTP_LIMITS } from '../src/http/connection-limits.ts';
import { bodyOf, type RawExchange, rawSend, statusOf } from './support/raw-http.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

const CAP = 4;
let ex: TestExchange;
let port: number;
/** A server with a small cap and timeouts long enough that held connections stay held. */
let capped: TestExchange;
let cappedPort: number;
let trader: TestUser;

before(async () => {
  ex = await startTestExchange({
    http: { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 300 },
    extensions: [
      {
        prefix: '/ext/',
        create: () => ({
          // Serves nothing: every request is left to the gateway.
          handle: async () => false,
        }),
      },
    ],
  });
  port = (ex.gateway.server.address() as AddressInfo).port;
  capped = await startTestExchange({
    http: { headersTimeoutMs: 120_000, requestTimeoutMs: 120_000, maxConnectionsPerAddress: CAP },
  });
  cappedPort = (capped.gateway.server.address() as AddressInfo).port;
  trader = await capped.addUser('trader', 'trader', 1_000_000_000);
});
after(async () => {
  await ex.close();
  await capped.close();
});

/** Resolves with what the server sent once it closed; fails the test if it never does. */
async function closedWithin(x: RawExchange, ms: number): Promise<string> {
  const timer = sleep(ms).then(() => undefined);
  const text = await Promise.race([x.closed, timer]);
  x.socket.destroy();
  assert.notEqual(text, undefined, `the server left the connection open for ${ms} ms`);
  return text as string;
}

test('a request whose headers never finish is answered 408 and closed', async () => {
  const x = await rawSend(port, 'GET /api/v1/markets HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n');
  const text = await closedWithin(x, 20_000);
  assert.equal(statusOf(text), 408);
  assert.equal((bodyOf(text) as { error: { code: string } }).error.code, 'REQUEST_TIMEOUT');
});

test('a request that ran out of time is answered 408 even if the rest of it arrives after', async () => {
  // The 408 is written a moment after the timeout (spread so that connections expiring together are
  // not all answered in one turn): what arrives in between must not become a request.
  const handled: string[] = [];
  const onRequest = (req: { url?: string }) => {
    if (req.url?.includes('late') === true) handled.push(req.url);
  };
  ex.gateway.server.on('request', onRequest);
  try {
    const x = await rawSend(port, 'GET /healthz?late HTTP/1.1\r\nHost: x\r\n');
    await sleep(500); // past the 300 ms header timeout and Node's check of it
    if (!x.socket.destroyed) x.socket.write('X-Late: 1\r\n\r\n');
    const text = await closedWithin(x, 20_000);
    assert.equal(statusOf(text), 408);
    assert.equal(text.match(/HTTP\/1\.1 /g)?.length, 1, `more than the 408 came back: ${text}`);
    assert.deepEqual(handled, []);
  } finally {
    ex.gateway.server.off('request', onRequest);
  }
});

test('a connection that never sends a byte is closed', async () => {
  const x = await rawSend(port, '');
  await closedWithin(x, 20_000);
});

test('a body that never ends is answered 408 and closed', async () => {
  const x = await rawSend(
    port,
    'POST /api/v1/session/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Content-Length: 100\r\n\r\n{"username":',
  );
  const text = await closedWithin(x, 20_000);
  assert.equal(statusOf(text), 408);
});

test('an idle kept-alive connection is closed', async () => {
  const x = await rawSend(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = await closedWithin(x, 20_000);
  assert.equal(statusOf(text), 200);
});

test('connections over the per-address cap are refused while other addresses still trade', async () => {
  const held: RawExchange[] = [];
  try {
    // The cap is counted per source address; the held connections come from 127.0.0.2.
    for (let i = 0; i < CAP; i++) {
      held.push(await rawSend(cappedPort, 'GET / HTTP/1.1\r\n', '127.0.0.2'));
    }
    const refused = await rawSend(cappedPort, '', '127.0.0.2');
    const text = await closedWithin(refused, 20_000);
    assert.equal(statusOf(text), 429);
    assert.equal((bodyOf(text) as { error: { code: string } }).error.code, 'TOO_MANY_CONNECTIONS');
    // Another address trades as usual meanwhile.
    const ack = await trader.rest.placeOrder({
      market: capped.market,
      side: 'buy',
      priceTicks: 4_000,
      qtyLots: 100,
    });
    assert.ok(ack.orderId > 0);
    const metrics = await (await fetch(`${capped.baseUrl}/metrics`)).text();
    assert.match(metrics, /^bourse_http_connections_refused_total [1-9]/m);
    // The process's memory is on the same page (the soak bench reads it).
    assert.match(metrics, /^bourse_process_resident_bytes [1-9]\d+$/m);
    assert.match(metrics, /^bourse_heap_used_bytes [1-9]\d+$/m);
  } finally {
    for (const h of held) h.socket.destroy();
  }
  // Once those close, the address may connect again.
  for (let i = 0; i < 200; i++) {
    const again = await rawSend(
      cappedPort,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      '127.0.0.2',
    );
    const status = statusOf(await closedWithin(again, 20_000));
    if (status === 200) return;
    await sleep(20);
  }
  assert.fail('the address stayed refused after its connections closed');
});

test('a connection over the cap is answered 429 and nothing it sends is handled', async () => {
  // Refused before any HTTP handling is set up for it: a request on it is never parsed, let alone run
  // (and an address reconnecting as fast as it is refused costs an accept and a write each).
  const handled: string[] = [];
  const onRequest = (req: { url?: string }) => {
    if (req.url?.includes('refused') === true) handled.push(req.url);
  };
  capped.gateway.server.on('request', onRequest);
  const held: RawExchange[] = [];
  try {
    for (let i = 0; i < CAP; i++) {
      held.push(await rawSend(cappedPort, 'GET / HTTP/1.1\r\n', '127.0.0.3'));
    }
    const refused = await rawSend(
      cappedPort,
      'GET /healthz?refused HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz?refused-again HTTP/1.1\r\nHost: x\r\n\r\n',
      '127.0.0.3',
    );
    const text = await closedWithin(refused, 20_000);
    assert.equal(statusOf(text), 429);
    assert.match(text, /\r\nRetry-After: 1\r\n/);
    assert.equal(text.match(/HTTP\/1\.1 /g)?.length, 1, `more than the refusal came back: ${text}`);
    assert.deepEqual(handled, []);
  } finally {
    capped.gateway.server.off('request', onRequest);
    for (const h of held) h.socket.destroy();
  }
});

test('a refused connection that keeps sending is closed all the same', async () => {
  const held: RawExchange[] = [];
  let drip: NodeJS.Timeout | undefined;
  try {
    for (let i = 0; i < CAP; i++) {
      held.push(await rawSend(cappedPort, 'GET / HTTP/1.1\r\n', '127.0.0.4'));
    }
    const refused = await rawSend(cappedPort, 'GET / HTTP/1.1\r\nX-Pad: ', '127.0.0.4');
    // Never idle: a byte every 100 ms must not keep a connection the cap refused.
    drip = setInterval(() => refused.socket.write('a'), 100);
    const text = await closedWithin(refused, 20_000);
    assert.equal(statusOf(text), 429);
  } finally {
    clearInterval(drip);
    for (const h of held) h.socket.destroy();
  }
});

test('a path under an extension prefix that the extension does not serve is answered 404', async () => {
  const res = await fetch(`${ex.baseUrl}/ext/anything`, { signal: AbortSignal.timeout(20_000) });
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ROUTE_NOT_FOUND');
});

test('limits Node would refuse or ignore are refused with the field named', () => {
  const ok = { ...DEFAULT_HTTP_LIMITS };
  assert.deepEqual(checkHttpLimits(ok), ok);
  assert.throws(
    () => checkHttpLimits({ ...ok, headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 }),
    /requestTimeoutMs must be ≥ http.headersTimeoutMs/,
  );
  assert.throws(() => checkHttpLimits({ ...ok, idleTimeoutMs: 0 }), /at least 1 ms/);
  assert.throws(
    () => checkHttpLimits({ ...ok, maxConnectionsPerAddress: -1 }),
    /http.maxConnectionsPerAddress must be an integer ≥ 0/,
  );
  assert.equal(checkHttpLimits({ ...ok, maxConnectionsPerAddress: 0 }).maxConnectionsPerAddress, 0);
});
