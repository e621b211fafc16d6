// The fan-out test's minimal WebSocket client against the `ws` library's server: the handshake,
// messages both ways at every frame-length class, split reads, pings answered, a refused upgrade.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { openWireSocket } from '../src/loadtest/ws-wire-client.ts';

/** A `ws` server on a free loopback port, closed after the test. */
async function wsServer(t: TestContext): Promise<{ wss: WebSocketServer; url: URL }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/api/v1/ws' });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => {
    wss.close();
    http.close();
  });
  return { wss, url: new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}`) };
}

test('texts arrive whole in both directions and pings are answered', async (t) => {
  const { wss, url } = await wsServer(t);
  const fromClient: string[] = [];
  const pong = new Promise<void>((resolve) => {
    wss.on('connection', (ws) => {
      ws.on('message', (data) => fromClient.push(data.toString()));
      ws.on('pong', () => resolve());
      // Lengths in each header class; sent back to back so reads can split and join frames.
      for (const n of [5, 125, 126, 70_000]) ws.send('x'.repeat(n));
      ws.ping();
    });
  });
  const got: number[] = [];
  const all = new Promise<void>((resolve) => {
    const socket = openWireSocket(url, '/api/v1/ws', (payload) => {
      got.push(payload.length);
      if (got.length === 4) resolve();
    });
    void socket.then((s) => {
      s.send('{"op":"ping"}');
      s.send('y'.repeat(300));
      t.after(() => s.close());
    });
  });
  await all;
  await pong;
  assert.deepEqual(got, [5, 125, 126, 70_000]);
  for (let i = 0; i < 100 && fromClient.length < 2; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(fromClient, ['{"op":"ping"}', 'y'.repeat(300)]);
});

test('a refused upgrade rejects', async (t) => {
  const http = createServer((_req, res) => {
    res.writeHead(401, { 'content-length': '0' });
    res.end();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => http.close());
  const url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  await assert.rejects(
    openWireSocket(url, '/api/v1/ws', () => {}),
    /handshake refused: HTTP\/1.1 401/,
  );
});

test('extra handshake headers reach the server and corked frames arrive in order', async (t) => {
  const { wss, url } = await wsServer(t);
  const seen = new Promise<{ header: string; texts: string[] }>((resolve) => {
    wss.on('connection', (ws, req) => {
      const texts: string[] = [];
      ws.on('message', (data) => {
        texts.push(data.toString());
        if (texts.length === 50) resolve({ header: String(req.headers['x-signature']), texts });
      });
    });
  });
  const s = await openWireSocket(url, '/api/v1/ws', () => {}, { 'X-Signature': 'abc' });
  t.after(() => s.close());
  s.cork();
  for (let i = 0; i < 50; i++) s.send(`{"n":${i}}`);
  s.uncork();
  const { header, texts } = await seen;
  assert.equal(header, 'abc');
  assert.deepEqual(
    texts,
    Array.from({ length: 50 }, (_, i) => `{"n":${i}}`),
  );
});

test('sockets sharing the read buffer keep their own unfinished frames', async (t) => {
  const { wss, url } = await wsServer(t);
  // Each socket gets frames larger than one read, in turns, so partial frames of both sockets are
  // pending at once; a byte taken from the other socket's read would show in the contents.
  const sizes = [100_000, 3, 200_000, 126, 65_536];
  wss.on('connection', (ws, req) => {
    const fill = String(req.url).endsWith('a') ? 'a' : 'b';
    for (const n of sizes) ws.send(fill.repeat(n));
  });
  const received = (fill: string) =>
    new Promise<string[]>((resolve) => {
      const texts: string[] = [];
      void openWireSocket(url, `/api/v1/ws?${fill}`, (payload) => {
        texts.push(payload.toString());
        if (texts.length === sizes.length) resolve(texts);
      }).then((s) => t.after(() => s.close()));
    });
  const [a, b] = await Promise.all([received('a'), received('b')]);
  assert.deepEqual(
    a,
    sizes.map((n) => 'a'.repeat(n)),
  );
  assert.deepEqual(
    b,
    sizes.map((n) => 'b'.repeat(n)),
  );
});

test('queued frames (prefix, id digits, suffix) arrive as their texts, across slabs and flushes', async (t) => {
  const { wss, url } = await wsServer(t);
  const ids = [0, 7, 10, 99, 12345, 9_007_199_254];
  for (let i = 0; i < 1200; i++) ids.push(1_000_000 + i);
  const prefix = Buffer.from('{"op":"place","id":');
  // One suffix long enough for the 16-bit length header.
  const suffixes = [Buffer.from('}'), Buffer.from(`,"pad":"${'p'.repeat(130)}"}`)];
  const expected = ids.map((id, i) => `${prefix}${id}${suffixes[i % 2]}`);
  const seen = new Promise<string[]>((resolve) => {
    wss.on('connection', (ws) => {
      const texts: string[] = [];
      ws.on('message', (data) => {
        texts.push(data.toString());
        if (texts.length === ids.length) resolve(texts);
      });
    });
  });
  const s = await openWireSocket(url, '/api/v1/ws', () => {});
  t.after(() => s.close());
  ids.forEach((id, i) => {
    s.queueText(prefix, id, suffixes[i % 2]!);
    if (i % 97 === 0) s.flush();
  });
  s.flush();
  assert.deepEqual(await seen, expected);
});
