// Queue positions: how many lots rest ahead of an order at its price on its side. Worked examples
// (several accounts on one level; fills, cancels and decreases ahead move the number down; an amend
// that loses priority goes to the back; parked stops and finished orders have none; the bulk form per
// account and per instrument), then a seeded property test: over random command streams, every
// resting order's position equals a recomputation from the events alone (time priority = the order
// in which orders joined their level, reset by an amend that loses priority).
// A failure names the seed: `SEED=<seed> node --test packages/engine/test/queue-position.test.ts`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Engine, type EngineEvent, type QueuePositionView } from '../src/index.ts';
import { CommandGenerator } from './support/command-generator.ts';
import { expectSound } from './support/expect.ts';
import { binarySpec } from './support/harness.ts';
import { lim, M, market } from './support/order-fixtures.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

/** [orderId, aheadLots] of each of an account's resting orders, by order id. */
function ahead(e: Engine, accountId: number, instrumentId?: number): [number, number][] {
  return e.queuePositions(accountId, instrumentId).map((q) => [q.orderId, q.aheadLots]);
}

function aheadOf(e: Engine, orderId: number): number | undefined {
  return e.queuePosition(orderId)?.aheadLots;
}

describe('queue position worked examples', () => {
  test('orders of several accounts on one level queue in arrival order', () => {
    const h = market();
    const a = h.ok(lim(1, 'buy', 4000, 100));
    const b = h.ok(lim(2, 'buy', 4000, 300));
    const c = h.ok(lim(3, 'buy', 4000, 200));
    const d = h.ok(lim(1, 'buy', 4000, 500));
    const e = h.ok(lim(2, 'buy', 3900, 100));
    const f = h.ok(lim(4, 'sell', 4100, 700));
    const g = h.ok(lim(5, 'sell', 4100, 100));

    assert.deepEqual(h.engine.queuePosition(d), {
      orderId: d,
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      priceTicks: 4000,
      openQtyLots: 500,
      aheadLots: 600,
    } satisfies QueuePositionView);
    assert.deepEqual(
      [a, b, c, d, e, f, g].map((id) => aheadOf(h.engine, id)),
      [0, 100, 400, 600, 0, 0, 700],
    );
    // The bulk form: each account's resting orders, in order id order, across levels and sides.
    assert.deepEqual(ahead(h.engine, 1), [
      [a, 0],
      [d, 600],
    ]);
    assert.deepEqual(ahead(h.engine, 2), [
      [b, 100],
      [e, 0],
    ]);
    assert.deepEqual(ahead(h.engine, 5), [[g, 700]]);
    assert.deepEqual(ahead(h.engine, 6), []);
    assert.deepEqual(h.engine.queuePositions(99), [], 'unknown account');
    expectSound(h);
  });

  test('fills and cancels ahead move an order forward; a decrease ahead keeps the order of the queue', () => {
    const h = market();
    const a = h.ok(lim(1, 'buy', 4000, 100));
    const b = h.ok(lim(2, 'buy', 4000, 400));
    const c = h.ok(lim(3, 'buy', 4000, 200));
    const d = h.ok(lim(1, 'buy', 4000, 500));

    // A sell of 200 takes all of A (the front) and 100 of B.
    h.ok(lim(5, 'sell', 4000, 200));
    assert.equal(h.engine.queuePosition(a), undefined, 'a filled order is in no queue');
    assert.deepEqual(
      [b, c, d].map((id) => aheadOf(h.engine, id)),
      [0, 300, 500],
    );
    // Cancelling C (between B and D) moves only D.
    h.must({ type: 'cancelOrder', accountId: 3, orderId: c });
    assert.deepEqual(
      [b, d].map((id) => aheadOf(h.engine, id)),
      [0, 300],
    );
    // Decreasing B keeps it at the front with less in front of D.
    h.must({ type: 'decreaseOrder', accountId: 2, orderId: b, byLots: 100 });
    assert.deepEqual(
      [b, d].map((id) => aheadOf(h.engine, id)),
      [0, 200],
    );
    // So does an amend that only reduces B.
    h.must({ type: 'amendOrder', accountId: 2, orderId: b, qtyLots: 100 });
    assert.deepEqual(
      [b, d].map((id) => aheadOf(h.engine, id)),
      [0, 100],
    );
    assert.deepEqual(ahead(h.engine, 1), [[d, 100]]);
    expectSound(h);
  });

  test('an amend that loses priority goes to the back of its (new) level', () => {
    const h = market();
    const a = h.ok(lim(1, 'sell', 6000, 100));
    const b = h.ok(lim(2, 'sell', 6000, 200));
    const c = h.ok(lim(3, 'sell', 6000, 300));
    const d = h.ok(lim(4, 'sell', 6100, 400));

    // A grows: it loses its place and queues behind B and C.
    h.must({ type: 'amendOrder', accountId: 1, orderId: a, qtyLots: 200 });
    assert.deepEqual(
      [a, b, c].map((id) => aheadOf(h.engine, id)),
      [500, 0, 200],
    );
    // B moves to 61¢: behind D there; C is now at the front of 60¢.
    h.must({ type: 'amendOrder', accountId: 2, orderId: b, priceTicks: 6100 });
    assert.deepEqual(
      [a, b, c, d].map((id) => aheadOf(h.engine, id)),
      [300, 400, 0, 0],
    );
    assert.deepEqual(h.engine.queuePosition(b)?.priceTicks, 6100);
    // An amend that trades on arrival and rests the remainder queues like a new order.
    const e = h.ok(lim(5, 'buy', 5900, 100));
    const f = h.ok(lim(6, 'buy', 5900, 100));
    assert.equal(aheadOf(h.engine, f), 100);
    h.must({ type: 'amendOrder', accountId: 5, orderId: e, priceTicks: 6000, qtyLots: 600 });
    // E buys at 60¢: it takes C (300) and then A (200), in queue order, and rests 100 alone there.
    assert.equal(h.engine.queuePosition(c), undefined);
    assert.equal(h.engine.queuePosition(a), undefined);
    assert.deepEqual(h.engine.queuePosition(e), {
      orderId: e,
      accountId: 5,
      instrumentId: M,
      side: 'buy',
      priceTicks: 6000,
      openQtyLots: 100,
      aheadLots: 0,
    } satisfies QueuePositionView);
    assert.equal(aheadOf(h.engine, f), 0, 'E left the 59¢ queue');
    expectSound(h);
  });

  test('parked stops, finished and unknown orders have no queue position', () => {
    const h = market();
    const stop = h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'stopLimit',
      stopPriceTicks: 6000,
      priceTicks: 6100,
      qtyLots: 100,
      tif: 'gtc',
    });
    const resting = h.ok(lim(1, 'buy', 4000, 100));
    const cancelled = h.ok(lim(1, 'buy', 4000, 100));
    h.must({ type: 'cancelOrder', accountId: 1, orderId: cancelled });
    assert.equal(h.engine.order(stop)?.state, 'parked');
    assert.equal(h.engine.queuePosition(stop), undefined);
    assert.equal(h.engine.queuePosition(cancelled), undefined);
    for (const id of [999_999, 0, -1, 1.5, Number.NaN]) {
      assert.equal(h.engine.queuePosition(id), undefined);
    }
    assert.deepEqual(ahead(h.engine, 1), [[resting, 0]], 'the bulk form skips the parked stop');
    // Once triggered and resting, the stop has a place like any order.
    h.ok(lim(2, 'sell', 6000, 100));
    h.ok(lim(3, 'buy', 6000, 100));
    assert.equal(h.engine.order(stop)?.state, 'resting');
    assert.equal(aheadOf(h.engine, stop), 0);
  });

  test('the bulk form filters by instrument and walks a crowded level once', () => {
    const h = market([1, 2, 3]).market(binarySpec(11));
    const other = h.ok({ ...lim(1, 'buy', 4000, 100), instrumentId: 11 });
    // Account 1 has 300 orders on one level, interleaved with accounts 2 and 3.
    const mine: number[] = [];
    for (let i = 0; i < 300; i++) {
      mine.push(h.ok(lim(1, 'buy', 5000, 100)));
      if (i % 3 === 0) h.ok(lim(2, 'buy', 5000, 200));
      if (i % 7 === 0) h.ok(lim(3, 'buy', 5000, 300));
    }
    const bulk = h.engine.queuePositions(1, M);
    assert.equal(bulk.length, 300);
    assert.deepEqual(
      bulk.map((q) => q.orderId),
      mine,
    );
    for (const q of bulk) assert.deepEqual(h.engine.queuePosition(q.orderId), q);
    // The first is at the front; the last has every other order of the level in front of it.
    const level = h.engine.book(M)!.bids.find(([p]) => p === 5000)!;
    assert.equal(bulk[0]!.aheadLots, 0);
    assert.equal(bulk.at(-1)!.aheadLots, level[1] - 100);
    assert.deepEqual(ahead(h.engine, 1, 11), [[other, 0]]);
    assert.equal(h.engine.queuePositions(1).length, 301);
    assert.deepEqual(h.engine.queuePositions(1, 12_345), [], 'unknown instrument');
  });
});

/** What the events say about a live order: its level, size, and when it joined its queue. */
interface ModelOrder {
  accountId: number;
  instrumentId: number;
  side: 'buy' | 'sell';
  priceTicks: number;
  openQtyLots: number;
  /** Arrival stamp in its level's queue; 0 while not resting (in flight or parked). */
  joined: number;
}

/**
 * Follows the engine's events to know which orders rest where and since when, without looking at
 * the book: the reference the queries are checked against.
 */
class QueueModel {
  readonly orders = new Map<number, ModelOrder>();
  private clock = 0;

  observe(events: readonly EngineEvent[]): void {
    for (const ev of events) {
      switch (ev.type) {
        case 'orderAccepted':
          this.orders.set(ev.orderId, {
            accountId: ev.accountId,
            instrumentId: ev.instrumentId,
            side: ev.side,
            priceTicks: ev.priceTicks,
            openQtyLots: ev.qtyLots,
            joined: 0,
          });
          break;
        case 'orderRested': {
          const o = this.orders.get(ev.orderId)!;
          o.priceTicks = ev.priceTicks;
          o.openQtyLots = ev.openQtyLots;
          o.joined = ++this.clock;
          break;
        }
        case 'orderAmended': {
          const o = this.orders.get(ev.orderId)!;
          o.priceTicks = ev.priceTicks;
          o.openQtyLots = ev.openQtyLots;
          // Losing priority takes the order out of its queue; it rejoins when (if) it rests again.
          if (!ev.keptPriority) o.joined = 0;
          break;
        }
        case 'orderTriggered':
          this.orders.get(ev.orderId)!.joined = 0;
          break;
        case 'fill':
          this.fill(ev.makerOrderId, ev.makerOpenQtyLots);
          this.fill(ev.takerOrderId, ev.takerOpenQtyLots);
          break;
        case 'orderCancelled':
          this.orders.delete(ev.orderId);
          break;
        default:
          break;
      }
    }
  }

  private fill(orderId: number, open: number): void {
    if (open === 0) this.orders.delete(orderId);
    else this.orders.get(orderId)!.openQtyLots = open;
  }

  /** Every resting order's position, recomputed naively: Σ open of earlier arrivals at its level. */
  positions(): Map<number, QueuePositionView> {
    const levels = new Map<string, [number, ModelOrder][]>();
    for (const [orderId, o] of this.orders) {
      if (o.joined === 0) continue;
      const key = `${o.instrumentId}/${o.side}/${o.priceTicks}`;
      let list = levels.get(key);
      if (list === undefined) levels.set(key, (list = []));
      list.push([orderId, o]);
    }
    const out = new Map<number, QueuePositionView>();
    for (const list of levels.values()) {
      list.sort((x, y) => x[1].joined - y[1].joined);
      let aheadLots = 0;
      for (const [orderId, o] of list) {
        out.set(orderId, {
          orderId,
          accountId: o.accountId,
          instrumentId: o.instrumentId,
          side: o.side,
          priceTicks: o.priceTicks,
          openQtyLots: o.openQtyLots,
          aheadLots,
        });
        aheadLots += o.openQtyLots;
      }
    }
    return out;
  }
}

const SEED = seedFromEnv(20_260_611);
const COMMANDS = Number(process.env.QUEUE_COMMANDS ?? 60_000);

/**
 * Checks every query against the model: the bulk form for each account (all markets, and one market
 * for one account) and the single form for every live order (parked ones have no position).
 */
function checkAgainstModel(
  engine: Engine,
  model: QueueModel,
  accounts: number,
  rng: Prng,
): { deepest: number; queued: number } {
  const want = model.positions();
  const byAccount = (a: number, inst?: number) =>
    [...want.values()]
      .filter((q) => q.accountId === a && (inst === undefined || q.instrumentId === inst))
      .sort((x, y) => x.orderId - y.orderId);
  for (let a = 1; a <= accounts; a++) {
    assert.deepEqual(engine.queuePositions(a), byAccount(a), `account ${a}`);
  }
  const a = rng.int(1, accounts);
  const inst = rng.pick([...new Set([...want.values()].map((q) => q.instrumentId)), 1]);
  assert.deepEqual(engine.queuePositions(a, inst), byAccount(a, inst), `account ${a} in ${inst}`);
  for (const orderId of model.orders.keys()) {
    assert.deepEqual(engine.queuePosition(orderId), want.get(orderId), `order ${orderId}`);
  }
  let deepest = 0;
  let queued = 0;
  for (const q of want.values()) {
    deepest = Math.max(deepest, q.aheadLots);
    if (q.aheadLots > 0) queued++;
  }
  return { deepest, queued };
}

function reproduce(i: number, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  return new Error(
    `queue positions diverged after command #${i}\n` +
      `reproduce: SEED=${SEED} node --test packages/engine/test/queue-position.test.ts\n${msg}`,
    { cause: err },
  );
}

test(`seeded property, simulation stream: positions equal a recomputation from the events (SEED=${SEED})`, () => {
  // Few accounts and markets, so levels hold orders of several accounts; every command kind,
  // market lifecycle and halts included.
  const accounts = 12;
  const gen = new CommandGenerator(new Prng(SEED), accounts, 3, 1);
  const engine = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 400 });
  gen.fundsOf = (accountId, assetId) => engine.balance(accountId, assetId).available;
  const model = new QueueModel();
  const rng = new Prng(SEED ^ 0x5bd1e995);
  let checks = 0;
  let queued = 0;
  let i = 0;
  try {
    for (; i < COMMANDS; i++) {
      const { command } = gen.next();
      const events = engine.apply(command);
      model.observe(events);
      gen.observe(events);
      if (i % 97 !== 96) continue;
      checks++;
      queued += checkAgainstModel(engine, model, accounts, rng).queued;
    }
  } catch (err) {
    throw reproduce(i, err);
  }
  assert.ok(checks > 100, `only ${checks} checks`);
  assert.ok(queued > 100, `only ${queued} orders seen behind others`);
});

test(`seeded property, crowded book: positions equal a recomputation from the events (SEED=${SEED})`, () => {
  // One market, six accounts, five prices a side: deep queues shared by every account, worked on by
  // placements (some crossing, some IOC, some stops), cancels, decreases, amends up, down and across
  // prices, and cancel-alls.
  const accounts = 6;
  const h = market([1, 2, 3, 4, 5, 6]);
  const rng = new Prng(SEED);
  const model = new QueueModel();
  const steps = Math.floor(COMMANDS / 3);
  const live = () => [...model.orders.keys()];
  const owner = (id: number) => model.orders.get(id)!.accountId;
  let deepest = 0;
  let i = 0;
  try {
    for (; i < steps; i++) {
      const kind = rng.weighted({ place: 50, cancel: 12, decrease: 10, amend: 16, all: 1 });
      const ids = live();
      if (kind === 'place' || ids.length === 0) {
        const side = rng.chance(0.5) ? 'buy' : 'sell';
        // Mostly passive (buys 40–44¢, sells 45–49¢); sometimes two ticks through the spread.
        const base = side === 'buy' ? 4000 : 4500;
        const shift = rng.chance(0.1) ? (side === 'buy' ? 600 : -600) : 0;
        const price = base + 100 * rng.int(0, 4) + shift;
        const extra = rng.chance(0.05)
          ? { tif: 'ioc' as const }
          : rng.chance(0.04)
            ? { orderType: 'stopLimit' as const, stopPriceTicks: price }
            : {};
        model.observe(
          h.place(lim(rng.int(1, accounts), side, price, 100 * rng.int(1, 5), extra)).events,
        );
      } else {
        const orderId = rng.pick(ids);
        const accountId = owner(orderId);
        const o = model.orders.get(orderId)!;
        if (kind === 'cancel') {
          model.observe(h.apply({ type: 'cancelOrder', accountId, orderId }));
        } else if (kind === 'decrease') {
          model.observe(h.apply({ type: 'decreaseOrder', accountId, orderId, byLots: 100 }));
        } else if (kind === 'amend') {
          const change = rng.weighted({ up: 1, down: 1, price: 1 });
          const body =
            change === 'price'
              ? { priceTicks: o.priceTicks + 100 * rng.pick([-1, 1]) }
              : { qtyLots: Math.max(100, o.openQtyLots + (change === 'up' ? 100 : -100)) };
          model.observe(h.apply({ type: 'amendOrder', accountId, orderId, ...body }));
        } else {
          model.observe(h.apply({ type: 'cancelAll', accountId }));
        }
      }
      if (i % 7 === 6) {
        deepest = Math.max(deepest, checkAgainstModel(h.engine, model, accounts, rng).deepest);
      }
    }
  } catch (err) {
    throw reproduce(i, err);
  }
  expectSound(h);
  assert.ok(deepest >= 5_000, `queues stayed shallow (deepest ${deepest} lots)`);
});
