// End to end over real sockets: two API-key users trade through REST and WebSocket; the acks, the WS
// private channels, the live REST views and the SQL read models all tell the same story.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BookMirror, type BookMessage, SocketClient } from '@bourse/client';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

let ex: TestExchange;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  ex = await startTestExchange();
  alice = await ex.addUser('alice', 'trader', 1_000_000_000);
  bob = await ex.addUser('bob', 'market-maker', 1_000_000_000);
});
after(() => ex.close());

/** Waits (bounded) until `done()` holds; the assertion after it reports what was missing. */
async function until(done: () => boolean, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) await sleep(10);
}

test('REST and WS trading agree across acks, private channels, live views and SQL', async () => {
  const ws = await SocketClient.connect(alice.rest);
  const pushed: Record<string, unknown>[] = [];
  ws.onMessage = (m) => pushed.push(m);
  for (const ch of ['orders', 'fills', 'balances', 'positions']) await ws.subscribe(ch);

  // Bob quotes over REST; Alice lifts over WS; Bob cancels the rest over WS.
  const ask = await bob.rest.placeOrder({
    market: ex.market,
    side: 'sell',
    priceTicks: 4_500,
    qtyLots: 1_000,
  });
  assert.equal(ask.status, 'resting');
  assert.equal(ask.orderId, ask.seq);
  const buy = await ws.place({
    market: ex.market,
    side: 'buy',
    priceTicks: 4_500,
    qtyLots: 300,
    tif: 'ioc',
  });
  assert.equal(buy.status, 'filled');
  assert.equal(buy.filledQtyLots, 300);
  assert.deepEqual(
    buy.fills.map((f) => [f.priceTicks, f.qtyLots]),
    [[4_500, 300]],
  );

  // Read-your-writes: right after the ack, live and SQL views reflect it.
  const [positions, balances, fills] = await Promise.all([
    alice.rest.positions(),
    alice.rest.balances(),
    alice.rest.fills(),
  ]);
  assert.equal(positions.items[0]?.positionLots, 300);
  assert.equal(fills.items.length, 1);
  assert.equal(fills.items[0]?.orderId, buy.orderId);
  const usd = balances.items.find((b) => b.asset === 'USD');
  const fee = buy.fills[0]?.fee ?? 0;
  assert.equal(usd?.available, 1_000_000_000 - 4_500 * 300 - fee);

  // The WS private channels carried the same facts.
  await until(
    () =>
      pushed.some((m) => m.channel === 'positions' && m.type === 'update') &&
      pushed.some((m) => m.channel === 'fills' && m.type === 'update'),
  );
  const wsFills = pushed
    .filter((m) => m.channel === 'fills' && m.type === 'update')
    .flatMap((m) => m.items as Record<string, unknown>[]);
  assert.deepEqual(
    wsFills.map((f) => [f.tradeId, f.orderId, f.qtyLots, f.priceTicks, f.fee]),
    fills.items.map((f) => [f.tradeId, f.orderId, f.qtyLots, f.priceTicks, f.fee]),
  );
  const wsPos = pushed
    .filter((m) => m.channel === 'positions' && m.type === 'update')
    .flatMap((m) => m.items as Record<string, unknown>[]);
  assert.equal(wsPos.at(-1)?.positionLots, 300);
  const wsBal = pushed
    .filter((m) => m.channel === 'balances' && m.type === 'update')
    .flatMap((m) => m.items as Record<string, unknown>[]);
  assert.equal(wsBal.at(-1)?.available, usd?.available);

  // SQL read models agree with the engine's live state.
  const rm = ex.gateway.services.core.readModels;
  await rm.waitFor(ex.gateway.services.core.durableSeq);
  const sqlPos = await rm.positions(alice.accountId);
  assert.equal(sqlPos[0]?.positionLots, positions.items[0]?.positionLots);
  assert.equal(sqlPos[0]?.costBasis, positions.items[0]?.costBasis);
  const sqlBal = await rm.balances(alice.accountId);
  assert.equal(sqlBal.find((b) => b.assetId === 1)?.available, usd?.available);

  // Public trades and the maker's side agree too.
  const trades = await alice.rest.trades(ex.market);
  assert.equal(trades.items[0]?.qtyLots, 300);
  const bobFills = await bob.rest.fills();
  assert.equal(bobFills.items[0]?.tradeId, fills.items[0]?.tradeId);
  assert.equal(bobFills.items[0]?.side, 'sell');

  const cancel = await (await SocketClient.connect(bob.rest)).cancel(ask.orderId);
  assert.ok(cancel.seq > buy.seq);
  const history = await bob.rest.order(ask.orderId);
  assert.equal(history.status, 'cancelled');
  assert.equal(history.filledQtyLots, 300);
  const book = await alice.rest.book(ex.market);
  assert.deepEqual(book.asks, []);
  await ws.close();
});

test('amend, decrease, batch place, batch cancel, cancel-all and order listing with cursors', async () => {
  const r = alice.rest;
  const placed = await r.placeOrders(
    [3_000, 3_100, 3_200].map((p, i) => ({
      market: ex.market,
      side: 'buy' as const,
      priceTicks: p,
      qtyLots: 500,
      clientOrderId: `b${i}`,
    })),
  );
  const ids = placed.results.map((x) => ('order' in x ? x.order.orderId : 0));
  assert.ok(ids.every((id) => id > 0));
  await r.amendOrder(ids[0]!, { priceTicks: 3_300 });
  await r.decreaseOrder(ids[1]!, 200);
  const open = await r.openOrders();
  const byId = new Map(open.items.map((o) => [o.orderId, o]));
  assert.equal(byId.get(ids[0]!)?.priceTicks, 3_300);
  assert.equal(byId.get(ids[1]!)?.openQtyLots, 300);
  const page1 = await r.orders({ limit: 2 });
  assert.equal(page1.items.length, 2);
  assert.ok(page1.nextCursor);
  const page2 = await r.orders({ limit: 2, cursor: page1.nextCursor });
  assert.ok(page2.items.every((o) => !page1.items.some((p) => p.orderId === o.orderId)));
  const bc = await r.cancelOrders([ids[0]!]);
  assert.deepEqual((bc.results[0] as { cancelled: boolean }).cancelled, true);
  const all = await r.cancelAll(ex.market);
  assert.deepEqual([...all.cancelledOrderIds].sort(), [ids[1]!, ids[2]!].sort());
  const filtered = await r.orders({ status: 'cancelled', clientOrderId: 'b2' });
  assert.deepEqual(
    filtered.items.map((o) => o.orderId),
    [ids[2]],
  );
});

test('a WS subscriber rebuilds the REST book from snapshot + deltas after load', async () => {
  const watcher = await SocketClient.connect(alice.rest);
  const mirror = new BookMirror();
  let gaps = 0;
  const wsTrades: { tradeId: number; priceTicks: number; qtyLots: number }[] = [];
  watcher.onMessage = (m) => {
    if (m.channel === 'book' && !mirror.apply(m as unknown as BookMessage)) gaps++;
    if (m.channel === 'trades' && m.type === 'trades')
      wsTrades.push(...(m.trades as typeof wsTrades));
  };
  await watcher.subscribe('book', ex.market);
  await watcher.subscribe('trades', ex.market);
  const mm = await SocketClient.connect(bob.rest);
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < 300; i++) {
    const side = i % 2 === 0 ? 'buy' : 'sell';
    const priceTicks = side === 'buy' ? 4_000 + (i % 7) * 100 : 4_600 + (i % 5) * 100;
    acks.push(mm.place({ market: ex.market, side, priceTicks, qtyLots: 100 * (1 + (i % 3)) }));
    if (i % 10 === 9)
      acks.push(
        alice.rest.placeOrder({
          market: ex.market,
          side: 'buy',
          priceTicks: 4_700,
          qtyLots: 200,
          tif: 'ioc',
        }),
      );
  }
  await Promise.all(acks);
  const rest = await alice.rest.book(ex.market);
  await until(
    () => JSON.stringify(mirror.depth()) === JSON.stringify({ bids: rest.bids, asks: rest.asks }),
  );
  assert.equal(gaps, 0);
  assert.deepEqual(mirror.depth(), { bids: rest.bids, asks: rest.asks });
  // Every trade pushed on the socket is in the SQL trade history with the same price and size.
  const history = await alice.rest.trades(ex.market, { limit: 1000 });
  const byId = new Map(history.items.map((t) => [t.tradeId, t]));
  assert.ok(wsTrades.length > 0);
  for (const t of wsTrades) {
    assert.deepEqual(
      [byId.get(t.tradeId)?.priceTicks, byId.get(t.tradeId)?.qtyLots],
      [t.priceTicks, t.qtyLots],
    );
  }
  await watcher.close();
  await mm.close();
});

test('admin closes and settles a market; payouts show in settlements and balances', async () => {
  const admin = ex.admin.rest;
  const before = (await alice.rest.balances()).items.find((b) => b.asset === 'USD')!;
  const pos = (await alice.rest.positions()).items.find((p) => p.market === ex.market)!;
  assert.ok(pos.positionLots > 0);
  await admin.request('POST', `/api/v1/admin/markets/${ex.market}/status`, { status: 'closed' });
  await assert.rejects(
    alice.rest.placeOrder({ market: ex.market, side: 'buy', priceTicks: 4_000, qtyLots: 100 }),
    { code: 'MARKET_NOT_OPEN' },
  );
  const settled = await admin.request<{ accountsPaid: number }>(
    'POST',
    `/api/v1/admin/markets/${ex.market}/settle`,
    {
      result: 'yes',
    },
  );
  assert.ok(settled.accountsPaid >= 2);
  const after = (await alice.rest.balances()).items.find((b) => b.asset === 'USD')!;
  // Each YES lot pays one tick-lot of the 10,000-tick payout: 100 lots = one contract = $1.
  assert.equal(
    after.available + after.reserved,
    before.available + before.reserved + pos.positionLots * 10_000,
  );
  const settlements = await alice.rest.settlements();
  assert.equal(settlements.items[0]?.positionLots, pos.positionLots);
  assert.equal(settlements.items[0]?.payout, pos.positionLots * 10_000);
  const state = await admin.request<{ violations: string[] }>('GET', '/api/v1/admin/state');
  assert.deepEqual(state.violations, []);
});
