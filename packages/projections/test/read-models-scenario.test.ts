// One binary market's life through a real Engine — deposits, a resting order, crossing orders with
// partial and multi-maker fills, a closing trade, a cancel, a rejection, close and settlement — fed
// in small batches to every SQL backend (SQLite in memory and in a file, PostgreSQL), each of which
// must hold the same, exact rows.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppliedCommand, ReadModels } from '../src/index.ts';
import { binarySpec, ExchangeDriver, setUpExchange, T0, USD } from './fixtures/exchange-driver.ts';
import { allPages, assertMatchesEngine, dumpReadModels } from './fixtures/read-model-dump.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const MARKET = 10;

interface Scenario {
  driver: ExchangeDriver;
  /** Order ids by name. */
  ids: Record<string, number>;
}

function runScenario(): Scenario {
  const d = new ExchangeDriver();
  setUpExchange(d, 2, [binarySpec(MARKET, 'RAIN-26NOV23')]);
  const place = (accountId: number, side: 'buy' | 'sell', priceTicks: number, qtyLots: number) => {
    d.apply({
      type: 'placeOrder',
      accountId,
      instrumentId: MARKET,
      side,
      orderType: 'limit',
      priceTicks,
      qtyLots,
      tif: 'gtc',
      clientOrderId: `c-${d.lastSeq + 1}`,
    });
    return d.lastSeq;
  };
  const ids: Record<string, number> = {};
  ids.a = place(1, 'buy', 4_200, 1_000); // rests
  ids.b = place(2, 'sell', 4_000, 400); // fills 400 of a at 4,200
  ids.c = place(1, 'buy', 4_500, 300); // rests above a
  ids.d = place(2, 'sell', 4_100, 500); // fills c (300 at 4,500) then a (200 at 4,200)
  d.ts += 60_000; // next minute
  ids.e = place(1, 'sell', 4_700, 200); // account 1 offers YES it holds: closing
  ids.f = place(2, 'buy', 4_900, 200); // account 2 buys back YES: closes NO, trades at 4,700
  d.apply({ type: 'cancelOrder', accountId: 1, orderId: ids.a });
  ids.rejected = place(2, 'buy', 4_250, 100); // off the cent grid
  d.apply({ type: 'setMarketStatus', instrumentId: MARKET, status: 'closed' });
  d.apply({ type: 'settleMarket', instrumentId: MARKET, result: 'yes' });
  return { driver: d, ids };
}

async function feed(rm: ReadModels, applied: readonly AppliedCommand[], size: number) {
  for (let i = 0; i < applied.length; i += size) await rm.apply(applied.slice(i, i + size));
}

const backends = useSqlBackends();

for (const backend of backends.all) {
  describe(`read models on ${backend.name}: a binary market from deposit to settlement`, () => {
    const { driver, ids } = runScenario();
    const engine = driver.engine;
    let rm: ReadModels;

    it('applies every command in small batches', async () => {
      rm = await backend.fresh();
      await feed(rm, driver.applied, 3);
      assert.equal(await rm.lastAppliedSeq(), driver.lastSeq);
    });

    it('records orders with status, filled quantity, average price, fees and reasons', async () => {
      const a = await rm.order(ids.a as number);
      assert.ok(a);
      assert.equal(a.status, 'cancelled');
      assert.equal(a.cancelReason, 'user');
      assert.equal(a.filledQtyLots, 600);
      assert.equal(a.openQtyLots, 0);
      assert.equal(a.qtyLots, 1_000);
      assert.equal(a.avgPriceTicks, 4_200);
      assert.equal(a.clientOrderId, `c-${ids.a}`);
      const d = await rm.order(ids.d as number);
      assert.ok(d);
      assert.equal(d.status, 'filled');
      assert.equal(d.filledQtyLots, 500);
      // (300 × 4,500 + 200 × 4,200) / 500 = 4,380
      assert.equal(d.filledNotional, 300 * 4_500 + 200 * 4_200);
      assert.equal(d.avgPriceTicks, 4_380);
      const rejected = await rm.order(ids.rejected as number);
      assert.ok(rejected);
      assert.equal(rejected.status, 'rejected');
      assert.equal(rejected.rejectReason, 'PRICE_OFF_GRID');
      const byClientId = await rm.orders({ accountId: 2, clientOrderId: `c-${ids.f}` });
      assert.deepEqual(
        byClientId.items.map((o) => [o.orderId, o.status]),
        [[ids.f, 'filled']],
      );
      const cancelled = await rm.orders({ status: 'cancelled' });
      assert.deepEqual(
        cancelled.items.map((o) => o.orderId),
        [ids.a],
      );
    });

    it('stores both sides of every fill with role, side and fee, and one trade per fill', async () => {
      const fillEvents = driver.applied.flatMap((ac) => ac.events.filter((e) => e.type === 'fill'));
      assert.equal(fillEvents.length, 4);
      const fills = await allPages((cursor) =>
        rm.fills(cursor ? { cursor, limit: 3 } : { limit: 3 }),
      );
      assert.equal(fills.length, 8);
      for (const f of fillEvents) {
        const taker = fills.find((r) => r.tradeId === f.tradeId && r.role === 'taker');
        const maker = fills.find((r) => r.tradeId === f.tradeId && r.role === 'maker');
        assert.deepEqual(
          [taker?.accountId, taker?.orderId, taker?.side, taker?.fee, taker?.qtyLots],
          [f.takerAccountId, f.takerOrderId, f.takerSide, f.takerFee, f.qtyLots],
        );
        assert.deepEqual(
          [maker?.accountId, maker?.orderId, maker?.side, maker?.fee, maker?.priceTicks],
          [
            f.makerAccountId,
            f.makerOrderId,
            f.takerSide === 'buy' ? 'sell' : 'buy',
            f.makerFee,
            f.priceTicks,
          ],
        );
        assert.ok(f.takerFee > 0, 'the Kalshi schedule charges takers');
      }
      const trades = (await rm.trades({ instrumentId: MARKET })).items;
      assert.deepEqual(
        trades.map((t) => [t.priceTicks, t.qtyLots, t.takerSide]),
        [
          [4_700, 200, 'buy'],
          [4_200, 200, 'sell'],
          [4_500, 300, 'sell'],
          [4_200, 400, 'sell'],
        ],
      );
      const ordersFills = (await rm.fills({ orderId: ids.a as number })).items;
      assert.deepEqual(
        ordersFills.map((f) => [f.role, f.qtyLots]),
        [
          ['maker', 200],
          ['maker', 400],
        ],
      );
    });

    it('builds OHLCV candles per minute, hour and day', async () => {
      const minute = Math.floor((T0 + 14_000) / 60_000) * 60_000;
      const m = await rm.candles({ instrumentId: MARKET, interval: '1m' });
      assert.deepEqual(
        m.map((c) => [
          c.bucketTs,
          c.openTicks,
          c.highTicks,
          c.lowTicks,
          c.closeTicks,
          c.volumeLots,
          c.tradeCount,
        ]),
        [
          [minute, 4_200, 4_500, 4_200, 4_200, 900, 3],
          [minute + 60_000, 4_700, 4_700, 4_700, 4_700, 200, 1],
        ],
      );
      const h = await rm.candles({ instrumentId: MARKET, interval: '1h' });
      assert.deepEqual(
        h.map((c) => [
          c.openTicks,
          c.highTicks,
          c.lowTicks,
          c.closeTicks,
          c.volumeLots,
          c.tradeCount,
        ]),
        [[4_200, 4_700, 4_200, 4_700, 1_100, 4]],
      );
      const latest = await rm.candles({ instrumentId: MARKET, interval: '1m', limit: 1 });
      assert.equal(latest[0]?.bucketTs, minute + 60_000);
      const ranged = await rm.candles({ instrumentId: MARKET, interval: '1m', toTs: minute });
      assert.equal(ranged.length, 1);
      assert.equal(await rm.volume24h(MARKET, driver.ts), 1_100);
      assert.equal(await rm.volume24h(MARKET, driver.ts + 86_400_000), 0);
    });

    it('hands live candles their start: the newest candle per interval and the seq it is exact at', async () => {
      const minute = Math.floor((T0 + 14_000) / 60_000) * 60_000;
      const ohlcv = (r: Awaited<ReturnType<ReadModels['latestCandles']>>) =>
        r.candles.map((c) => [
          c.instrumentId,
          c.interval,
          c.bucketTs,
          c.openTicks,
          c.highTicks,
          c.lowTicks,
          c.closeTicks,
          c.volumeLots,
          c.tradeCount,
        ]);
      const all = await rm.latestCandles();
      assert.equal(all.seq, driver.lastSeq);
      assert.deepEqual(ohlcv(all), [
        [MARKET, '1m', minute + 60_000, 4_700, 4_700, 4_700, 4_700, 200, 1],
        [MARKET, '1h', Date.UTC(2026, 10, 23, 9), 4_200, 4_700, 4_200, 4_700, 1_100, 4],
        [MARKET, '1d', Date.UTC(2026, 10, 23), 4_200, 4_700, 4_200, 4_700, 1_100, 4],
      ]);
      // Read models that hold only the first minute's trades say so with their seq.
      const partial = await backend.fresh();
      await feed(
        partial,
        driver.applied.filter((ac) => ac.seq <= (ids.d as number)),
        2,
      );
      const early = await partial.latestCandles();
      assert.equal(early.seq, ids.d);
      assert.deepEqual(ohlcv(early)[0], [MARKET, '1m', minute, 4_200, 4_500, 4_200, 4_200, 900, 3]);
      await partial.close();
      const empty = await backend.fresh();
      assert.deepEqual(await empty.latestCandles(), { seq: 0, candles: [] });
      await empty.close();
    });

    it('settles: one row per holder with payout, and the market result', async () => {
      const s = (await rm.settlements({ instrumentId: MARKET })).items;
      const byAccount = new Map(s.map((r) => [r.accountId, r]));
      assert.equal(s.length, 2);
      // Account 1 bought 900 and sold 200: 700 YES; account 2 holds the matching 700 NO.
      assert.equal(byAccount.get(1)?.positionLots, 700);
      assert.equal(byAccount.get(1)?.payout, 700 * 10_000);
      assert.equal(byAccount.get(2)?.positionLots, -700);
      assert.equal(byAccount.get(2)?.payout, 0);
      for (const r of s) assert.deepEqual([r.result, r.valueTicks], ['yes', 10_000]);
      const mine = (await rm.settlements({ accountId: 2 })).items;
      assert.deepEqual(
        mine.map((r) => r.instrumentId),
        [MARKET],
      );
    });

    it('agrees with the engine: balances, positions, open orders, ledger sums', async () => {
      await assertMatchesEngine(rm, engine, [0, 1, 2]);
      const ledger1 = (await rm.ledger({ accountId: 1, assetId: USD, limit: 1000 })).items;
      const kinds = new Set(ledger1.map((e) => e.kind));
      assert.deepEqual([...kinds].sort(), ['deposit', 'fee', 'settlement', 'trade']);
      const feeIncome = (await rm.ledger({ accountId: 0 })).items;
      assert.ok(feeIncome.every((e) => e.kind === 'fee' && e.amount > 0));
    });

    it('audits every command with its outcome', async () => {
      const audit = await allPages((cursor) => rm.audit(cursor ? { cursor } : {}));
      assert.equal(audit.length, driver.applied.length);
      const rejected = audit.filter((r) => r.outcome === 'rejected');
      assert.deepEqual(
        rejected.map((r) => [r.seq, r.commandType, r.accountId, r.reason]),
        [[ids.rejected, 'placeOrder', 2, 'PRICE_OFF_GRID']],
      );
      // The filters an auditor asks with pick the same rows as filtering the whole log.
      const only = async (q: Parameters<typeof rm.audit>[0]) =>
        (await allPages((cursor) => rm.audit(cursor ? { ...q, cursor } : q))).map((r) => r.seq);
      const pick = (keep: (r: (typeof audit)[number]) => boolean) =>
        audit.filter(keep).map((r) => r.seq);
      assert.deepEqual(await only({ outcome: 'rejected' }), [ids.rejected]);
      assert.deepEqual(
        await only({ commandType: 'placeOrder', accountId: 2, outcome: 'accepted' }),
        pick(
          (r) => r.commandType === 'placeOrder' && r.accountId === 2 && r.outcome === 'accepted',
        ),
      );
      const mid = audit[Math.floor(audit.length / 2)]!.ts;
      assert.deepEqual(
        await only({ fromTs: mid }),
        pick((r) => r.ts >= mid),
      );
      assert.deepEqual(
        await only({ toTs: mid, commandType: 'deposit' }),
        pick((r) => r.ts < mid && r.commandType === 'deposit'),
      );
      assert.ok((await only({ commandType: 'deposit' })).length > 0);
    });

    it('holds the same rows when an order is placed, filled and cancelled in one batch or across many', async () => {
      const expected = await dumpReadModels(rm, [0, 1, 2], [MARKET]);
      // One command per batch: every fill and the cancel change a stored order row. The whole stream
      // in one batch: each order is written once, with every change of the batch folded into it.
      for (const size of [1, driver.applied.length]) {
        const other = await backend.fresh();
        await feed(other, driver.applied, size);
        assert.deepEqual(
          await dumpReadModels(other, [0, 1, 2], [MARKET]),
          expected,
          `batches of ${size}`,
        );
        await other.close();
      }
      const a = (
        expected.orders as { orderId: number; status: string; filledQtyLots: number }[]
      ).find((o) => o.orderId === ids.a);
      assert.deepEqual([a?.status, a?.filledQtyLots], ['cancelled', 600]);
    });

    it('ignores a batch it has already applied', async () => {
      const before = await dumpReadModels(rm, [0, 1, 2], [MARKET]);
      await rm.apply(driver.applied);
      await rm.apply(driver.applied.slice(-4));
      assert.deepEqual(await dumpReadModels(rm, [0, 1, 2], [MARKET]), before);
      await rm.close();
    });
  });
}
