// The bare typed-array book must be a correct price-time book, or its speed means nothing: on seeded
// streams it reaches the reference matcher's final book (levels, quantities and order counts) and the
// same fills, and on hand-made cases it keeps time priority, partial fills and cancel/replace right.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BareBook } from '../src/bare-book.ts';
import { bareBookDriver, prepareBare } from '../src/bare-book-driver.ts';
import { depthHash } from '../src/depth-hash.ts';
import { BUY, RefBook, SELL } from '../src/reference-book.ts';
import { restingColumns } from '../src/resting-columns.ts';
import {
  generate,
  type MixName,
  PROFILES,
  type ProfileName,
  T_CANCEL,
  T_LIMIT,
  T_MARKET,
} from '../src/workload.ts';

const CASES: [ProfileName, MixName, number, number][] = [
  ['cents', 'brief', 30_000, 5],
  ['wide', 'brief', 30_000, 5],
  ['cents', 'excore', 20_000, 42],
  ['wide', 'excore', 20_000, 7],
];

test('on seeded streams the bare book reaches the reference final book and the same fills', () => {
  for (const [profile, mix, n, seed] of CASES) {
    const label = `${profile}/${mix}/${seed}`;
    const w = generate({ profile, mix, n, seed });
    const d = bareBookDriver(profile);
    const bare = d.create();
    d.replay(bare, prepareBare(w.cols));
    assert.equal(depthHash(d.depth(bare)), w.meta.final.depthHash, label);
    assert.equal(bare.trades, w.meta.trades, label);
    assert.equal(bare.tradedQty, w.meta.tradedQty, label);
    assert.equal(bare.size, w.meta.final.liveOrders, label);
    const P = PROFILES[profile];
    const ref = new RefBook(P.lo, P.hi);
    replayOnRef(ref, w.cols);
    assert.deepEqual(d.depth(bare), ref.depth(), `${label}: order counts per level too`);
    assert.ok(w.meta.trades > 1000, `${label}: the stream trades`);
  }
});

test('fills go to the earliest order at the best price; partial fills keep the maker in place', () => {
  const b = new BareBook(1, 99);
  b.limit(1, SELL, 51, 10);
  b.limit(2, SELL, 50, 5);
  b.limit(3, SELL, 50, 7);
  b.limit(4, BUY, 50, 8); // takes all of #2 (5) and 3 of #3
  assert.equal(b.trades, 2);
  assert.equal(b.tradedQty, 8);
  assert.deepEqual(b.depth(), {
    bids: [],
    asks: [
      [50, 4, 1],
      [51, 10, 1],
    ],
  });
  b.limit(5, BUY, 51, 20); // #3's 4 at 50, then #1's 10 at 51, 6 rest at 51
  assert.equal(b.tradedQty, 22);
  assert.deepEqual(b.depth(), { bids: [[51, 6, 1]], asks: [] });
});

test('cancel from the middle of a level, amend loses priority, market drops its remainder', () => {
  const b = new BareBook(1, 99);
  for (const id of [1, 2, 3]) b.limit(id, BUY, 40, 10);
  b.cancel(2);
  b.cancel(2); // already gone: ignored
  b.amend(1, 40, 10); // cancel/replace: #1 goes behind #3
  b.limit(4, SELL, 40, 15); // #3 fills 10, then #1 fills 5
  b.cancel(3); // #3 is filled, so this changes nothing; had #1 kept its place, #3 would be left
  assert.deepEqual(b.depth(), { bids: [[40, 5, 1]], asks: [] });
  b.market(SELL, 50); // #1's 5, the remaining 45 is dropped
  assert.deepEqual(b.depth(), { bids: [], asks: [] });
  assert.equal(b.tradedQty, 20);
  b.amend(1, 41, 3); // finished order: ignored
  assert.equal(b.size, 0);
});

test('pools grow past their first capacity without losing an order', () => {
  for (const profile of ['cents', 'wide'] as const) {
    const cols = restingColumns(profile, 5_000);
    const d = bareBookDriver(profile);
    const b = d.create();
    d.replay(b, prepareBare(cols));
    const P = PROFILES[profile];
    const ref = new RefBook(P.lo, P.hi);
    replayOnRef(ref, cols);
    assert.equal(b.size, 5_000);
    assert.deepEqual(d.depth(b), ref.depth(), profile);
  }
});

function replayOnRef(ref: RefBook, cols: ReturnType<typeof restingColumns>): void {
  for (let i = 0; i < cols.n; i++) {
    const side = cols.side[i]! === BUY ? BUY : SELL;
    const [id, price, qty] = [cols.id[i]!, cols.price[i]!, cols.qty[i]!];
    const t = cols.type[i];
    if (t === T_LIMIT) ref.limit(id, side, price, qty);
    else if (t === T_MARKET) ref.market(side, qty);
    else if (t === T_CANCEL) ref.cancel(id);
    else ref.amend(id, price, qty);
  }
}
