// The `events` message in the engine's binary codec: what a gateway or the projector decodes is what
// the leader published (as its JSON would have carried it), commands the layout cannot hold travel as
// JSON inside it, and malformed bytes are an error value, never a throw or a wrong batch. A `replay`
// reply asked for in binary is the same message.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ByteWriter,
  CENTS_BINARY_GRID,
  CodecError,
  type Command,
  Engine,
  encodeCommand,
} from '@bourse/engine';
import { type AppliedCommand, EncodedApplied } from '@bourse/core';
import {
  decodeEventsMessage,
  decodeReplayReply,
  encodeEventsMessage,
  encodeMessage,
  encodeReplayReply,
  type EventsMessage,
} from '../src/protocol.ts';

type Body = Command extends infer C ? (C extends unknown ? Omit<C, 'seq' | 'ts'> : never) : never;

/**
 * A stream of applied commands; `encoded`: as a cluster node's core hands them on, with the record
 * and the events as the engine thread's bytes (`applyEncoded`), decoded only when read.
 */
function appliedStream(encoded = false): AppliedCommand[] {
  const engine = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 1_000 });
  const out: AppliedCommand[] = [];
  let seq = 0;
  const apply = (body: Body) => {
    seq++;
    const command = { ...body, seq, ts: 1_700_000_000_000 + seq } as Command;
    if (!encoded) {
      out.push({ seq, ts: command.ts, command, events: [...engine.apply(command)] });
      return;
    }
    const w = new ByteWriter(256);
    engine.applyEncoded(command, w);
    out.push(new EncodedApplied(command, encodeCommand(command), w.finish(), 0, w.pos));
  };
  apply({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
  for (const accountId of [1, 2]) {
    apply({ type: 'createAccount', accountId, userId: accountId, subaccount: 0 });
    apply({ type: 'deposit', accountId, assetId: 1, amount: 1_000_000_000 });
  }
  apply({
    type: 'createInstrument',
    spec: {
      kind: 'binary',
      instrumentId: 7,
      symbol: 'RAIN-26',
      seriesTicker: 'RAIN',
      eventTicker: 'RAIN-26',
      title: 'Rain',
      settlementAssetId: 1,
      ...CENTS_BINARY_GRID,
      fees: { kind: 'none' },
      limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
    },
  });
  apply({ type: 'setMarketStatus', instrumentId: 7, status: 'open' });
  for (let i = 0; i < 40; i++) {
    const side = i % 2 === 0 ? 'buy' : 'sell';
    apply({
      type: 'placeOrder',
      orderId: seq + 1,
      accountId: side === 'buy' ? 1 : 2,
      instrumentId: 7,
      side,
      orderType: 'limit',
      tif: 'gtc',
      priceTicks: 5_000 + (i % 3) * 100,
      qtyLots: 100 * (1 + (i % 4)),
      ...(i % 5 === 0 ? { clientOrderId: `c-${i}-é` } : {}),
    } as Body);
  }
  // A field the binary layout has no place for: the command travels as JSON inside the message.
  apply({ type: 'deposit', accountId: 1, assetId: 1, amount: 5, note: 'extra' } as unknown as Body);
  apply({ type: 'setMarketStatus', instrumentId: 7, status: 'paused' } as Body);
  return out;
}

/** What the JSON message carried: the form every consumer saw before the binary one. */
const asJson = (m: EventsMessage) => JSON.parse(new TextDecoder().decode(encodeMessage(m)));

test('an events message decodes to what its JSON form carried, commands and events alike', () => {
  const batch = appliedStream();
  const m: EventsMessage = { term: 4, fromSeq: 1, toSeq: batch.at(-1)!.seq, batch };
  const bytes = encodeEventsMessage(m);
  const back = decodeEventsMessage(bytes);
  assert.ok(!(back instanceof CodecError), String(back));
  assert.deepEqual(asJson(back), asJson(m));
  assert.ok(batch.some((a) => a.events.some((e) => e.type === 'fill')));
  // Fewer bytes than the JSON message: the reason it exists. (A third of them since the frequent
  // events are written with float64 integers, decision 0973: a ninth before.)
  assert.ok(bytes.length * 3 < encodeMessage(m).length);
});

test("a node's applied commands are published as the engine's bytes, the same message", () => {
  const plain = appliedStream();
  const encoded = appliedStream(true);
  const m = (batch: AppliedCommand[]): EventsMessage => ({
    term: 3,
    fromSeq: 1,
    toSeq: batch.at(-1)!.seq,
    batch,
  });
  assert.deepEqual(encodeEventsMessage(m(encoded)), encodeEventsMessage(m(plain)));
  const back = decodeEventsMessage(encodeEventsMessage(m(encoded)));
  assert.ok(!(back instanceof CodecError), String(back));
  assert.deepEqual(asJson(back), asJson(m(plain)));
  // Their JSON (a replay reply) is a plain applied command's.
  assert.equal(JSON.stringify(encoded), JSON.stringify(plain));
});

test('a JSON events message (from a node not yet upgraded) still decodes', () => {
  const batch = appliedStream().slice(0, 5);
  const m: EventsMessage = { term: 1, fromSeq: 1, toSeq: 5, batch };
  const back = decodeEventsMessage(encodeMessage(m));
  assert.ok(!(back instanceof CodecError));
  assert.deepEqual(asJson(back), asJson(m));
});

test('truncated or garbled messages are a CodecError, never a partial batch', () => {
  const batch = appliedStream();
  const bytes = encodeEventsMessage({ term: 2, fromSeq: 1, toSeq: batch.at(-1)!.seq, batch });
  for (const cut of [1, 3, 10, bytes.length >> 1, bytes.length - 1]) {
    assert.ok(decodeEventsMessage(bytes.subarray(0, cut)) instanceof CodecError, `cut at ${cut}`);
  }
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.ok(decodeEventsMessage(longer) instanceof CodecError, 'trailing bytes');
  assert.ok(decodeEventsMessage(new TextEncoder().encode('{"term":')) instanceof CodecError);
  const huge = Uint8Array.of(0x02, 1, 1, 1, 0xff, 0xff, 0xff, 0x7f);
  assert.ok(decodeEventsMessage(huge) instanceof CodecError, 'a count larger than the message');
});

test('a binary replay reply is the events message of its commands; errors and JSON still read', () => {
  const batch = appliedStream(true).slice(3, 30);
  const bytes = encodeReplayReply({ ok: true, batch }, true);
  const live = encodeEventsMessage({ term: 0, fromSeq: 4, toSeq: 30, batch });
  assert.deepEqual(bytes, live, 'the same codec as the live stream');
  const back = decodeReplayReply(bytes);
  assert.ok(!(back instanceof CodecError) && back.ok, String(back));
  const expected = asJson({ term: 0, fromSeq: 4, toSeq: 30, batch }).batch;
  assert.deepEqual(JSON.parse(JSON.stringify(back.batch)), expected);
  // A reply of a node of an earlier version (JSON), and the JSON reply to an earlier gateway.
  const json = encodeReplayReply({ ok: true, batch }, false);
  assert.equal(json[0], '{'.charCodeAt(0));
  const fromJson = decodeReplayReply(json);
  assert.ok(!(fromJson instanceof CodecError) && fromJson.ok);
  assert.deepEqual(fromJson.batch, expected);
  const empty = decodeReplayReply(encodeReplayReply({ ok: true, batch: [] }, true));
  assert.deepEqual(empty, { ok: true, batch: [] });
  const refused = { ok: false, code: 'UNAVAILABLE', message: 'no' } as const;
  assert.deepEqual(decodeReplayReply(encodeReplayReply(refused, true)), refused);
  assert.ok(decodeReplayReply(bytes.subarray(0, bytes.length - 1)) instanceof CodecError);
  assert.ok(decodeReplayReply(new TextEncoder().encode('[1]')) instanceof CodecError);
});
