// Per-order state in the gateway lasts only as long as the order: across a long random run of every way
// an order ends (full fills as taker and maker, IOC and market remainders, cancels, cancel-all,
// decreases to zero, GTD expiry, stops that trigger), the private feed tracks exactly the orders that
// are still live, so memory follows the open book and not the number of orders ever placed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command, Side } from '@bourse/engine';
import type { AppliedCommand } from '@bourse/core';
import { binarySpec, DOLLAR, Harness, type Body } from '../../engine/test/support/harness.ts';
import { Prng } from '../../engine/test/support/prng.ts';
import { PrivateFeed } from '../src/ws/private-feed.ts';

const ACCOUNTS = [1, 2, 3] as const;
const MARKET = 7;

/** Applies `body` to the engine and hands the result to `feed` as the gateway would. */
function step(h: Harness, feed: PrivateFeed, body: Body): void {
  const events = h.apply(body);
  const applied: AppliedCommand = {
    seq: h.seq,
    ts: h.ts,
    command: { ...body, seq: h.seq, ts: h.ts } as Command,
    events,
  };
  feed.apply(applied, () => 'EVT-7');
  feed.flush();
}

function liveOrders(h: Harness): number {
  return ACCOUNTS.reduce((n, a) => n + h.engine.openOrders(a).length, 0);
}

test('the private feed tracks only live orders over a long random run', () => {
  const h = new Harness(100_000).setup(ACCOUNTS, 1_000_000 * DOLLAR);
  h.market(binarySpec(MARKET));
  const feed = new PrivateFeed(() => true);
  const rng = new Prng(11);
  let placed = 0;
  for (let i = 0; i < 20_000; i++) {
    h.ts += rng.int(0, 50);
    const accountId = rng.pick(ACCOUNTS);
    const side: Side = rng.chance(0.5) ? 'buy' : 'sell';
    const priceTicks = 100 * rng.int(40, 60);
    const qtyLots = 100 * rng.int(1, 5);
    const roll = rng.next() / 0x1_0000_0000;
    const orderId = h.seq + 1;
    const base = {
      type: 'placeOrder' as const,
      orderId,
      accountId,
      instrumentId: MARKET,
      side,
      qtyLots,
    };
    if (roll < 0.5) {
      step(h, feed, { ...base, orderType: 'limit', priceTicks, tif: 'gtc' });
      placed++;
    } else if (roll < 0.6) {
      step(h, feed, { ...base, orderType: 'limit', priceTicks, tif: 'ioc' });
    } else if (roll < 0.65) {
      step(h, feed, { ...base, orderType: 'market', tif: 'ioc' });
    } else if (roll < 0.72) {
      const expiresAt = h.ts + rng.int(1, 500);
      step(h, feed, { ...base, orderType: 'limit', priceTicks, tif: 'gtd', expiresAt });
    } else if (roll < 0.76) {
      const stopPriceTicks = 100 * rng.int(40, 60);
      step(h, feed, { ...base, orderType: 'stop', stopPriceTicks, tif: 'gtc' });
    } else if (roll < 0.9) {
      const open = h.engine.openOrders(accountId);
      if (open.length > 0) {
        const o = rng.pick(open);
        step(h, feed, { type: 'cancelOrder', accountId, orderId: o.orderId });
      }
    } else if (roll < 0.95) {
      const open = h.engine.openOrders(accountId);
      if (open.length > 0) {
        const o = rng.pick(open);
        step(h, feed, { type: 'decreaseOrder', accountId, orderId: o.orderId, byLots: 100 });
      }
    } else if (roll < 0.97) {
      step(h, feed, { type: 'cancelAll', accountId });
    } else {
      step(h, feed, { type: 'tick' });
    }
    if (i % 500 === 499) assert.equal(feed.trackedOrders, liveOrders(h), `after command ${i}`);
  }
  assert.ok(placed > 5_000);
  for (const accountId of ACCOUNTS) step(h, feed, { type: 'cancelAll', accountId });
  assert.equal(liveOrders(h), 0);
  assert.equal(feed.trackedOrders, 0, 'nothing is kept for orders that ended');
});
