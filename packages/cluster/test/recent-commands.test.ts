// The window of recent commands behind `replay` and the client-order-id idempotency key: ranges stop
// at what is held, old entries (and their client ids) leave the window, and a node that restarts
// further on starts a fresh window.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppliedCommand } from '@bourse/core';
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
