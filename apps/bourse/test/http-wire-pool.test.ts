// The load generator's lean HTTP client against a real node:http server: responses reach the right
// request even when they arrive in pieces, queued requests wait for a free socket, a dropped
// connection fails its request instead of hanging, and a kept-alive connection is never used across
// the server's idle close (the server's `Keep-Alive: timeout` says when), so every request sent gets
// its answer.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { HttpWirePool } from '../src/loadtest/http-wire-pool.ts';

test('requests and responses pair up in order over a small pool', async (t) => {
  const seen: { path: string; auth: string | undefined; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      const n = (JSON.parse(body) as { n: number }).n;
      const text = JSON.stringify({ n, pad: 'x'.repeat(n * 997) });
      res.writeHead(n % 3 === 0 ? 400 : 201, {
        'content-type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      // Headers and body in separate writes, so the client sees split responses.
      res.flushHeaders();
      setTimeout(() => res.end(text), n % 4);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const pool = new HttpWirePool(new URL(`http://127.0.0.1:${port}`), 3);
  t.after(() => pool.close());
  const replies = await Promise.all(
    Array.from({ length: 40 }, (_, n) =>
      pool.post('/api/v1/orders', { authorization: `Bearer k${n}` }, JSON.stringify({ n })),
    ),
  );
  replies.forEach((r, n) => {
    assert.equal(r.status, n % 3 === 0 ? 400 : 201);
    assert.equal((JSON.parse(r.body.toString()) as { n: number }).n, n);
  });
  assert.equal(seen.length, 40);
  assert.ok(seen.every((s) => s.path === '/api/v1/orders'));
  assert.deepEqual(new Set(seen.map((s) => s.auth)).size, 40);
});

test('a connection dropped mid-request fails that request', async (t) => {
  const server = createServer((req) => req.socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const pool = new HttpWirePool(new URL(`http://127.0.0.1:${port}`), 1);
  t.after(() => pool.close());
  await assert.rejects(pool.post('/x', {}, '{}'), /closed|ECONNRESET/);
});

/** A node:http server on a thread of its own, so the test can hold its own thread still while the
 * server closes a connection; `events[0]` counts closed server sockets, `events[1]` 408 answers. */
async function workerServer(options: {
  keepAliveTimeout: number;
  headersTimeout?: number;
}): Promise<{ port: number; events: Int32Array; close(): Promise<void> }> {
  const shared = new SharedArrayBuffer(8);
  const worker = new Worker(
    `const { createServer } = require('node:http');
    const { workerData, parentPort } = require('node:worker_threads');
    const events = new Int32Array(workerData.shared);
    const { keepAliveTimeout, headersTimeout } = workerData;
    const server = createServer(
      { keepAliveTimeout, headersTimeout, requestTimeout: headersTimeout, connectionsCheckingInterval: 50 },
      (req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(201, { 'content-type': 'application/json', 'content-length': 2 });
          res.end('{}');
        });
      },
    );
    server.on('connection', (s) => s.on('close', () => {
      Atomics.add(events, 0, 1);
      Atomics.notify(events, 0);
    }));
    server.on('clientError', (e, s) => {
      if (e.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        s.end('HTTP/1.1 408 Request Timeout\\r\\nConnection: close\\r\\nContent-Length: 0\\r\\n\\r\\n');
        Atomics.add(events, 1, 1);
        Atomics.notify(events, 1);
      } else s.destroy();
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
    parentPort.on('message', () => server.close(() => process.exit(0)));`,
    {
      eval: true,
      workerData: {
        shared,
        keepAliveTimeout: options.keepAliveTimeout,
        headersTimeout: options.headersTimeout ?? 60_000,
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    port,
    events: new Int32Array(shared),
    async close() {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.postMessage('close');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      await worker.terminate();
    },
  };
}

/** Blocks this thread (so its sockets see nothing) until `events[i]` reaches `n`; false after `ms`. */
function blockUntil(events: Int32Array, i: number, n: number, ms = 30_000): boolean {
  const deadline = Date.now() + ms;
  for (let v = Atomics.load(events, i); v < n; v = Atomics.load(events, i)) {
    if (Date.now() > deadline) return false;
    Atomics.wait(events, i, v, 1_000);
  }
  return true;
}

/** Fails the test instead of hanging when a request is never answered. */
function within<T>(p: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

test('a request sent as the server closes an idle kept-alive connection gets its answer', async (t) => {
  const server = await workerServer({ keepAliveTimeout: 1_000 });
  t.after(() => server.close());
  const pool = new HttpWirePool(new URL(`http://127.0.0.1:${server.port}`), 1);
  t.after(() => pool.close());
  assert.equal((await within(pool.post('/o', {}, '{}'))).status, 201);
  // The server closes the connection while this thread, which has not yet seen the close, holds
  // still: the next request is written as the close is on its way, the race a busy client loses.
  assert.ok(blockUntil(server.events, 0, 1), 'the server never closed the idle connection');
  const late = pool.post('/o', {}, '{}');
  assert.equal((await within(late)).status, 201);
  // And a pool whose connections the server has all closed opens new ones.
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await within(pool.post('/o', {}, '{}'))).status, 201);
});

test('a connection opened but never used is not sent a request after the server gave up on it', async (t) => {
  const server = await workerServer({ keepAliveTimeout: 1_000, headersTimeout: 300 });
  t.after(() => server.close());
  const pool = new HttpWirePool(new URL(`http://127.0.0.1:${server.port}`), 4);
  t.after(() => pool.close());
  assert.equal((await within(pool.post('/o', {}, '{}'))).status, 201);
  // Whatever the pool holds without having sent on it, the server answers 408 and closes once its
  // header timeout passes (300 ms); this thread holds still meanwhile, then sends at once.
  const blocked = blockUntil(server.events, 1, 1, 3_000);
  const replies = await within(
    Promise.all(Array.from({ length: 4 }, () => pool.post('/o', {}, '{}'))),
  );
  assert.deepEqual(
    replies.map((r) => r.status),
    [201, 201, 201, 201],
  );
  // With connections opened only when a request needs one, the server had nothing to give up on.
  if (!blocked) assert.equal(Atomics.load(server.events, 1), 0);
});
