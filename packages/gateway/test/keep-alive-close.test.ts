// A request that reached the server in time is answered even when the server's thread was held up
// past its idle timeout: Node runs its timers (the kept-alive idle close, the header-timeout check)
// before it reads the sockets, so after a pause a connection would be cut, or answered 408, with a
// request already waiting in it. The client runs on a thread of its own and this thread holds still
// (a long GC or a busy turn would do the same) while the request is written; the test waits for
// events, not for amounts of time, so a slow machine only makes it slower.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { startTestExchange, type TestExchange } from './support/test-exchange.ts';

const IDLE_MS = 2_000;
const HEADERS_MS = 300;
let ex: TestExchange;
let port: number;

before(async () => {
  ex = await startTestExchange({
    http: { idleTimeoutMs: IDLE_MS, headersTimeoutMs: HEADERS_MS, requestTimeoutMs: HEADERS_MS },
  });
  port = (ex.gateway.server.address() as AddressInfo).port;
});
after(() => ex.close());

/** flags[0]: this thread is holding still; flags[1]: the client wrote its request. */
const CLIENT = `
const { connect } = require('node:net');
const { workerData, parentPort } = require('node:worker_threads');
const flags = new Int32Array(workerData.shared);
const request = 'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n';
const socket = connect({ host: '127.0.0.1', port: workerData.port });
let text = '';
const complete = () => {
  const end = text.indexOf('\\r\\n\\r\\n');
  const m = /content-length: *(\\d+)/i.exec(text);
  return end >= 0 && m !== null && text.length >= end + 4 + Number(m[1]);
};
function sendWhenHeld() {
  Atomics.wait(flags, 0, 0, 30000);
  text = '';
  socket.write(request);
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
}
socket.setEncoding('latin1');
socket.on('connect', () => {
  if (workerData.firstRequest) socket.write(request);
  else sendWhenHeld();
});
socket.on('data', (chunk) => {
  text += chunk;
  if (!complete()) return;
  if (!workerData.firstRequest || flags[1] === 1) {
    parentPort.postMessage({ step: 'answered', text });
    socket.destroy();
  } else parentPort.postMessage({ step: 'first answered', text });
});
socket.on('error', (e) => parentPort.postMessage({ step: 'error', text: e.code + ' ' + text }));
socket.on('close', () => parentPort.postMessage({ step: 'closed', text }));
parentPort.on('message', sendWhenHeld);
`;

/** Holds this thread still for at least `ms` ms and until the client wrote its request. */
function holdStill(flags: Int32Array, ms: number): void {
  const started = performance.now();
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
  Atomics.wait(flags, 1, 0, 30_000);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const left = ms - (performance.now() - started);
  if (left > 0) Atomics.wait(sleeper, 0, 0, left);
}

/**
 * Runs the client. With `firstRequest` it sends a request, and once that is answered this thread
 * holds still for `holdMs` while the client sends the next; without, this thread holds still from the
 * moment it accepts the connection while the client sends its first. Resolves with what the client
 * saw last.
 */
async function runClient(
  firstRequest: boolean,
  holdMs: number,
): Promise<{ step: string; text: string }> {
  const shared = new SharedArrayBuffer(8);
  const flags = new Int32Array(shared);
  if (!firstRequest) ex.gateway.server.once('connection', () => holdStill(flags, holdMs));
  const worker = new Worker(CLIENT, { eval: true, workerData: { shared, port, firstRequest } });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the client saw no end')), 60_000);
      worker.on('error', reject);
      worker.on('message', (m: { step: string; text: string }) => {
        if (m.step === 'first answered') {
          worker.postMessage('send');
          holdStill(flags, holdMs);
          return;
        }
        clearTimeout(timer);
        resolve(m);
      });
    });
  } finally {
    await worker.terminate();
  }
}

test('a request that arrived on a kept-alive connection while the server was held up past its idle timeout is answered', async () => {
  // Past the idle timeout and Node's 1 s of grace beyond it: the idle close is due when this
  // thread runs again, and the request is already waiting in the socket.
  const seen = await runClient(true, IDLE_MS + 1_000 + 500);
  assert.equal(seen.step, 'answered', `the client saw ${seen.step}: ${seen.text.slice(0, 80)}`);
  assert.match(seen.text, /^HTTP\/1\.1 200 /);
});

test('a first request that arrived while the server was held up past its header timeout is answered, not 408', async () => {
  // Past the header timeout (counted from the accept) and the interval Node checks it on.
  const seen = await runClient(false, HEADERS_MS * 2 + 300);
  assert.equal(seen.step, 'answered', `the client saw ${seen.step}: ${seen.text.slice(0, 80)}`);
  assert.match(seen.text, /^HTTP\/1\.1 200 /);
});
