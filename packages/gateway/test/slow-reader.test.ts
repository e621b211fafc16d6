// The slow-consumer bounds at their real sizes (1 MiB: book deltas withheld, then a fresh snapshot once
// the reader drains; 16 MiB: disconnected), driven by a client on a bare TCP socket that stops reading,
// so the kernel buffers fill and then the server's own. A stalled reader that the heartbeat catches
// first (its pings sit behind the backlog it never reads) counts as the slow consumer it is.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RawWsClient } from './support/raw-ws.ts';
import { metricValue } from './support/test-sockets.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

const MiB = 1 << 20;
const huge = { capacity: 1e9, refillPerSecond: 1e9 };
/** Default bounds; the heartbeat is pushed out of the way so only the bounds act. */
let ex: TestExchange;
let trader: TestUser;
/** Default bounds and a heartbeat that catches a stalled reader within seconds. */
let beating: TestExchange;

async function deepBook(x: TestExchange): Promise<TestUser> {
  const t = await x.addUser('deep', 'market-maker', 1_000_000_000_000);
  const admin = x.admin.rest;
  await admin.request('POST', '/api/v1/admin/assets', { code: 'ACME', scale: 1, assetId: 2 });
  await admin.request('POST', '/api/v1/admin/markets', {
    kind: 'spot',
    symbol: 'DEEP',
    baseAssetId: 2,
    quoteAssetId: 1,
    baseUnitsPerLot: 1,
    tickSize: 1,
    minPriceTicks: 1,
    maxPriceTicks: 1_000_000,
    lotSize: 1,
    moneyPerTickLot: 1,
  });
  await admin.request('POST', '/api/v1/admin/markets/DEEP/status', { status: 'open' });
  // 4,000 levels: every snapshot is tens of KiB, so a few hundred of them fill any buffer.
  for (let b = 0; b < 40; b++) {
    const orders = Array.from({ length: 100 }, (_, i) => ({
      market: 'DEEP',
      side: 'buy' as const,
      priceTicks: 1 + b * 100 + i,
      qtyLots: 1,
    }));
    await t.rest.placeOrders(orders);
  }
  return t;
}

before(async () => {
  ex = await startTestExchange({
    rateLimits: { perIp: huge, perKey: huge, marketMakerMultiplier: 1 },
    ws: { heartbeatMs: 600_000 },
  });
  trader = await deepBook(ex);
  beating = await startTestExchange({
    rateLimits: { perIp: huge, perKey: huge, marketMakerMultiplier: 1 },
    ws: { heartbeatMs: 3_000 },
  });
  await deepBook(beating);
});
after(async () => {
  await ex.close();
  await beating.close();
});

const portOf = (x: TestExchange) => (x.gateway.server.address() as AddressInfo).port;
const subscribe = { op: 'subscribe', channel: 'book', market: 'DEEP' };

/** A socket subscribed to DEEP's book that has read its first snapshot; answers its size in bytes. */
async function subscribed(x: TestExchange): Promise<{ c: RawWsClient; snapshotBytes: number }> {
  const c = await RawWsClient.open(portOf(x), '/api/v1/ws');
  c.send(subscribe);
  assert.ok(await c.waitFor((m) => m.channel === 'book' && m.type === 'snapshot'));
  const text = c.messages.findLast((m) => m.text.includes('"snapshot"'))!.text;
  return { c, snapshotBytes: Buffer.byteLength(text) };
}

/** Waits (bounded) until the server has sent `n` more messages than `before`. */
async function sentAtLeast(x: TestExchange, before: number, n: number): Promise<void> {
  for (let i = 0; i < 3_000; i++) {
    if ((await metricValue(x.baseUrl, 'bourse_ws_messages_out_total')) >= before + n) return;
    await sleep(10);
  }
  assert.fail('the server did not answer the subscriptions');
}

test('past 1 MiB buffered a stalled reader gets no book deltas, then a fresh snapshot once it drains', async () => {
  const { c, snapshotBytes } = await subscribed(ex);
  const first = c.json().findLast((m) => m.type === 'snapshot')!;
  try {
    c.stopReading();
    // 12 MiB of snapshots: more than the kernel holds for a socket that never reads (a few MiB with
    // Linux defaults), so over 1 MiB waits in the server; under 16 MiB, so the socket stays.
    const count = Math.ceil((12 * MiB) / snapshotBytes);
    const out = await metricValue(ex.baseUrl, 'bourse_ws_messages_out_total');
    for (let sent = 0; sent < count; sent += 20) {
      c.sendMany(Array.from({ length: Math.min(20, count - sent) }, () => subscribe));
    }
    await sentAtLeast(ex, out, 2 * count);
    // Three book changes while the reader is stalled: their deltas are withheld.
    for (let i = 0; i < 3; i++) {
      await trader.rest.placeOrder({
        market: 'DEEP',
        side: 'buy',
        priceTicks: 700_000 + i,
        qtyLots: 1,
      });
    }
    const conflations = await metricValue(ex.baseUrl, 'bourse_ws_conflations_total');
    c.resumeReading();
    const pongAt = c.messages.length;
    c.send({ op: 'ping', id: 'drained' });
    assert.ok(await c.waitFor((m) => m.type === 'pong', pongAt), 'the reader drained its backlog');
    const afterPong = c.messages.length;
    await trader.rest.placeOrder({ market: 'DEEP', side: 'buy', priceTicks: 710_000, qtyLots: 1 });
    assert.ok(await c.waitFor((m) => m.channel === 'book', afterPong));
    const next = c.json().slice(c.json().length - (c.messages.length - afterPong));
    const book = next.find((m) => m.channel === 'book')!;
    assert.equal(book.type, 'snapshot', 'the next book message is a fresh snapshot, not a delta');
    assert.equal(
      book.seq,
      (first.seq as number) + 4,
      'it covers the three withheld changes and the new one',
    );
    assert.equal(
      c.json().some((m) => m.type === 'delta'),
      false,
      'no delta of the stalled period was sent',
    );
    assert.equal(await metricValue(ex.baseUrl, 'bourse_ws_conflations_total'), conflations + 1);
  } finally {
    c.close();
  }
});

test('past 16 MiB buffered a stalled reader is disconnected and counted', async () => {
  const { c, snapshotBytes } = await subscribed(ex);
  const drops = await metricValue(ex.baseUrl, 'bourse_ws_slow_disconnects_total');
  try {
    c.stopReading();
    // Snapshot after snapshot, never read, until the server cuts the socket off (bounded: 96 MiB).
    let cut = false;
    for (let sent = 0; sent < 96 * MiB && !cut; ) {
      const out = await metricValue(ex.baseUrl, 'bourse_ws_messages_out_total');
      c.sendMany(Array.from({ length: 20 }, () => subscribe));
      sent += 20 * snapshotBytes;
      for (let i = 0; i < 3_000; i++) {
        cut = (await metricValue(ex.baseUrl, 'bourse_ws_slow_disconnects_total')) > drops;
        if (cut || (await metricValue(ex.baseUrl, 'bourse_ws_messages_out_total')) >= out + 40)
          break;
        await sleep(10);
      }
    }
    assert.equal(cut, true, 'the stalled reader was disconnected');
    assert.equal(await metricValue(ex.baseUrl, 'bourse_ws_slow_disconnects_total'), drops + 1);
    assert.equal(await metricValue(ex.baseUrl, 'bourse_ws_connections'), 0);
  } finally {
    c.close();
  }
});

test('a stalled reader dropped by the heartbeat is counted as a slow consumer', async () => {
  // Control: a socket that is silent (no backlog, no pong) is a heartbeat close, not a slow consumer.
  const silent = await RawWsClient.open(portOf(beating), '/api/v1/ws');
  await silent.closed;
  assert.equal(await metricValue(beating.baseUrl, 'bourse_ws_heartbeat_closes_total'), 1);
  assert.equal(await metricValue(beating.baseUrl, 'bourse_ws_slow_disconnects_total'), 0);

  const { c, snapshotBytes } = await subscribed(beating);
  try {
    c.stopReading();
    // 8 MiB: more than the kernel holds, so a backlog waits in the server when the heartbeat acts.
    const count = Math.ceil((8 * MiB) / snapshotBytes);
    c.sendMany(Array.from({ length: count }, () => subscribe));
    for (let i = 0; i < 6_000; i++) {
      if ((await metricValue(beating.baseUrl, 'bourse_ws_connections')) === 0) break;
      await sleep(10);
    }
    assert.equal(await metricValue(beating.baseUrl, 'bourse_ws_connections'), 0);
    assert.equal(await metricValue(beating.baseUrl, 'bourse_ws_slow_disconnects_total'), 1);
    assert.equal(await metricValue(beating.baseUrl, 'bourse_ws_heartbeat_closes_total'), 1);
  } finally {
    c.close();
  }
});
