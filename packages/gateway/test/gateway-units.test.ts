// Pure pieces of the gateway: the slow-consumer policy, the private feed's routing of engine events to
// accounts, and the error catalogue's coverage of every engine reject code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EngineEvent, REJECT_CODES } from '@bourse/engine';
import { type AppliedCommand, createHistogram, EventLoopDelaySampler } from '@bourse/core';
import { ApiError, errorCatalogue } from '../src/index.ts';
import { PrivateFeed } from '../src/ws/private-feed.ts';
import { decideMarketSend } from '../src/ws/slow-consumer-policy.ts';
import { textFrame } from '../src/ws/text-frame.ts';

const bounds = { conflateBytes: 1_000, disconnectBytes: 10_000 };

test('slow-consumer policy: conflate book and ticker, keep trades and candles, cut at the hard bound', () => {
  assert.equal(decideMarketSend('book', 0, false, bounds), 'send');
  assert.equal(decideMarketSend('book', 5_000, false, bounds), 'skipAndMarkStale');
  assert.equal(decideMarketSend('book', 5_000, true, bounds), 'skipAndMarkStale');
  assert.equal(decideMarketSend('book', 10, true, bounds), 'resnapshot');
  assert.equal(decideMarketSend('ticker', 5_000, false, bounds), 'skip');
  assert.equal(decideMarketSend('ticker', 10, false, bounds), 'send');
  assert.equal(decideMarketSend('trades', 5_000, false, bounds), 'send');
  assert.equal(decideMarketSend('candles', 5_000, false, bounds), 'send');
  for (const ch of ['book', 'trades', 'ticker', 'candles'] as const) {
    assert.equal(decideMarketSend(ch, 10_001, false, bounds), 'disconnect');
  }
});

function applied(
  seq: number,
  command: AppliedCommand['command'],
  events: EngineEvent[],
): AppliedCommand {
  return { seq, ts: 1_000 + seq, command, events };
}

test('private feed routes each event to its accounts, only when someone listens', () => {
  const listening = new Set([1, 2]);
  const feed = new PrivateFeed((a) => listening.has(a));
  const place = {
    type: 'placeOrder',
    seq: 5,
    ts: 1_005,
    orderId: 5,
    accountId: 1,
    instrumentId: 9,
    side: 'buy',
    orderType: 'limit',
    priceTicks: 4_200,
    qtyLots: 300,
    tif: 'gtc',
  } as const;
  feed.apply(
    applied(5, place, [
      {
        type: 'orderAccepted',
        orderId: 5,
        accountId: 1,
        instrumentId: 9,
        clientOrderId: undefined,
        side: 'buy',
        orderType: 'limit',
        tif: 'gtc',
        priceTicks: 4_200,
        qtyLots: 300,
        stopPriceTicks: undefined,
        expiresAt: undefined,
        postOnly: false,
        reduceOnly: false,
        cancelOnPause: false,
      },
      {
        type: 'fill',
        tradeId: 1,
        instrumentId: 9,
        takerOrderId: 5,
        makerOrderId: 3,
        takerAccountId: 1,
        makerAccountId: 2,
        takerSide: 'buy',
        priceTicks: 4_200,
        qtyLots: 100,
        takerFee: 7,
        makerFee: 0,
        takerOpenQtyLots: 200,
        makerOpenQtyLots: 0,
      },
      {
        type: 'orderRested',
        orderId: 5,
        instrumentId: 9,
        side: 'buy',
        priceTicks: 4_200,
        openQtyLots: 200,
      },
      { type: 'balanceChanged', accountId: 1, assetId: 1, available: 10, reserved: 5 },
      { type: 'balanceChanged', accountId: 3, assetId: 1, available: 10, reserved: 5 },
      {
        type: 'positionChanged',
        accountId: 2,
        instrumentId: 9,
        positionLots: -100,
        costBasis: 580_000,
        realisedPnl: 0,
        feesPaid: 0,
      },
    ]),
    () => 'MKT',
  );
  const out = feed.flush();
  const by = (a: number, ch: string) =>
    out.find((u) => u.accountId === a && u.channel === ch)?.items ?? [];
  assert.deepEqual(
    by(1, 'orders').map((i) => (i as { type: string }).type),
    ['orderAccepted', 'fill', 'orderRested'],
  );
  assert.equal((by(1, 'fills')[0] as { role: string }).role, 'taker');
  assert.equal((by(2, 'fills')[0] as { side: string; role: string }).side, 'sell');
  assert.equal(by(1, 'balances').length, 1);
  assert.equal(by(2, 'positions').length, 1);
  assert.equal(
    out.some((u) => u.accountId === 3),
    false,
  );
  assert.deepEqual(feed.flush(), []);
});

test('every engine reject code has a 4xx/5xx status and renders the stable body', () => {
  const codes = new Map(errorCatalogue().map((e) => [e.code, e.status]));
  for (const code of REJECT_CODES) {
    const status = codes.get(code);
    assert.ok(status !== undefined && status >= 400 && status < 600, code);
    assert.deepEqual(new ApiError(code).body().error.code, code);
  }
  assert.equal(new ApiError('RATE_LIMITED').status, 429);
  assert.equal(new ApiError('INSUFFICIENT_FUNDS').status, 422);
});

test('hand-built text frames decode as WebSocket messages at every length class', async () => {
  // The `ws` library's own frame parser is the oracle (its typings leave it out).
  type FrameReceiver = {
    write(chunk: Buffer): void;
    once(event: 'message', on: (data: Buffer, isBinary: boolean) => void): void;
    once(event: 'error', on: (error: Error) => void): void;
  };
  const { Receiver } = (await import('ws')) as unknown as {
    Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver;
  };
  for (const n of [0, 125, 126, 65_535, 65_536, 200_000]) {
    const payload = Buffer.alloc(n, 0x61);
    const receiver = new Receiver({ isServer: false, maxPayload: 1 << 20 });
    const got = new Promise<{ data: Buffer; isBinary: boolean }>((resolve, reject) => {
      receiver.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }));
      receiver.once('error', reject);
    });
    receiver.write(textFrame(payload));
    const { data, isBinary } = await got;
    assert.equal(isBinary, false, `length ${n}`);
    assert.ok(Buffer.from(data).equals(payload), `length ${n}`);
  }
});

test('the event-loop delay sampler records how long the thread was blocked', async () => {
  const h = createHistogram();
  const sampler = new EventLoopDelaySampler(h, 5);
  sampler.start();
  await new Promise((r) => setTimeout(r, 20));
  // Hold the thread for 60 ms: the timer due meanwhile fires about that late.
  const until = performance.now() + 60;
  while (performance.now() < until) {}
  await new Promise((r) => setTimeout(r, 20));
  sampler.stop();
  const seen = h.count;
  assert.ok(seen >= 2, `${seen} samples`);
  const bucket50ms = h.bounds.indexOf(0.05);
  const late = h.counts.slice(bucket50ms).reduce((a, b) => a + b, 0);
  assert.ok(late >= 1, 'one sample ≥ 25 ms late');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.count, seen, 'stopped means stopped');
});
