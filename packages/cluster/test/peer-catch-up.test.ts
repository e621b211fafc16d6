// A `journal` reply from a peer, in the form this version sends (a log batch value of the records as
// journaled) and in the JSON form earlier versions send: both give the records from the seq asked
// for, the JSON commands encoded as the journal would; errors, gaps and damaged replies give none.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, encodeCommand } from '@bourse/engine';
import { encodeBatch } from '../src/log-format.ts';
import { recordsFrom } from '../src/peer-catch-up.ts';
import { encodeMessage } from '../src/protocol.ts';

const tick = (seq: number): Command => ({ type: 'tick', seq, ts: 1000 + seq });
const hex = (records: Uint8Array[] | undefined) =>
  records?.map((r) => Buffer.from(r).toString('hex'));

test('a binary journal reply gives its records from the seq asked for', () => {
  const reply = encodeBatch(
    3,
    5,
    [5, 6, 7].map((s) => encodeCommand(tick(s))),
  );
  assert.deepEqual(hex(recordsFrom(reply, 6)), hex([6, 7].map((s) => encodeCommand(tick(s)))));
  assert.equal(recordsFrom(reply, 8), undefined, 'a reply that ends before the seq');
  assert.equal(recordsFrom(reply, 4), undefined, 'a reply that starts after the seq');
  assert.equal(recordsFrom(reply.subarray(0, reply.length - 1), 5), undefined, 'a damaged reply');
});

test('a JSON journal reply of an earlier version is still read', () => {
  const reply = encodeMessage({ ok: true, commands: [tick(5), tick(6)] });
  assert.deepEqual(hex(recordsFrom(reply, 5)), hex([5, 6].map((s) => encodeCommand(tick(s)))));
  assert.equal(recordsFrom(reply, 7), undefined);
  const error = encodeMessage({ ok: false, code: 'BAD_REQUEST', message: 'no' });
  assert.equal(recordsFrom(error, 5), undefined);
  assert.deepEqual(recordsFrom(encodeMessage({ ok: true, commands: [] }), 5), undefined);
});
