// `bourse sandbox fault …` and `bourse sandbox sockets` name the fault API's requests: kinds and their
// parameters from flags, durations as people write them, and a clear usage error when something
// required is missing. (The API itself is tested in packages/gateway/test/sandbox-faults.test.ts.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sandboxRequest } from '../src/sandbox-command.ts';

test('fault add maps flags to the fault body', () => {
  assert.deepEqual(
    sandboxRequest(['fault', 'add', 'rateLimit'], { account: '7', 'retry-after': '2' }),
    [
      'POST',
      '/api/v1/sandbox/faults',
      { kind: 'rateLimit', account: 7, retryAfterSeconds: 2 },
      undefined,
    ],
  );
  assert.deepEqual(
    sandboxRequest(['fault', 'add', 'serverError'], {
      account: '7',
      status: '503',
      'after-execution': true,
      route: 'POST /api/v1/orders',
      count: '2',
      duration: '1m',
    })[2],
    {
      kind: 'serverError',
      account: 7,
      route: 'POST /api/v1/orders',
      count: 2,
      durationMs: 60_000,
      status: 503,
      afterExecution: true,
    },
  );
  assert.deepEqual(
    sandboxRequest(['fault', 'add', 'latency'], {
      account: '7',
      latency: '1500ms',
      socket: '3',
    })[2],
    { kind: 'latency', account: 7, socket: 3, latencyMs: 1_500 },
  );
});

test('fault list, clear and sockets', () => {
  assert.deepEqual(sandboxRequest(['fault', 'list'], {}).slice(0, 2), [
    'GET',
    '/api/v1/sandbox/faults',
  ]);
  assert.deepEqual(sandboxRequest(['fault', 'clear'], {}).slice(0, 2), [
    'DELETE',
    '/api/v1/sandbox/faults',
  ]);
  assert.deepEqual(sandboxRequest(['fault', 'clear', '4'], {}).slice(0, 2), [
    'DELETE',
    '/api/v1/sandbox/faults/4',
  ]);
  assert.deepEqual(sandboxRequest(['sockets'], {}).slice(0, 2), ['GET', '/api/v1/sandbox/sockets']);
});

test('a fault without a kind or an account is a usage error', () => {
  assert.throws(() => sandboxRequest(['fault', 'add'], { account: '1' }), /needs a kind/);
  assert.throws(() => sandboxRequest(['fault', 'add', 'disconnect'], {}), /needs --account/);
  assert.throws(() => sandboxRequest(['fault', 'bogus'], {}), /unknown fault command/);
});
