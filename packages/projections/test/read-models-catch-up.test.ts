// A seeded random exchange fed to the read models three ways — one huge batch, random small batches,
// and half then a reopened store catching up on the whole stream — must give identical rows that agree
// with the engine. Also walks cursors through long lists and checks bad cursors are refused. The suite
// runs once per SQL backend (SQLite, PostgreSQL).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyInvariants } from '@bourse/engine';
import { InvalidQueryError, type ReadModels } from '../src/index.ts';
import { allPages, assertMatchesEngine, dumpReadModels } from './fixtures/read-model-dump.ts';
import {
  RANDOM_ACCOUNTS,
  RANDOM_INSTRUMENTS,
  runRandomExchange,
} from './fixtures/random-exchange.ts';
import { useSqlBackends } from './support/sql-backends.ts';

const SEED = 20_261_123;
const backends = useSqlBackends();
const driver = runRandomExchange(SEED, 3_000);

for (const backend of backends.both) {
  describe(`read models on ${backend.name}: a random exchange (seed ${SEED})`, () => {
    const applied = driver.applied;
    const open = () => backend.fresh();
    const dump = (rm: ReadModels) => dumpReadModels(rm, RANDOM_ACCOUNTS, RANDOM_INSTRUMENTS);

    it('exercised the engine broadly', () => {
      assert.deepEqual(verifyInvariants(driver.engine), []);
      const types = new Set(applied.flatMap((ac) => ac.events.map((e) => e.type)));
      for (const t of [
        'fill',
        'orderCancelled',
        'orderAmended',
        'settled',
        'rejected',
        'orderParked',
      ]) {
        assert.ok(types.has(t as never), `the workload produced ${t}`);
      }
      const paused = applied
        .flatMap((ac) => ac.events)
        .filter((e) => e.type === 'orderCancelled' && e.reason === 'paused').length;
      assert.ok(paused > 10, `orders cancelled on pause (${paused})`);
      const fills = applied.flatMap((ac) => ac.events).filter((e) => e.type === 'fill').length;
      assert.ok(fills > 500, `enough fills to span many pages (${fills})`);
    });

    it('matches the engine after one batch of everything', async () => {
      const rm = await open();
      await rm.apply(applied);
      assert.equal(await rm.lastAppliedSeq(), driver.lastSeq);
      await assertMatchesEngine(rm, driver.engine, RANDOM_ACCOUNTS);
      await rm.close();
    });

    it('matches the engine at checkpoints mid-session, with orders resting', async () => {
      const rm = await open();
      let partlyFilledOpen = 0;
      // The workload is deterministic, so a shorter run is a prefix of a longer one: feed each run
      // (already-applied commands are skipped) and compare with that run's engine.
      for (let n = 250; n <= 3_000; n += 250) {
        const live = runRandomExchange(SEED, n, false);
        await rm.apply(live.applied);
        await assertMatchesEngine(rm, live.engine, RANDOM_ACCOUNTS);
        for (const a of RANDOM_ACCOUNTS) {
          partlyFilledOpen += live.engine.openOrders(a).filter((o) => o.filledQtyLots > 0).length;
        }
      }
      assert.ok(partlyFilledOpen >= 10, `partly filled open orders compared: ${partlyFilledOpen}`);
      await rm.close();
    });

    it('keeps every order consistent with its fills and its final event', async () => {
      const rm = await open();
      await rm.apply(applied);
      const filled = new Map<number, number>();
      const fees = new Map<number, number>();
      const add = (m: Map<number, number>, k: number, v: number) => m.set(k, (m.get(k) ?? 0) + v);
      for (const e of applied.flatMap((ac) => ac.events)) {
        if (e.type !== 'fill') continue;
        add(filled, e.takerOrderId, e.qtyLots);
        add(filled, e.makerOrderId, e.qtyLots);
        add(fees, e.takerOrderId, e.takerFee);
        add(fees, e.makerOrderId, e.makerFee);
      }
      const orders = await allPages((cursor) =>
        rm.orders(cursor ? { cursor, limit: 1000 } : { limit: 1000 }),
      );
      for (const o of orders) {
        assert.equal(o.filledQtyLots, filled.get(o.orderId) ?? 0, `filled of order ${o.orderId}`);
        assert.equal(o.feesPaid, fees.get(o.orderId) ?? 0, `fees of order ${o.orderId}`);
        assert.notEqual(o.status, 'open', 'every market closed, so no order is open');
        if (o.status === 'filled') assert.equal(o.filledQtyLots, o.qtyLots);
        if (o.status === 'cancelled') assert.ok(o.cancelReason);
      }
      await rm.close();
    });

    it('gives the same rows for one batch, random batches and a catch-up after reopening', async () => {
      const whole = await open();
      await whole.apply(applied);
      const expected = await dump(whole);
      await whole.close();

      const pieces = await open();
      let sizeSeed = 7;
      for (let i = 0; i < applied.length; ) {
        sizeSeed = (sizeSeed * 1_103_515_245 + 12_345) % 2_147_483_648;
        const size = 1 + (sizeSeed % 97);
        await pieces.apply(applied.slice(i, i + size));
        i += size;
      }
      assert.deepEqual(await dump(pieces), expected);
      await pieces.close();

      const store = await backend.store();
      const first = await store();
      await first.apply(applied.slice(0, Math.floor(applied.length / 2)));
      await first.close();
      const reopened = await store();
      assert.equal(
        await reopened.lastAppliedSeq(),
        applied[Math.floor(applied.length / 2) - 1]?.seq,
      );
      await reopened.apply(applied);
      assert.deepEqual(await dump(reopened), expected);
      await assertMatchesEngine(reopened, driver.engine, RANDOM_ACCOUNTS);
      await reopened.close();
    });

    it('pages through long lists without gaps or repeats', async () => {
      const rm = await open();
      await rm.apply(applied);
      const everything = (await rm.fills({ limit: 1000 })).items;
      const paged = await allPages((cursor) =>
        rm.fills(cursor ? { cursor, limit: 13 } : { limit: 13 }),
      );
      assert.ok(paged.length > 1_000);
      const keys = paged.map((f) => `${f.tradeId}:${f.role}`);
      assert.equal(new Set(keys).size, keys.length, 'no row twice');
      assert.deepEqual(paged.slice(0, 1000), everything, 'pages concatenate to the unpaged list');
      for (let i = 1; i < paged.length; i++) {
        const [a, b] = [paged[i - 1], paged[i]];
        assert.ok(
          a && b && (a.tradeId > b.tradeId || (a.tradeId === b.tradeId && a.role > b.role)),
        );
      }
      const ordersOf1 = await allPages((cursor) =>
        rm.orders(cursor ? { accountId: 1, cursor, limit: 10 } : { accountId: 1, limit: 10 }),
      );
      const audited = applied.filter(
        (ac) =>
          ac.command.type === 'placeOrder' &&
          ac.command.accountId === 1 &&
          !ac.events.some((e) => e.type === 'rejected' && e.reason === 'DUPLICATE_ORDER_ID'),
      );
      assert.equal(
        ordersOf1.length,
        audited.length,
        'one row per placement, rejected ones included',
      );
      const page = await rm.trades({ instrumentId: 20, limit: 5 });
      assert.ok(page.nextCursor);
      await assert.rejects(rm.trades({ cursor: 'not-a-cursor' }), InvalidQueryError);
      await assert.rejects(rm.fills({ cursor: page.nextCursor }), (e: unknown) => {
        return e instanceof InvalidQueryError && e.code === 'INVALID_CURSOR';
      });
      await assert.rejects(rm.orders({ limit: 0 }), (e: unknown) => {
        return e instanceof InvalidQueryError && e.code === 'INVALID_LIMIT';
      });
      await rm.close();
    });

    it('rolls back a whole batch that fails part-way, then takes the good one', async () => {
      const rm = await open();
      const half = Math.floor(applied.length / 2);
      await rm.apply(applied.slice(0, half));
      const before = await dump(rm);
      const withFill = applied.findIndex(
        (ac, i) => i > half + 10 && ac.events.some((e) => e.type === 'fill'),
      );
      const good = applied.slice(half, withFill + 1);
      const broken = good.map((ac, i) =>
        i < good.length - 1
          ? ac
          : {
              ...ac,
              events: ac.events.map((e) =>
                e.type === 'fill' ? { ...e, makerOrderId: 987_654_321 } : e,
              ),
            },
      );
      await assert.rejects(rm.apply(broken), /no order 987654321/);
      assert.deepEqual(await dump(rm), before, 'nothing of the failed batch is visible');
      await rm.apply(good);
      assert.equal(await rm.lastAppliedSeq(), good.at(-1)?.seq);
      await rm.close();
    });

    it('refuses a batch that goes backwards and keeps what it had', async () => {
      const rm = await open();
      const [a, b, c] = applied;
      assert.ok(a && b && c);
      await assert.rejects(rm.apply([a, c, b]), /increasing order/);
      assert.equal(await rm.lastAppliedSeq(), 0);
      await rm.apply([a, b, c]);
      assert.equal(await rm.lastAppliedSeq(), c.seq);
      await rm.close();
    });
  });
}
