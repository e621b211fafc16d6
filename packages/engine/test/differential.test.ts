// Differential test: the engine against a reference matcher written to be obviously correct (a
// plain array of orders, sorted by price then arrival on every match). Both get the same seeded
// stream of limit, IOC, FOK, market, cancel, amend and decrease commands on one market; fills
// (maker, taker, price, quantity, in order) and the books must be identical throughout. Accounts
// are few so self-trade prevention happens, and the reference models it (cancelTaker stops the
// taker, cancelMaker removes the maker). Each account's open lots per side (what the position limit
// counts) must equal its orders in the reference book after every step.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BinarySpec, SelfTradePrevention, Side, SpotSpec } from '../src/index.ts';
import { verifyInvariants } from '../src/index.ts';
import { binarySpec, fills, Harness, spotSpec } from './support/harness.ts';
import { Prng, seedFromEnv } from './support/prng.ts';

interface RefOrder {
  id: number;
  account: number;
  side: Side;
  price: number;
  qty: number;
  /**
   * Time priority: the seq at which it last lost priority (placement or a priority-losing amend).
   */
  arrival: number;
  stp: SelfTradePrevention;
}

interface RefFill {
  maker: number;
  taker: number;
  price: number;
  qty: number;
}

/** The reference book: one array, sorted from scratch whenever it is needed. */
class ReferenceBook {
  orders: RefOrder[] = [];

  private bestFirst(side: Side): RefOrder[] {
    return this.orders
      .filter((o) => o.side === side)
      .sort(
        (a, b) => (side === 'buy' ? b.price - a.price : a.price - b.price) || a.arrival - b.arrival,
      );
  }

  /** Matches `taker` (limit price `limit`); rests the remainder when `rest` is true. */
  take(taker: RefOrder, rest: boolean): RefFill[] {
    const out: RefFill[] = [];
    const crosses = (p: number) => (taker.side === 'buy' ? p <= taker.price : p >= taker.price);
    let stopped = false;
    for (const m of this.bestFirst(taker.side === 'buy' ? 'sell' : 'buy')) {
      if (taker.qty === 0 || !crosses(m.price)) break;
      if (m.account === taker.account) {
        if (taker.stp === 'cancelMaker') {
          this.remove(m.id);
          continue;
        }
        stopped = true;
        break;
      }
      const q = Math.min(taker.qty, m.qty);
      out.push({ maker: m.id, taker: taker.id, price: m.price, qty: q });
      taker.qty -= q;
      m.qty -= q;
      if (m.qty === 0) this.remove(m.id);
    }
    if (rest && !stopped && taker.qty > 0) this.orders.push(taker);
    return out;
  }

  /**
   * What `taker` could fill now: stops at its own account's first order unless it would cancel it.
   */
  fillable(taker: RefOrder): number {
    let total = 0;
    for (const m of this.bestFirst(taker.side === 'buy' ? 'sell' : 'buy')) {
      if (taker.side === 'buy' ? m.price > taker.price : m.price < taker.price) break;
      if (m.account === taker.account) {
        if (taker.stp === 'cancelMaker') continue;
        break;
      }
      total += m.qty;
    }
    return total;
  }

  remove(id: number): RefOrder | undefined {
    const i = this.orders.findIndex((o) => o.id === id);
    if (i < 0) return undefined;
    return this.orders.splice(i, 1)[0];
  }

  get(id: number): RefOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  /** [price, total qty, order count] per level, best first, like `Engine.book`. */
  levels(side: Side): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (const o of this.bestFirst(side)) {
      const last = out[out.length - 1];
      if (last !== undefined && last[0] === o.price) {
        last[1] += o.qty;
        last[2]++;
      } else out.push([o.price, o.qty, 1]);
    }
    return out;
  }
}

function run(seed: number, spec: BinarySpec | SpotSpec, steps: number): number {
  const rng = new Prng(seed);
  const accounts = [1, 2, 3, 4, 5, 6];
  const h = new Harness(100_000).setup(accounts, 1_000_000_000_000, 1_000_000_000_000);
  h.market(spec);
  const id = spec.instrumentId;
  const ref = new ReferenceBook();
  const lo = spec.minPriceTicks;
  const hi = spec.maxPriceTicks;
  const tick = spec.tickSize;
  const centre = lo + Math.floor((hi - lo) / 2 / tick) * tick;
  // Buyers mostly bid below the centre and sellers offer above it, so the book builds depth while a
  // share of orders still cross.
  const price = (side?: Side) =>
    centre +
    tick *
      (side === 'buy' ? rng.int(-15, 3) : side === 'sell' ? rng.int(-3, 15) : rng.int(-15, 15));
  const qty = () => spec.lotSize * rng.int(1, 12);
  let fillCount = 0;
  let maxDepth = 0;
  const where = (step: number) =>
    `seed ${seed}, step ${step} (SEED=${seed} node --test <this file>)`;
  for (let step = 0; step < steps; step++) {
    const kind = rng.weighted({
      limit: 50,
      ioc: 8,
      fok: 5,
      market: 6,
      cancel: 10,
      amend: 12,
      decrease: 4,
    });
    const live = ref.orders;
    let engineFills: RefFill[];
    let refFills: RefFill[];
    if (kind === 'cancel' || kind === 'amend' || kind === 'decrease') {
      if (live.length === 0) continue;
      const o = rng.pick(live);
      if (kind === 'cancel') {
        h.must({ type: 'cancelOrder', accountId: o.account, orderId: o.id });
        ref.remove(o.id);
        continue;
      }
      if (kind === 'decrease') {
        const by = spec.lotSize * rng.int(1, 6);
        h.must({ type: 'decreaseOrder', accountId: o.account, orderId: o.id, byLots: by });
        if (by >= o.qty) ref.remove(o.id);
        else o.qty -= by;
        continue;
      }
      const newPrice = rng.chance(0.6) ? price(o.side) : o.price;
      let newQty = rng.chance(0.6) ? qty() : o.qty;
      if (newPrice === o.price && newQty === o.qty) newQty = o.qty + spec.lotSize;
      engineFills = fills(
        h.must({
          type: 'amendOrder',
          accountId: o.account,
          orderId: o.id,
          priceTicks: newPrice,
          qtyLots: newQty,
        }),
      );
      if (newPrice === o.price && newQty < o.qty) {
        o.qty = newQty;
        refFills = [];
      } else {
        ref.remove(o.id);
        refFills = ref.take({ ...o, price: newPrice, qty: newQty, arrival: h.seq }, true);
      }
    } else {
      const side: Side = rng.chance(0.5) ? 'buy' : 'sell';
      const account = rng.pick(accounts);
      const stp: SelfTradePrevention = rng.chance(0.5) ? 'cancelTaker' : 'cancelMaker';
      const q = qty();
      const orderId = h.seq + 1;
      if (kind === 'fok') {
        const p = price(side);
        const events = h.apply({
          type: 'placeOrder',
          orderId,
          accountId: account,
          instrumentId: id,
          side,
          orderType: 'limit',
          priceTicks: p,
          qtyLots: q,
          tif: 'fok',
          stp,
        });
        const taker: RefOrder = {
          id: orderId,
          account,
          side,
          price: p,
          qty: q,
          arrival: orderId,
          stp,
        };
        const fillable = ref.fillable(taker) >= q;
        const rejected = events.some(
          (e) => e.type === 'rejected' && e.reason === 'FOK_NOT_FILLABLE',
        );
        assert.equal(rejected, !fillable, `FOK acceptance differs at ${where(step)}`);
        engineFills = fills(events);
        refFills = fillable ? ref.take(taker, false) : [];
        if (fillable) assert.equal(taker.qty, 0, `a FOK filled in part at ${where(step)}`);
      } else if (kind === 'market') {
        const worst = rng.chance(0.5) ? price(side) : undefined;
        const limit = worst ?? (side === 'buy' ? hi : lo);
        engineFills = fills(
          h.must({
            type: 'placeOrder',
            orderId,
            accountId: account,
            instrumentId: id,
            side,
            orderType: 'market',
            qtyLots: q,
            tif: 'ioc',
            stp,
            ...(worst === undefined ? {} : { worstPriceTicks: worst }),
          }),
        );
        refFills = ref.take(
          { id: orderId, account, side, price: limit, qty: q, arrival: orderId, stp },
          false,
        );
      } else {
        const p = price(side);
        const tif = kind === 'ioc' ? 'ioc' : 'gtc';
        engineFills = fills(
          h.must({
            type: 'placeOrder',
            orderId,
            accountId: account,
            instrumentId: id,
            side,
            orderType: 'limit',
            priceTicks: p,
            qtyLots: q,
            tif,
            stp,
          }),
        );
        refFills = ref.take(
          { id: orderId, account, side, price: p, qty: q, arrival: orderId, stp },
          tif === 'gtc',
        );
      }
    }
    assert.deepEqual(engineFills, refFills, `fills differ at ${where(step)}`);
    fillCount += refFills.length;
    maxDepth = Math.max(maxDepth, ref.orders.length);
    compareOpenLots(h, ref, accounts, id, where(step));
    if (step % 100 === 0) compareBooks(h, ref, id, where(step));
  }
  compareBooks(h, ref, id, where(steps));
  assert.deepEqual(verifyInvariants(h.engine), []);
  // The stream must have traded a lot against a book of some depth to mean anything.
  assert.ok(fillCount > steps / 8, `only ${fillCount} fills`);
  assert.ok(maxDepth >= 20, `the book never got deeper than ${maxDepth} orders`);
  return fillCount;
}

/**
 * After every step, each account's open lots per side (what the position limit counts) equal the
 * open quantity of its orders in the reference book.
 */
function compareOpenLots(
  h: Harness,
  ref: ReferenceBook,
  accounts: readonly number[],
  id: number,
  where: string,
): void {
  const index = h.engine.instById.get(id)!.index;
  for (const accountId of accounts) {
    const kept = h.engine.accountsById.get(accountId)!.openLots;
    for (const [k, side] of [
      [0, 'buy'],
      [1, 'sell'],
    ] as const) {
      let want = 0;
      for (const o of ref.orders) if (o.account === accountId && o.side === side) want += o.qty;
      const got = kept[2 * index + k] ?? 0;
      assert.equal(got, want, `account ${accountId} ${side} open lots differ at ${where}`);
    }
  }
}

function compareBooks(h: Harness, ref: ReferenceBook, id: number, where: string): void {
  const book = h.engine.book(id)!;
  assert.deepEqual(book.bids, ref.levels('buy'), `bids differ at ${where}`);
  assert.deepEqual(book.asks, ref.levels('sell'), `asks differ at ${where}`);
  for (const o of ref.orders) {
    const e = h.engine.order(o.id);
    assert.ok(e !== undefined, `order ${o.id} missing from the engine at ${where}`);
    assert.equal(e.openQtyLots, o.qty, `order ${o.id} quantity differs at ${where}`);
  }
  let engineLive = 0;
  for (const a of h.engine.accounts()) engineLive += h.engine.openOrders(a.accountId, id).length;
  assert.equal(engineLive, ref.orders.length, `live order count differs at ${where}`);
}

const BASE_SEED = seedFromEnv(7_100);
const SEEDS = [BASE_SEED, BASE_SEED + 1, BASE_SEED + 2];

describe('engine matches the reference matcher', () => {
  for (const seed of SEEDS) {
    test(`binary market, seed ${seed}`, () => {
      run(seed, binarySpec(10), 6_000);
    });
    test(`binary market with a fine grid and fractional lots, seed ${seed}`, () => {
      run(
        seed,
        binarySpec(11, { tickSize: 1, minPriceTicks: 1, maxPriceTicks: 9_999, lotSize: 1 }),
        3_000,
      );
    });
    test(`spot market, seed ${seed}`, () => {
      run(seed, spotSpec(20), 6_000);
    });
  }
  test('the reference book itself: price first, then arrival', () => {
    const ref = new ReferenceBook();
    const o = (id: number, price: number, account = id): RefOrder => ({
      id,
      account,
      side: 'sell',
      price,
      qty: 1,
      arrival: id,
      stp: 'cancelTaker',
    });
    ref.orders.push(o(1, 50), o(2, 49), o(3, 50));
    const f = ref.take(
      { id: 9, account: 9, side: 'buy', price: 50, qty: 3, arrival: 9, stp: 'cancelTaker' },
      true,
    );
    assert.deepEqual(
      f.map((x) => x.maker),
      [2, 1, 3],
    );
    ref.orders.push(o(4, 48, 7));
    assert.deepEqual(
      ref.take(
        { id: 10, account: 7, side: 'buy', price: 50, qty: 1, arrival: 10, stp: 'cancelTaker' },
        true,
      ),
      [],
    );
    assert.equal(ref.orders.length, 1);
  });
});
