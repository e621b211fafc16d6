// The `submit` request in the engine's command codec: what the leader decodes is, once sequenced, the
// command the gateway's input would have become on one server (JSON's view of it, as before), inputs
// the binary layout cannot hold travel as JSON records, a JSON request of an earlier gateway still
// decodes, the lean reply round-trips, and malformed bytes are an error value, never a throw.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodecError } from '@bourse/engine';
import type { CommandInput } from '@bourse/core';
import {
  decodeGroupedReplies,
  decodeSubmitReply,
  decodeSubmitRequest,
  encodeGroupedReplies,
  encodeMessage,
  encodeSubmitReply,
  encodeSubmitRequest,
  GROUPED_REPLIES,
  SUBMIT_BINARY,
} from '../src/protocol.ts';

const INPUTS: CommandInput[] = [
  {
    type: 'placeOrder',
    accountId: 3,
    instrumentId: 7,
    side: 'buy',
    orderType: 'limit',
    tif: 'gtc',
    priceTicks: 5_600,
    qtyLots: 300,
    clientOrderId: 'c-1-é',
    postOnly: true,
    stp: 'cancelTaker',
  },
  {
    type: 'placeOrder',
    accountId: 4,
    instrumentId: 7,
    side: 'sell',
    orderType: 'market',
    tif: 'ioc',
    qtyLots: 100,
  },
  { type: 'cancelOrder', accountId: 3, orderId: 42 },
  { type: 'deposit', accountId: 1, assetId: 1, amount: 1_000_000 },
  // Values and fields the layout cannot hold: JSON records, judged by the engine as on one server.
  { type: 'deposit', accountId: 1, assetId: 1, amount: 1.5 },
  {
    type: 'deposit',
    accountId: 1,
    assetId: 1,
    amount: 5,
    note: 'extra',
  } as unknown as CommandInput,
  {
    type: 'placeOrder',
    accountId: 3,
    instrumentId: 7,
    side: 'sideways',
    orderType: 'limit',
    tif: 'gtc',
    priceTicks: 5_600,
    qtyLots: -1,
  } as unknown as CommandInput,
  { type: 'noSuchCommand', accountId: 1 } as unknown as CommandInput,
];

/** What the sequencer makes of an input (`buildCommand` in @bourse/core), as JSON sees it. */
function sequenced(input: CommandInput, seq: number): unknown {
  const command =
    input.type === 'placeOrder'
      ? { ...input, seq, ts: 1_700_000_000_000, orderId: seq }
      : { ...input, seq, ts: 1_700_000_000_000 };
  return JSON.parse(JSON.stringify(command));
}

test('a binary submit request decodes to inputs the leader sequences into the same commands', () => {
  const bytes = encodeSubmitRequest({ inputs: INPUTS, lean: true });
  assert.equal(bytes[0], SUBMIT_BINARY);
  const back = decodeSubmitRequest(bytes);
  assert.ok(!(back instanceof CodecError), String(back));
  assert.equal(back.lean, true);
  assert.equal(back.inputs.length, INPUTS.length);
  INPUTS.forEach((input, i) => {
    assert.deepEqual(sequenced(back.inputs[i]!, 100 + i), sequenced(input, 100 + i), `input ${i}`);
  });
  const usual = { inputs: INPUTS.slice(0, 4), lean: true };
  assert.ok(encodeSubmitRequest(usual).length * 2 < encodeMessage(usual).length);
  const notLean = decodeSubmitRequest(encodeSubmitRequest({ inputs: INPUTS.slice(0, 1) }));
  assert.ok(!(notLean instanceof CodecError) && notLean.lean === false);
});

test('an input JSON cannot hold is refused by the encoder, as the embedded core refuses it', () => {
  const input = { type: 'deposit', accountId: 1, assetId: 1, amount: 10n } as never;
  assert.throws(() => encodeSubmitRequest({ inputs: [input] }));
});

test('a JSON submit request (from a gateway of an earlier version) still decodes', () => {
  const back = decodeSubmitRequest(encodeMessage({ inputs: INPUTS, lean: true }));
  assert.ok(!(back instanceof CodecError));
  assert.deepEqual(back, JSON.parse(JSON.stringify({ inputs: INPUTS, lean: true })));
  for (const text of ['[1,2]', '"x"', 'null', '{"inputs":']) {
    const refused = decodeSubmitRequest(new TextEncoder().encode(text));
    assert.ok(refused instanceof CodecError, text);
  }
});

test('truncated or garbled submit requests are a CodecError, never a partial request', () => {
  const bytes = encodeSubmitRequest({ inputs: INPUTS, lean: true });
  for (const cut of [1, 2, 3, 10, bytes.length >> 1, bytes.length - 1]) {
    assert.ok(decodeSubmitRequest(bytes.subarray(0, cut)) instanceof CodecError, `cut at ${cut}`);
  }
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.ok(decodeSubmitRequest(longer) instanceof CodecError, 'trailing bytes');
  const huge = Uint8Array.of(SUBMIT_BINARY, 1, 0xff, 0xff, 0xff, 0x7f);
  assert.ok(decodeSubmitRequest(huge) instanceof CodecError, 'a count larger than the request');
  const badRecord = Uint8Array.of(SUBMIT_BINARY, 1, 1, 2, 2, 250);
  assert.ok(decodeSubmitRequest(badRecord) instanceof CodecError, 'an unknown command tag');
});

test('a lean reply is binary to a binary request and JSON to a JSON one; others stay JSON', () => {
  const lean = { ok: true as const, seqs: [5, 6, 7, 1_000_000_000_000] };
  const binary = encodeSubmitReply(lean, true);
  assert.equal(binary[0], SUBMIT_BINARY);
  assert.deepEqual(decodeSubmitReply(binary), lean);
  assert.deepEqual(decodeSubmitReply(encodeSubmitReply(lean, false)), lean);
  assert.equal(encodeSubmitReply(lean, false)[0], '{'.charCodeAt(0));
  const error = { ok: false as const, code: 'BAD_REQUEST' as const, message: 'no' };
  assert.deepEqual(decodeSubmitReply(encodeSubmitReply(error, true)), error);
  for (const cut of [1, 2, binary.length - 1]) {
    assert.ok(decodeSubmitReply(binary.subarray(0, cut)) instanceof CodecError, `cut at ${cut}`);
  }
  assert.ok(decodeSubmitReply(new TextEncoder().encode('{"ok":')) instanceof CodecError);
});

test('a timed request asks for the leader hold, which only its lean binary reply carries', () => {
  const timed = decodeSubmitRequest(
    encodeSubmitRequest({ inputs: INPUTS, lean: true, timed: true }),
  );
  assert.ok(!(timed instanceof CodecError) && timed.timed === true && timed.lean === true);
  const plain = decodeSubmitRequest(encodeSubmitRequest({ inputs: INPUTS, lean: true }));
  assert.ok(!(plain instanceof CodecError) && plain.timed === undefined);
  // A node of an earlier version reads the flags as `lean` alone: bit 2 adds no byte to the request.
  assert.equal(
    encodeSubmitRequest({ inputs: INPUTS, lean: true, timed: true }).length,
    encodeSubmitRequest({ inputs: INPUTS, lean: true }).length,
  );
  const held = { ok: true as const, seqs: [5, 6], heldUs: 12_345 };
  assert.deepEqual(decodeSubmitReply(encodeSubmitReply(held, true)), held);
  const bytes = encodeSubmitReply(held, true);
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.ok(decodeSubmitReply(longer) instanceof CodecError, 'bytes after the hold');
});

test('a grouped request asks for grouped replies without a byte more; a node of an earlier version sees a lean timed request', () => {
  const flags = { inputs: INPUTS, lean: true, timed: true } as const;
  const grouped = encodeSubmitRequest({ ...flags, grouped: true });
  const decoded = decodeSubmitRequest(grouped);
  assert.ok(!(decoded instanceof CodecError));
  assert.equal(decoded.grouped, true);
  assert.equal(decoded.timed, true);
  assert.equal(decoded.lean, true);
  const plain = decodeSubmitRequest(encodeSubmitRequest(flags));
  assert.ok(!(plain instanceof CodecError) && plain.grouped === undefined);
  assert.equal(grouped.length, encodeSubmitRequest(flags).length);
  // Earlier nodes read bit 1 (lean) and bit 2 (timed) of the flags byte and nothing else.
  assert.equal(grouped[1]! & 3, 3);
});

test('a grouped reply carries each request its own reply, byte for byte; malformed bytes are an error', () => {
  const lean = encodeSubmitReply({ ok: true, seqs: [7, 8], heldUs: 90 }, true);
  const error = encodeMessage({ ok: false, code: 'UNAVAILABLE', message: 'etcd' });
  const one = encodeSubmitReply({ ok: true, seqs: [9] }, true);
  const parts = [
    { id: 3, body: lean },
    { id: 1_000_000_000, body: error },
    { id: 4, body: one },
  ];
  const bytes = encodeGroupedReplies(parts);
  assert.equal(bytes[0], GROUPED_REPLIES);
  const back = decodeGroupedReplies(bytes);
  assert.ok(!(back instanceof CodecError));
  assert.deepEqual(
    back.map((p) => p.id),
    [3, 1_000_000_000, 4],
  );
  back.forEach((p, i) => {
    assert.deepEqual([...p.body], [...parts[i]!.body]);
  });
  assert.deepEqual(decodeSubmitReply(back[0]!.body), { ok: true, seqs: [7, 8], heldUs: 90 });
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.ok(decodeGroupedReplies(bytes.subarray(0, cut)) instanceof CodecError, `cut at ${cut}`);
  }
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.ok(decodeGroupedReplies(longer) instanceof CodecError, 'bytes after the last reply');
  assert.ok(decodeGroupedReplies(lean) instanceof CodecError, 'a lean reply is not a group');
});
