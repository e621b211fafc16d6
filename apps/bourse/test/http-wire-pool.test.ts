// The load generator's lean HTTP client against a real node:http server: responses reach the right
// request even when they arrive in pieces, queued requests wait for a free socket, and a dropped
// connection fails its request instead of hanging.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
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
