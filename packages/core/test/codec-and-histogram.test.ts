// The journal record codec and the latency histogram, which sit on the ack path.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeCommand,
  decodeCommandJson,
  encodeCommandJson,
  encodeCommandRecord,
} from '../src/command-codec.ts';
import { createHistogram, observe, observeMany } from '../src/histogram.ts';

test('a command round-trips through the versioned journal record', () => {
  const command = { type: 'tick', seq: 7, ts: 1_700_000_000_000 } as const;
  const payload = encodeCommandJson(JSON.stringify(command));
  assert.equal(payload[0], 1);
  assert.deepEqual(decodeCommand(payload), command);
  const unknown = payload.slice();
  unknown[0] = 9;
  assert.throws(() => decodeCommandJson(unknown), /unknown command record format 9/);
});

test('a command is journaled in the binary format and reads back as the same command and JSON', () => {
  const command = { type: 'cancelAll', seq: 9, ts: 1_700_000_000_001, accountId: 4 } as const;
  const payload = encodeCommandRecord(command);
  assert.equal(payload[0], 2);
  assert.deepStrictEqual(decodeCommand(payload), command);
  assert.deepStrictEqual(JSON.parse(decodeCommandJson(payload)), command);
  assert.throws(() => decodeCommand(payload.subarray(0, 3)), /does not decode as a command/);
});

test('histogram buckets count each observation once, at the first bound not below it', () => {
  const h = createHistogram([0.001, 0.01, 0.1]);
  for (const v of [0.0005, 0.001, 0.002, 0.05, 0.1, 3]) observe(h, v);
  assert.deepEqual(h.counts, [2, 1, 2, 1]);
  assert.equal(h.count, 6);
  assert.ok(Math.abs(h.sum - 3.1535) < 1e-9);
});

test('n observations of one value at once count as n observations', () => {
  const one = createHistogram([0.001, 0.01, 0.1]);
  const many = createHistogram([0.001, 0.01, 0.1]);
  for (const [v, n] of [
    [0.002, 7],
    [0.5, 3],
    [0.001, 1],
  ] as const) {
    for (let i = 0; i < n; i++) observe(one, v);
    observeMany(many, v, n);
  }
  assert.deepEqual(many.counts, one.counts);
  assert.equal(many.count, one.count);
  assert.ok(Math.abs(many.sum - one.sum) < 1e-9);
});
