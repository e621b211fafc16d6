// The reference matcher on hand-written cases: price-time priority, trade at the maker's price, market
// sweeps, cancels, both amend rules, the owner dry run, and the canonical depth hash.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { depthHash } from '../src/depth-hash.ts';
import { BUY, RefBook, SELL } from '../src/reference-book.ts';

test('a limit that does not cross rests; best prices follow the book', () => {
  const b = new RefBook(1, 99);
  assert.equal(b.best(BUY), -1);
  b.limit(1, BUY, 40, 10);
  b.limit(2, BUY, 42, 5);
  b.limit(3, SELL, 45, 7);
  assert.equal(b.best(BUY), 42);
  assert.equal(b.best(SELL), 45);
  assert.deepEqual(b.depth(), {
    bids: [
      [42, 5, 1],
      [40, 10, 1],
    ],
    asks: [[45, 7, 1]],
  });
  assert.equal(b.trades, 0);
});

test('a crossing limit trades at the resting price, oldest first, and rests its remainder', () => {
  const b = new RefBook(1, 99);
  b.limit(1, SELL, 45, 5);
  b.limit(2, SELL, 45, 5);
  b.limit(3, SELL, 46, 5);
  b.limit(4, BUY, 46, 8); // takes 5 of #1, 3 of #2 at 45; 46 is not reached
  assert.equal(b.orders.has(1), false);
  assert.equal(b.orders.get(2)?.qty, 2);
  assert.equal(b.orders.has(4), false, 'fully filled taker does not rest');
  assert.equal(b.tradedQty, 8);
  assert.equal(b.trades, 2);
  b.limit(5, BUY, 45, 4); // takes 2 of #2, rests 2 at 45
  assert.deepEqual(b.depth(), { bids: [[45, 2, 1]], asks: [[46, 5, 1]] });
});

test('a market order sweeps levels and drops what it cannot fill', () => {
  const b = new RefBook(1, 99);
  b.limit(1, BUY, 50, 3);
  b.limit(2, BUY, 48, 4);
  b.market(SELL, 100);
  assert.deepEqual(b.depth(), { bids: [], asks: [] });
  assert.equal(b.best(BUY), -1);
  assert.equal(b.tradedQty, 7);
  assert.equal(b.live.length, 0);
});

test('cancel removes a live order, ignores an unknown one, and rescans the best level', () => {
  const b = new RefBook(1, 99);
  b.limit(1, BUY, 50, 3);
  b.limit(2, BUY, 47, 4);
  b.cancel(1);
  b.cancel(99);
  assert.equal(b.best(BUY), 47);
  assert.deepEqual(b.live, [2]);
  assert.equal(b.orders.get(2)?.idx, 0, 'swap-remove keeps the live index consistent');
});

test('alwaysLoses: an amend sends the order to the back of its level', () => {
  const b = new RefBook(1, 99, 'alwaysLoses');
  b.limit(1, SELL, 60, 10);
  b.limit(2, SELL, 60, 10);
  assert.equal(b.amend(1, 60, 6), true);
  b.limit(3, BUY, 60, 10); // #2 is now first
  assert.equal(b.orders.has(2), false);
  assert.equal(b.orders.get(1)?.qty, 6);
});

test('reductionKeeps: a same-price reduction keeps priority; a no-op amend is refused', () => {
  const b = new RefBook(1, 99, 'reductionKeeps');
  b.limit(1, SELL, 60, 10);
  b.limit(2, SELL, 60, 10);
  assert.equal(b.amend(1, 60, 10), false);
  assert.equal(b.amend(1, 60, 6), true);
  b.limit(3, BUY, 60, 8); // #1 keeps its place: 6 from #1, then 2 from #2
  assert.equal(b.orders.has(1), false);
  assert.equal(b.orders.get(2)?.qty, 8);
  assert.equal(b.amend(2, 60, 9), true, 'an increase re-queues');
  assert.equal(b.amend(2, 62, 9), true, 'a price move re-queues');
  assert.deepEqual(b.depth().asks, [[62, 9, 1]]);
  assert.equal(b.amend(1, 61, 1), false, 'a finished order cannot be amended');
});

test('wouldTrade sees only the makers an order would reach, and changes nothing', () => {
  const b = new RefBook(1, 99);
  b.limit(1, SELL, 50, 5, 7);
  b.limit(2, SELL, 51, 5, 8);
  const before = JSON.stringify(b.depth());
  assert.equal(b.wouldTrade(BUY, 50, 10, 8), false, '#2 is beyond the limit price');
  assert.equal(b.wouldTrade(BUY, 51, 5, 8), false, '#1 absorbs the whole quantity');
  assert.equal(b.wouldTrade(BUY, 51, 6, 8), true);
  assert.equal(b.wouldTrade(BUY, 49, 6, 7), false);
  assert.equal(b.wouldTrade(SELL, 1, 6, 7), false, 'same side is never reached');
  assert.equal(JSON.stringify(b.depth()), before);
});

test('depthHash is FNV-1a over the canonical depth text', () => {
  assert.equal(depthHash({ bids: [], asks: [] }), 'f90c4a3b'); // FNV-1a("|")
  const b = new RefBook(1, 99);
  b.limit(1, BUY, 50, 10);
  b.limit(2, BUY, 49, 5);
  b.limit(3, SELL, 51, 7);
  assert.equal(depthHash(b.depth()), 'dd5b5390'); // FNV-1a("B50:10;B49:5;|A51:7;")
});

test('cancelTaker: an order stops at its own owner, keeping the fills before it', () => {
  const b = new RefBook(1, 99, 'reductionKeeps', 'cancelTaker');
  b.limit(1, SELL, 50, 4, 1);
  b.limit(2, SELL, 50, 4, 2);
  b.limit(3, SELL, 50, 4, 3);
  b.limit(4, BUY, 50, 10, 2); // fills 4 from #1, then meets its own #2: the rest is cancelled
  assert.equal(b.selfTradeCancels, 1);
  assert.equal(b.tradedQty, 4);
  assert.equal(b.orders.has(4), false);
  assert.deepEqual(b.depth(), { bids: [], asks: [[50, 8, 2]] });
  b.limit(5, BUY, 40, 3, 3);
  assert.equal(b.amend(5, 50, 3), true); // crosses into #2 (owner 2), then #3 is its own
  assert.equal(b.selfTradeCancels, 1, '#2 absorbs all 3 before #3 is reached');
  assert.equal(b.orders.get(2)?.qty, 1);
});
