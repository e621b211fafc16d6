// A WebSocket client that stops reading is cut off once its send buffer passes the bound, while a
// client reading normally on the same market keeps an exact book: one slow consumer slows no one.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BookMirror, type BookMessage, SocketClient } from '@bourse/client';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let trader: TestUser;
const huge = { capacity: 1e9, refillPerSecond: 1e9 };

before(async () => {
  ex = await startTestExchange({
    rateLimits: { perIp: huge, perKey: huge, marketMakerMultiplier: 1 },
    ws: { conflateBytes: 64 * 1024, disconnectBytes: 512 * 1024 },
  });
  trader = await ex.addUser('deep', 'market-maker', 1_000_000_000_000);
  const admin = ex.admin.rest;
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
  // A deep book makes every snapshot large (thousands of levels).
  for (let b = 0; b < 40; b++) {
    const orders = Array.from({ length: 100 }, (_, i) => ({
      market: 'DEEP',
      side: 'buy' as const,
      priceTicks: 1 + b * 100 + i,
      qtyLots: 1,
    }));
    await trader.rest.placeOrders(orders);
  }
});
after(() => ex.close());

test('a client that stops reading is disconnected; a reading client keeps an exact book', async () => {
  const fast = await SocketClient.connect(trader.rest);
  const mirror = new BookMirror();
  let gaps = 0;
  fast.onMessage = (m) => {
    if (m.channel === 'book' && !mirror.apply(m as unknown as BookMessage)) gaps++;
  };
  await fast.subscribe('book', 'DEEP');

  const slow = await SocketClient.connect(trader.rest);
  let closed = false;
  await slow.subscribe('book', 'DEEP');
  const closedPromise = new Promise<void>((resolve) => {
    slow.onClose = () => {
      closed = true;
      resolve();
    };
  });
  slow.pauseReading();
  // Ask for snapshot after snapshot without reading any of them.
  for (let i = 0; i < 400 && !closed; i++) {
    slow.sendRaw({ op: 'subscribe', channel: 'book', market: 'DEEP' });
    if (i % 20 === 19) {
      await trader.rest.placeOrder({
        market: 'DEEP',
        side: 'buy',
        priceTicks: 500_000 + i,
        qtyLots: 1,
      });
      await sleep(5);
    }
  }
  await Promise.race([closedPromise, sleep(5_000)]);
  assert.equal(closed, true, 'the slow client was disconnected');
  const metrics = await (await fetch(`${ex.baseUrl}/metrics`)).text();
  assert.match(metrics, /^bourse_ws_slow_disconnects_total [1-9]/m);

  await trader.rest.placeOrder({ market: 'DEEP', side: 'buy', priceTicks: 600_000, qtyLots: 1 });
  const rest = await trader.rest.book('DEEP');
  for (
    let i = 0;
    i < 200 &&
    JSON.stringify(mirror.depth()) !== JSON.stringify({ bids: rest.bids, asks: rest.asks });
    i++
  ) {
    await sleep(10);
  }
  assert.equal(gaps, 0);
  assert.deepEqual(mirror.depth(), { bids: rest.bids, asks: rest.asks });
  await fast.close();
});
