// The window of recent commands behind `replay` and the client-order-id idempotency key: ranges stop
// at what is held, old entries (and their client ids) leave the window, and a node that restarts
// further on starts a fresh window; commands kept as the engine's bytes come back whole.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AppliedCommand, EncodedApplied } from '@bourse/core';
import { ByteWriter, CENTS_BINARY_GRID, type Command, Engine, encodeCommand } from '@bourse/engine';
import { RecentCommands } from '../src/recent-commands.ts';

function placed(seq: number, accountId: number, clientOrderId?: string): AppliedCommand {
  const command = {
    type: 'placeOrder',
    seq,
    ts: 1_000 + seq,
    orderId: seq,
    accountId,
    instrumentId: 1,
    side: 'buy',
    orderType: 'limit',
    priceTicks: 4_000,
    qtyLots: 100,
    tif: 'gtc',
    ...(clientOrderId === undefined ? {} : { clientOrderId }),
  } as AppliedCommand['command'];
  return { seq, ts: command.ts, command, events: [] };
}

test('replay ranges stop at what the window holds', () => {
  const recent = new RecentCommands(4);
  recent.add([placed(1, 1), placed(2, 1), placed(3, 1)]);
  assert.deepEqual(
    recent.range(2, 10, 100).map((a) => a.seq),
    [2, 3],
  );
  recent.add([placed(4, 1), placed(5, 1), placed(6, 1)]);
  assert.equal(recent.firstSeq, 3);
  assert.deepEqual(recent.range(1, 6, 100), [], 'a range starting before the window is refused');
  assert.deepEqual(
    recent.range(3, 6, 2).map((a) => a.seq),
    [3, 4],
  );
});

test('a client order id is known while its command is in the window, per account', () => {
  const recent = new RecentCommands(3);
  recent.add([placed(1, 7, 'a'), placed(2, 8, 'a'), placed(3, 7, 'b')]);
  assert.equal(recent.byClientOrderId(7, 'a')?.seq, 1);
  assert.equal(recent.byClientOrderId(8, 'a')?.seq, 2);
  assert.equal(recent.byClientOrderId(9, 'a'), undefined);
  recent.add([placed(4, 1)]);
  assert.equal(recent.byClientOrderId(7, 'a'), undefined, 'seq 1 left the window');
  assert.equal(recent.byClientOrderId(7, 'b')?.seq, 3);
});

test('a jump in seq (a node restarted past its snapshot) starts a fresh window', () => {
  const recent = new RecentCommands(10);
  recent.add([placed(1, 1, 'x'), placed(2, 1)]);
  recent.add([placed(50, 1), placed(51, 1)]);
  assert.equal(recent.firstSeq, 50);
  assert.equal(recent.byClientOrderId(1, 'x'), undefined);
  assert.deepEqual(
    recent.range(50, 60, 10).map((a) => a.seq),
    [50, 51],
  );
});

/** Commands applied by a real engine, handed on as a node's core does: the engine's bytes. */
function encodedStream(count: number): AppliedCommand[] {
  const engine = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 1_000 });
  const out: AppliedCommand[] = [];
  const apply = (body: Record<string, unknown>) => {
    const seq = out.length + 1;
    const command = { ...body, seq, ts: 1_700_000_000_000 + seq } as unknown as Command;
    const w = new ByteWriter(256);
    engine.applyEncoded(command, w);
    // Views into a larger buffer, as a batch of records and an engine's event batch are.
    const record = Uint8Array.of(9, 9, ...encodeCommand(command), 9).subarray(2, -1);
    const events = Uint8Array.of(7, ...w.finish(), 7);
    out.push(new EncodedApplied(command, record, events, 1, events.length - 1));
  };
  apply({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
  apply({ type: 'createAccount', accountId: 1, userId: 1, subaccount: 0 });
  apply({ type: 'deposit', accountId: 1, assetId: 1, amount: 1_000_000_000 });
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
  while (out.length < count) {
    const seq = out.length + 1;
    apply({
      type: 'placeOrder',
      orderId: seq,
      accountId: 1,
      instrumentId: 7,
      side: seq % 2 === 0 ? 'buy' : 'sell',
      orderType: 'limit',
      tif: 'gtc',
      priceTicks: 4_000 + (seq % 2) * 2_000,
      qtyLots: 100,
      clientOrderId: `c-${seq}`,
    });
  }
  return out;
}

test('commands kept as the engine bytes come back as the same commands and events', () => {
  const stream = encodedStream(30);
  const recent = new RecentCommands(20);
  recent.add(stream.slice(0, 12));
  recent.add(stream.slice(12));
  assert.equal(recent.firstSeq, 11);
  const back = recent.range(11, 30, 100);
  assert.deepEqual(
    back.map((a) => a.seq),
    stream.slice(10).map((a) => a.seq),
  );
  for (const [i, a] of back.entries()) {
    assert.deepEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(stream[10 + i])));
  }
  assert.equal(recent.byClientOrderId(1, 'c-25')?.seq, 25);
  assert.deepEqual(recent.byClientOrderId(1, 'c-25')?.events, stream[24]!.events);
  assert.equal(recent.byClientOrderId(1, 'c-8'), undefined, 'seq 8 left the window');
});
